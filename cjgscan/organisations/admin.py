from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from cjgscan.organisations.models import MemberInvitation, Membership, Organisation, Profile, TwoFactorReset

# The admin speaks the users' language (Dutch by default, through the language switch), with our name on top.
admin.site.site_header = _("cjgscan management")
admin.site.site_title = _("cjgscan management")
admin.site.index_title = _("Installation management")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "region", "two_factor_required", "created"]
    search_fields = ["name", "municipality", "region"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__username", "organisation__name"]


@admin.register(MemberInvitation)
class MemberInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    exclude = ["token_hash"]
    readonly_fields = ["sent_at", "expires_at", "accepted_at", "invited_by"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    search_fields = ["user__email"]


@admin.register(TwoFactorReset)
class TwoFactorResetAdmin(admin.ModelAdmin):
    """The record of resets is kept as it was made: it can be read, not changed."""

    list_display = ["user", "reset_by", "reset_at"]
    search_fields = ["user__email", "reset_by__email"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


# django-otp's device pages are English only and editing a device by hand is never needed: switching two-factor
# sign-in off goes through the installation page (recorded), setting it up through the user's own account page.
admin.site.unregister(TOTPDevice)
