from django.contrib import admin

from .models import (
    BehalfRequest,
    Chapter,
    Comment,
    ExportLog,
    Idea,
    ProgrammeProcess,
    StatusChange,
)


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 1


@admin.register(ProgrammeProcess)
class ProgrammeProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "landesverband", "collect_starts_at", "collect_ends_at"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["gliederungen"]
    inlines = [ChapterInline]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    # Status changes go through the idea page (history and mails); here only for moderation.
    list_display = ["title", "process", "chapter", "gliederung", "status", "support_count"]
    list_filter = ["process", "status"]
    search_fields = ["title"]
    readonly_fields = [
        "status",
        "answer",
        "answer_html",
        "html",
        "support_count",
        "comment_count",
        "merged_into",
        "room",
    ]
    raw_id_fields = ["author", "gliederung"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["idea", "author", "created_at"]
    raw_id_fields = ["idea", "author"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["idea", "status_from", "status_to", "changed_by", "created_at"]
    raw_id_fields = ["idea", "changed_by"]


@admin.register(BehalfRequest)
class BehalfRequestAdmin(admin.ModelAdmin):
    list_display = ["idea", "gliederung", "status", "decided_at"]
    raw_id_fields = ["idea", "requested_by", "decided_by"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["process", "user", "format", "filters", "row_count", "created_at"]
    readonly_fields = ["process", "user", "format", "filters", "row_count", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
