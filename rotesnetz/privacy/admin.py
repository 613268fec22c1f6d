from django.contrib import admin
from django.db.models import F

from . import services
from .forms import ConsentTextForm, LegalPageForm
from .models import AuditEntry, ConsentRecord, ConsentText, LegalPage


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nobody edits: admins read them, nobody adds, changes or deletes here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_label", "count"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_label", "target_id", "request_id"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "filters",
        "count",
        "request_id",
    ]
    actions = None


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "text", "user", "reference", "action"]
    list_filter = ["text__kind", "action"]
    list_select_related = ["text", "user"]
    readonly_fields = ["text", "user", "reference", "action", "at"]
    actions = None


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """A new wording is added as the next version; versions already given are never edited."""

    form = ConsentTextForm
    list_display = ["kind", "version", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["version", "created_at"]
    actions = None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.consent_text_new_version(
            kind=obj.kind, text_de=obj.text_de, text_en=obj.text_en
        )
        obj.pk, obj.version, obj.created_at = created.pk, created.version, created.created_at


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    form = LegalPageForm
    list_display = ["kind", "language", "title", "version", "updated_at"]
    list_filter = ["kind", "language"]
    readonly_fields = ["version", "updated_at"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            LegalPage.objects.filter(pk=obj.pk).update(version=F("version") + 1)
