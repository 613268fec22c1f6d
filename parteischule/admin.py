from django.contrib import admin

from .models import (
    Category,
    Certificate,
    Course,
    CourseMessage,
    CourseSession,
    DiversityConsentLog,
    DiversityGoal,
    Enrolment,
    LearningPath,
    LearningPathStep,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


class SessionInline(admin.TabularInline):
    model = CourseSession
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    """Read and correct; seats and enrolments change only through the course pages' services."""

    list_display = ["title", "category", "regionalzentrum", "format", "capacity", "is_published"]
    list_filter = ["category", "format", "is_published", "regionalzentrum"]
    search_fields = ["title", "place"]
    autocomplete_fields = ["trainers", "landesverband", "regionalzentrum"]
    filter_horizontal = ["prerequisites"]
    list_select_related = ["category", "regionalzentrum"]
    inlines = [SessionInline]

    def has_add_permission(self, request):
        # Staff open courses on the course pages, which keep them to their own Landesverband
        # or Regionalzentrum; the admin form would offer every one.
        return request.user.is_active and request.user.is_superuser


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "reserved_seat", "created_at", "completed_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "course__title"]
    list_select_related = ["user", "course"]
    readonly_fields = [f.name for f in Enrolment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "enrolment", "issued_at", "revoked_at"]
    search_fields = ["code"]
    list_select_related = ["enrolment__user", "enrolment__course"]
    readonly_fields = ["enrolment", "code", "issued_at"]


class StepInline(admin.TabularInline):
    model = LearningPathStep
    extra = 1
    autocomplete_fields = ["course"]


@admin.register(LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = ["title", "qualification_code", "qualification_label"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]


@admin.register(DiversityGoal)
class DiversityGoalAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "dimension",
        "target_percent",
        "landesverband",
        "regionalzentrum",
        "course",
    ]
    list_filter = ["year", "dimension"]


@admin.register(DiversityConsentLog)
class DiversityConsentLogAdmin(admin.ModelAdmin):
    """Consent records only; the declared data itself is deliberately not in the admin."""

    list_display = ["user", "action", "consent_version", "at"]
    list_filter = ["action"]
    readonly_fields = ["user", "action", "consent_version", "at"]


@admin.register(CourseMessage)
class CourseMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "course", "author", "recipient_count", "created_at"]
    readonly_fields = ["course", "author", "subject", "body", "include_waitlist", "recipient_count"]
