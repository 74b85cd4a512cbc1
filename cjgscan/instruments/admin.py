from django.contrib import admin

from cjgscan.instruments.models import Instrument, InstrumentVersion, Item, Theme


class VersionInline(admin.TabularInline):
    model = InstrumentVersion
    fields = ["number", "loaded_from", "loaded_at", "content_hash"]
    readonly_fields = ["number", "loaded_from", "loaded_at", "content_hash"]
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["slug", "kind", "created"]
    inlines = [VersionInline]


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    list_display = ["instrument", "number", "loaded_from", "loaded_at"]
    readonly_fields = [f.name for f in InstrumentVersion._meta.fields]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "kind", "number"]
    list_filter = ["version"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "theme"]
    list_filter = ["theme__version"]
    search_fields = ["code"]
