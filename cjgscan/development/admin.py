from django.contrib import admin

from cjgscan.development.models import Action, ActionNote, AgreedScore


class ActionNoteInline(admin.TabularInline):
    model = ActionNote
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "phase", "theme_code", "item_code", "due_on"]
    list_filter = ["phase"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "round", "owner"]
    inlines = [ActionNoteInline]


@admin.register(AgreedScore)
class AgreedScoreAdmin(admin.ModelAdmin):
    list_display = ["round", "theme_code", "score", "recorded_at"]
    raw_id_fields = ["round", "recorded_by"]
