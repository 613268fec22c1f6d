from allauth.usersessions import admin as allauth_usersessions_admin
from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import StructureImportForm
from .imports import StructureImportError, structure_import
from .models import (
    Gliederung,
    Membership,
    MembershipRequest,
    Qualification,
    Regionalzentrum,
    StaffRole,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "gliederung"]


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    fk_name = "user"
    autocomplete_fields = ["landesverband", "regionalzentrum"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "display_name", "password"]}),
        (
            gettext_lazy("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (gettext_lazy("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]
    inlines = [MembershipInline, StaffRoleInline]

    # Deleting here erases like the person's own deletion: every part's eraser runs.
    def delete_model(self, request, obj):
        from rotesnetz.privacy.services import account_delete

        account_delete(user=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)

    def get_deleted_objects(self, objs, request):
        # Records nobody edits by hand (consents, logs) go with the person through the erasure,
        # so the right to delete the account is all it needs.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected


@admin.register(Gliederung)
class GliederungAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "ag_type", "slug"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "slug", "ag_type"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [MembershipInline]

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="members_gliederung_import",
            )
        ]
        return custom + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = StructureImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                result = structure_import(
                    data=form.cleaned_data["file"].read(),
                    landesverband=form.cleaned_data["landesverband"],
                )
            except StructureImportError as error:
                errors = error.errors
            else:
                messages.success(
                    request,
                    _("Import done: %(created)d created, %(updated)d updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("admin:members_gliederung_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "title": _("Import structure from CSV"),
        }
        return render(request, "admin/members/gliederung/import.html", context)


@admin.register(Regionalzentrum)
class RegionalzentrumAdmin(admin.ModelAdmin):
    list_display = ["name", "landesverband", "email"]
    list_filter = ["landesverband"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["landesverband", "gliederungen"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "gliederung", "role", "created_at"]
    list_filter = ["role", "gliederung__kind"]
    search_fields = ["user__email", "user__display_name", "gliederung__name"]
    autocomplete_fields = ["user", "gliederung"]
    list_select_related = ["user", "gliederung"]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "landesverband", "regionalzentrum"]
    search_fields = ["user__email", "landesverband__name", "regionalzentrum__name"]
    autocomplete_fields = ["user", "landesverband", "regionalzentrum"]
    list_select_related = ["user", "landesverband", "regionalzentrum"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "gliederung", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "gliederung__name"]
    readonly_fields = ["created_at", "decided_at", "decided_by"]
    autocomplete_fields = ["user", "gliederung"]
    list_select_related = ["user", "gliederung"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "code", "awarded_at"]
    list_filter = ["code"]
    search_fields = ["user__email", "user__display_name", "label"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


# allauth's session admin searches user__username, which our users (email login) do not have:
# searching the list ended in a FieldError (500).
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(allauth_usersessions_admin.UserSessionAdmin):
    search_fields = ["user__email", "user__display_name", "ip"]
