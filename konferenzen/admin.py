from django.contrib import admin

from .models import (
    Conference,
    Contributor,
    DialIn,
    Feedback,
    Question,
    QuestionTopic,
    Registration,
    Series,
)


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 0
    fields = ["name", "role", "description", "order"]


class DialInInline(admin.StackedInline):
    model = DialIn
    extra = 0


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "gliederung"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["gliederung", "moderators"]
    inlines = [ContributorInline]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    """For the platform team; staff schedule conferences in the staff UI (``/konferenzen/``).

    Changes made here do not send change mails: use the staff UI for anything registrants
    must hear about."""

    list_display = ["title", "starts_at", "format", "status", "gliederung", "series"]
    list_filter = ["status", "format", "audience"]
    search_fields = ["title", "topic", "slug"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["gliederung", "series", "moderators", "audience_gliederungen"]
    readonly_fields = [
        "sequence",
        "notified_sequence",
        "dial_in_send_at",
        "dial_in_released_at",
        "dial_in_enqueued_at",
        "reminder_sent_at",
        "briefing_sent_at",
    ]
    inlines = [DialInInline, ContributorInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["conference", "user", "email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["email", "user__email", "conference__title"]
    raw_id_fields = ["conference", "user"]
    exclude = ["token"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["conference", "text", "support_count", "status", "hidden"]
    list_filter = ["status", "hidden"]
    raw_id_fields = ["conference", "registration", "topic"]


admin.site.register(QuestionTopic)
admin.site.register(Feedback)
