from django.contrib import admin

from cjgscan.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Installation administrators can see and revoke (delete) keys; the secret itself is never stored."""

    list_display = ["name", "user", "hint", "scope", "organisation", "created", "last_used_on"]
    list_filter = ["scope"]
    search_fields = ["name", "user__email", "hint"]
    readonly_fields = ["uuid", "user", "hint", "token_hash", "created", "last_used_on"]
    fields = ["uuid", "user", "name", "hint", "scope", "organisation", "created", "last_used_on", "token_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are made by their owners, under Account › API keys
