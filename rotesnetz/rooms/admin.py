from django.contrib import admin

from .models import Message, ModerationLog, Room, RoomInvite


class RoomInviteInline(admin.TabularInline):
    model = RoomInvite
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "gliederung",
        "visibility",
        "read_only",
        "is_main",
        "archived_at",
        "last_message_at",
    ]
    list_filter = ["visibility", "read_only", "is_main"]
    search_fields = ["name", "gliederung__name"]
    autocomplete_fields = ["gliederung"]
    list_select_related = ["gliederung"]
    readonly_fields = ["is_main", "last_message_at", "created_at"]
    inlines = [RoomInviteInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "room", "author", "created_at", "hidden_at", "deleted_at"]
    list_filter = ["hidden_at", "deleted_at"]
    search_fields = ["text", "author__email", "room__name"]
    list_select_related = ["room", "author"]
    raw_id_fields = ["room", "author", "parent", "hidden_by"]
    readonly_fields = ["html", "created_at", "updated_at", "client_id"]


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "room", "actor", "action", "reason"]
    list_filter = ["action"]
    list_select_related = ["room", "actor"]
    readonly_fields = ["room", "actor", "action", "message", "reason", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
