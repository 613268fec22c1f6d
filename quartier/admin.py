"""The office registry in the Django admin.

Admins and Landesverband staff register offices; an office's team sees only its own office(s)
(querysets scoped), and only those who run an office may change it (object permissions from
``rules.py``). Status changes go through the services as admin actions, never by editing.
"""

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rotesnetz.members.models import Gliederung, StaffRole, User
from rotesnetz.privacy.services import audit_record

from . import selectors, services
from .forms import OpeningHoursFormSetMixin
from .models import (
    AdviceSlot,
    AnalysisConfig,
    ConceptStep,
    ContactRequest,
    District,
    DistrictResult,
    Election,
    Event,
    EventRegistration,
    Office,
    OpeningException,
    OpeningHours,
    Service,
    TeamMember,
    UsageConcept,
)


def _changeable_office_ids(user) -> set[int]:
    """The offices this person runs: exactly where ``quartier.change_office`` holds."""
    return selectors.office_scope(user=user).runs


class OfficeScopedMixin:
    """For admins of rows that belong to an office: scope and permissions follow the office."""

    office_lookup = "office"

    def office_of(self, obj):
        return getattr(obj, "office", None) if obj is not None else None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        ids = selectors.office_ids_for(user=request.user)
        return queryset.filter(**{f"{self.office_lookup}__in": ids})

    def has_module_permission(self, request):
        return request.user.has_perm("quartier.view_office")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quartier.view_office", self.office_of(obj))

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", self.office_of(obj))

    def has_add_permission(self, request, *args):
        return request.user.has_perm("quartier.change_office")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", self.office_of(obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office" and not request.user.is_superuser:
            kwargs["queryset"] = Office.objects.filter(id__in=_changeable_office_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfficeInlineMixin:
    """Inlines on the office page: the parent office decides."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quartier.view_office", obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", obj)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", obj)


class OpeningHoursFormSet(OpeningHoursFormSetMixin, forms.BaseInlineFormSet):
    pass


class OpeningHoursInline(OfficeInlineMixin, admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["weekday", "opens", "closes", "note"]


class OpeningExceptionInline(OfficeInlineMixin, admin.TabularInline):
    model = OpeningException
    extra = 0
    fields = ["date", "closed", "opens", "closes", "reason"]


class UserByEmailField(forms.ModelChoiceField):
    """Team members are added by the email of their account, so nobody browses all users."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.EmailInput)
        kwargs["to_field_name"] = "email"
        kwargs["error_messages"] = {
            "invalid_choice": gettext_lazy(
                "There is no account with this email address. The person has to sign up first."
            )
        }
        super().__init__(queryset=User.objects.all(), **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class TeamMemberForm(forms.ModelForm):
    user = UserByEmailField(label=gettext_lazy("Email of the person's account"))

    class Meta:
        model = TeamMember
        fields = ["user", "role", "tasks"]


class TeamMemberInline(OfficeInlineMixin, admin.TabularInline):
    model = TeamMember
    form = TeamMemberForm
    extra = 0


class OfficeAdminForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = [
            "name",
            "slug",
            "kind",
            "gliederung",
            "street",
            "postcode",
            "city",
            "district",
            "latitude",
            "longitude",
            "email",
            "phone",
            "description",
            "services",
            "step_free",
            "accessible_toilet",
            "accessibility_notes",
            "languages",
        ]
        widgets = {"services": forms.CheckboxSelectMultiple}


@admin.register(Office)
class OfficeAdmin(OfficeScopedMixin, admin.ModelAdmin):
    office_lookup = "pk"
    form = OfficeAdminForm
    list_display = ["name", "kind", "status", "postcode", "city", "district", "gliederung"]
    list_filter = ["status", "kind", "step_free", "services", "city"]
    search_fields = ["name", "slug", "postcode", "city", "district", "street", "gliederung__name"]
    list_select_related = ["gliederung"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, OpeningExceptionInline, TeamMemberInline]
    actions = ["open_offices", "close_offices", "export_csv"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "gliederung", "status", "opened_on", "closed_on"]},
        ),
        (
            gettext_lazy("Address"),
            {"fields": ["street", "postcode", "city", "district", "latitude", "longitude"]},
        ),
        (gettext_lazy("Contact"), {"fields": ["email", "phone"]}),
        (gettext_lazy("Offer"), {"fields": ["description", "services"]}),
        (
            gettext_lazy("Accessibility"),
            {"fields": ["step_free", "accessible_toilet", "accessibility_notes", "languages"]},
        ),
    ]

    def office_of(self, obj):
        return obj

    def has_add_permission(self, request, *args):
        return request.user.has_perm("quartier.add_office")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("quartier.delete_office", obj)

    def _registers_offices(self, request) -> bool:
        return request.user.has_perm("quartier.add_office")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "opened_on", "closed_on"]
        if not self._registers_offices(request):
            readonly += ["name", "slug", "kind", "gliederung"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if self._registers_offices(request) else {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "gliederung" and not request.user.is_superuser:
            paths = list(
                StaffRole.objects.filter(
                    user=request.user, landesverband__isnull=False
                ).values_list("landesverband__path", flat=True)
            )
            condition = models.Q(pk__in=[])
            for path in paths:
                condition |= models.Q(path__startswith=path)
            kwargs["queryset"] = Gliederung.objects.filter(condition)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _each(self, request, queryset, service, done_text):
        changed = 0
        for office in queryset:
            try:
                service(office_id=office.pk, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = "; ".join(getattr(error, "messages", [])) or _("Not allowed.")
                self.message_user(request, f"{office}: {text}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done_text % {"count": changed}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Open the selected offices (concept approved)"))
    def open_offices(self, request, queryset):
        self._each(request, queryset, services.office_open, _("%(count)d office(s) opened."))

    @admin.action(description=gettext_lazy("Close the selected offices"))
    def close_offices(self, request, queryset):
        self._each(request, queryset, services.office_close, _("%(count)d office(s) closed."))

    def has_export_permission(self, request):
        return request.user.has_perm("quartier.export_offices")

    @admin.action(
        description=gettext_lazy("Export the selected offices as CSV"), permissions=["export"]
    )
    def export_csv(self, request, queryset):
        audit_record(
            actor=request.user,
            action="quartier.offices.export",
            target=gettext_lazy("offices"),
            filters={"ids": sorted(queryset.values_list("pk", flat=True))},
            count=queryset.count(),
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="buero.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Name"),
                _("Kind"),
                _("Status"),
                _("Street"),
                _("PLZ"),
                _("Town"),
                _("District"),
                _("Gliederung"),
                _("Email"),
                _("Phone"),
            ]
        )
        for office in queryset.select_related("gliederung"):
            writer.writerow(
                [
                    office.name,
                    office.get_kind_display(),
                    office.get_status_display(),
                    office.street,
                    office.postcode,
                    office.city,
                    office.district,
                    office.gliederung.name,
                    office.email,
                    office.phone,
                ]
            )
        return response


class RegistrationInline(admin.TabularInline):
    model = EventRegistration
    extra = 0
    fields = ["name", "email", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quartier.change_office", obj.office if obj else None)


@admin.register(Event)
class EventAdmin(OfficeScopedMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "office",
        "category",
        "starts_at",
        "capacity",
        "registered_count",
        "cancelled",
    ]
    list_filter = ["category", "cancelled", "registration_open", "office"]
    search_fields = ["title", "office__name"]
    list_select_related = ["office"]
    date_hierarchy = "starts_at"
    readonly_fields = ["registered_count", "cancelled"]
    inlines = [RegistrationInline]
    actions = ["cancel_events"]

    @admin.action(
        description=gettext_lazy("Cancel the selected events and tell everyone registered")
    )
    def cancel_events(self, request, queryset):
        count = 0
        for event in queryset:
            try:
                services.event_cancel(event_id=event.pk, by=request.user)
            except PermissionDenied:
                self.message_user(request, f"{event}: " + _("Not allowed."), messages.ERROR)
            else:
                count += 1
        self.message_user(request, _("%(count)d event(s) cancelled.") % {"count": count})

    def save_model(self, request, obj, form, change):
        if change and {"starts_at", "ends_at", "title"} & set(form.changed_data):
            obj.sequence += 1  # calendars take the new time as an update of the same entry
        super().save_model(request, obj, form, change)


@admin.register(AdviceSlot)
class AdviceSlotAdmin(OfficeScopedMixin, admin.ModelAdmin):
    list_display = ["starts_at", "kind", "office", "advisor", "booked", "cancelled"]
    list_filter = ["kind", "booked", "cancelled", "office"]
    search_fields = ["office__name", "advisor__display_name", "advisor__email"]
    list_select_related = ["office", "advisor"]
    date_hierarchy = "starts_at"
    # Read-only: slots are published and withdrawn through the services, which tell the
    # citizen who booked; editing or deleting a row here would not.
    readonly_fields = [
        "office",
        "advisor",
        "kind",
        "starts_at",
        "ends_at",
        "series",
        "booked",
        "cancelled",
    ]
    actions = ["withdraw_slots"]

    def has_add_permission(self, request, *args):
        return False  # advisors publish slots on the office's team page

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Withdraw the selected slots (bookings are told)"))
    def withdraw_slots(self, request, queryset):
        count = 0
        for slot in queryset:
            try:
                services.advice_slot_cancel(slot_id=slot.pk, by=request.user)
            except PermissionDenied:
                self.message_user(request, f"{slot}: " + _("Not allowed."), messages.ERROR)
            else:
                count += 1
        self.message_user(request, _("%(count)d slot(s) withdrawn.") % {"count": count})


class ConceptStepInline(admin.TabularInline):
    model = ConceptStep
    extra = 0
    fields = ["created_at", "kind", "author_name", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(UsageConcept)
class UsageConceptAdmin(OfficeScopedMixin, admin.ModelAdmin):
    """Read-only here: the workflow runs on the concept page, where every step is recorded."""

    list_display = ["office", "status", "version", "submitted_by", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["office__name"]
    list_select_related = ["office", "submitted_by"]
    inlines = [ConceptStepInline]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(ContactRequest)
class ContactRequestAdmin(OfficeScopedMixin, admin.ModelAdmin):
    """For the platform's admins; the office team works in the inbox on the office's pages."""

    list_display = ["subject", "office", "status", "created_at", "assignee"]
    list_filter = ["status", "office"]
    search_fields = ["subject", "office__name"]
    list_select_related = ["office", "assignee"]
    readonly_fields = [
        "office",
        "name",
        "email",
        "phone",
        "subject",
        "message",
        "consent",
        "created_at",
        "done_at",
    ]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return False


class DistrictResultInline(admin.TabularInline):
    model = DistrictResult
    extra = 0


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "held_on", "landesverband", "note"]
    list_filter = ["landesverband"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "landesverband"]
    list_filter = ["landesverband", "city"]
    search_fields = ["name", "city"]
    inlines = [DistrictResultInline]


@admin.register(AnalysisConfig)
class AnalysisConfigAdmin(admin.ModelAdmin):
    list_display = ["landesverband", "own_party", "protest_parties"]
