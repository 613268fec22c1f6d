from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rotesnetz.members.models import Gliederung

from .enums import Audience, ContributorRole, DialInTiming, Format, Provider
from .models import QUESTION_MAX_LENGTH, Series
from .validators import (
    normalize_phone_numbers,
    validate_access_code,
    validate_join_url,
    validate_meeting_number,
    validate_password,
)

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in Europe/Berlin. Times that do not exist or exist twice on the day
    the clocks change are refused by Django with a clear message."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"])
        super().__init__(**kwargs)


class ConferenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.CharField(
        label=_("Topic"), max_length=120, required=False, help_text=_("e.g. Mobilität")
    )
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=Series.objects.none(), required=False
    )
    format = forms.ChoiceField(label=_("Format"), choices=Format.choices, initial=Format.WEB)
    gliederung = forms.ModelChoiceField(label=_("Organised by"), queryset=Gliederung.objects.none())
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italics*, lists and links."),
    )
    starts_at = LocalDateTimeField(label=_("Start (Berlin time)"))
    ends_at = LocalDateTimeField(label=_("End (Berlin time)"))
    audience = forms.ChoiceField(
        label=_("Who may register?"),
        choices=Audience.choices,
        initial=Audience.LANDESVERBAND,
        widget=forms.RadioSelect,
    )
    audience_gliederungen = forms.ModelMultipleChoiceField(
        label=_("Invited Gliederungen (their members and everyone below)"),
        queryset=Gliederung.objects.order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    registration_deadline = LocalDateTimeField(label=_("Registration deadline"), required=False)
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a Zukunftskonferenz or a hybrid conference: address and room."),
    )
    provider = forms.ChoiceField(
        label=_("Video provider"), choices=Provider.choices, required=False
    )
    join_url = forms.CharField(
        label=_("Join link"),
        required=False,
        max_length=500,
        help_text=_("https only. For Jitsi leave it empty: the platform creates a secret room."),
    )
    meeting_number = forms.CharField(label=_("Meeting number"), required=False, max_length=40)
    password = forms.CharField(label=_("Meeting password"), required=False, max_length=64)
    phone_numbers = forms.CharField(
        label=_("Phone dial-in numbers"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, international format, e.g. “Deutschland: +49 30 1234567”."),
    )
    access_code = forms.CharField(label=_("Access code"), required=False, max_length=30)
    dial_in_timing = forms.ChoiceField(
        label=_("Send the dial-in mail"),
        choices=DialInTiming.choices,
        initial=DialInTiming.MONDAY_BEFORE,
        widget=forms.RadioSelect,
    )
    dial_in_days_before = forms.IntegerField(
        label=_("Days before"), min_value=0, max_value=60, initial=3
    )
    dial_in_custom_at = LocalDateTimeField(label=_("Send at (Berlin time)"), required=False)
    send_reminder = forms.BooleanField(
        label=_("Send a reminder an hour before"), required=False, initial=True
    )

    DIAL_IN = ("provider", "join_url", "meeting_number", "password", "phone_numbers", "access_code")

    def __init__(self, *args, organisers, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gliederung"].queryset = organisers
        self.fields["series"].queryset = series

    def clean_join_url(self):
        return validate_join_url(self.cleaned_data["join_url"], self.data.get("provider", ""))

    def clean_meeting_number(self):
        return validate_meeting_number(self.cleaned_data["meeting_number"])

    def clean_password(self):
        return validate_password(self.cleaned_data["password"])

    def clean_access_code(self):
        return validate_access_code(self.cleaned_data["access_code"])

    def clean_phone_numbers(self):
        return normalize_phone_numbers(self.cleaned_data["phone_numbers"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "fields": {
                name: data[name]
                for name in self.fields
                if name not in self.DIAL_IN and name != "audience_gliederungen"
            },
            "dial_in": {name: data[name] for name in self.DIAL_IN},
            "audience_gliederungen": list(data["audience_gliederungen"]),
        }

    @classmethod
    def initial_for(cls, conference) -> dict:
        initial = {
            name: getattr(conference, name)
            for name in cls.base_fields
            if hasattr(conference, name) and name != "audience_gliederungen"
        }
        initial["audience_gliederungen"] = list(conference.audience_gliederungen.all())
        dial_in = getattr(conference, "dial_in", None)
        for name in cls.DIAL_IN:
            initial[name] = getattr(dial_in, name, "") if dial_in else ""
        return initial


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    gliederung = forms.ModelChoiceField(label=_("Organised by"), queryset=Gliederung.objects.none())
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gliederung"].queryset = organisers


class ContributorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    role = forms.ChoiceField(label=_("Role"), choices=ContributorRole.choices)
    description = forms.CharField(label=_("About"), max_length=300, required=False)


class ModeratorForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the account"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (goes to every registrant)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    recording_url = forms.CharField(
        label=_("Recording link (https)"), required=False, max_length=500
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attendance_count = forms.IntegerField(
        label=pgettext_lazy("conference", "Attendance"), required=False, min_value=0
    )


class GuestRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=80)
    email = forms.EmailField(label=_("Your email address"))
    privacy_consent = forms.BooleanField(
        label=_("I agree that my name and email are stored for this conference."),
        error_messages={"required": _("Please agree so that we can register you.")},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question or suggestion"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": QUESTION_MAX_LENGTH}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 = very good, 1 = poor"),
    )
    comment = forms.CharField(
        label=_("What should we keep or change?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
