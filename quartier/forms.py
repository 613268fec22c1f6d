"""Forms of the public pages and the team pages. Services check again; forms are for people."""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import clock
from .clock import BERLIN
from .consents import CONTACT_CONSENT, CONTACT_CONSENT_DEFAULT
from .enums import AdviceKind, ContactStatus
from .hours import Interval, overlap_message, overlaps
from .models import AnalysisConfig, UsageConcept


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, not by ``type=hidden``) and bots fill in."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


def _consent_field(label):
    return forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("Please agree so that we may process your data.")},
    )


class EventRegistrationForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    consent = _consent_field(
        _(
            "I agree that the office stores my name and email for this event. They are deleted "
            "soon after it."
        )
    )
    field_order = ["name", "email", "consent", "website"]


class BookingForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        required=False,
        help_text=_("For the confirmation with the cancellation link."),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=40,
        required=False,
        help_text=_("If you have no email address."),
    )
    topic = forms.CharField(
        label=_("What is it about? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = _consent_field(
        _(
            "I agree that the office stores my details for this appointment. They are deleted "
            "a few days after it."
        )
    )
    field_order = ["name", "email", "phone", "topic", "consent", "website"]

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            raise ValidationError(
                _(
                    "Please give an email address or a phone number so that the advisor can "
                    "reach you."
                )
            )
        return data


class ContactForm(HoneypotMixin):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your email"), max_length=254)
    phone = forms.CharField(label=_("Your phone number (optional)"), max_length=40, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("Your concern"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    consent = _consent_field(CONTACT_CONSENT_DEFAULT)
    field_order = ["name", "email", "phone", "subject", "message", "consent", "website"]

    def __init__(self, *args, **kwargs):
        from django.utils.translation import get_language

        from rotesnetz.privacy.services import consent_text_current

        super().__init__(*args, **kwargs)
        # The wording in force (admins version it); the service records this version.
        text = consent_text_current(kind=CONTACT_CONSENT, default=CONTACT_CONSENT_DEFAULT)
        self.fields["consent"].label = text.text_for(get_language() or "de")


DURATIONS = [
    (15, "15 min"),
    (20, "20 min"),
    (30, "30 min"),
    (45, "45 min"),
    (60, "60 min"),
    (90, "90 min"),
]


class SlotPublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of advice"), choices=AdviceKind.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=30)
    count = forms.IntegerField(
        label=_("Slots in a row"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("e.g. 4 slots of 30 minutes from 10:00 to 12:00"),
    )
    weeks = forms.IntegerField(
        label=_("Repeat every week for … weeks"),
        min_value=1,
        max_value=52,
        initial=1,
        help_text=_("1 = a single date"),
    )
    advisor = forms.TypedChoiceField(label=_("Advisor"), coerce=int, required=False)

    def __init__(self, *args, advisors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if advisors:
            self.fields["advisor"].choices = [(u.pk, u.public_name) for u in advisors]
            self.fields["advisor"].required = True
        else:
            del self.fields["advisor"]

    def clean(self):
        data = super().clean()
        day, start = data.get("day"), data.get("start")
        if day and start:
            moment = datetime.combine(day, start, tzinfo=BERLIN)
            if moment <= clock.local_now():
                raise ValidationError(_("The first slot must be in the future."))
            if moment > clock.local_now() + timedelta(days=366):
                raise ValidationError(_("Slots can be published up to a year ahead."))
            data["starts_at"] = moment
        return data


class ContactUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ContactStatus.choices)
    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("nobody"))] + [
            (member.user_id, member.user.public_name) for member in team
        ]


class ContactNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConceptForm(forms.ModelForm):
    class Meta:
        model = UsageConcept
        fields = [
            "target_groups",
            "planned_offers",
            "team_plan",
            "opening_plan",
            "partners",
            "budget",
            "budget_notes",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["target_groups", "planned_offers", "team_plan", "partners", "budget_notes"]
        } | {"opening_plan": forms.Textarea(attrs={"rows": 2})}


class ConceptReviewForm(forms.Form):
    ACTIONS = [
        ("comment", _("Comment")),
        ("revision", _("Ask for a revision")),
        ("approve", _("Approve")),
    ]
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Comment"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in ("comment", "revision") and not data.get("text", "").strip():
            raise ValidationError(_("Please write what you want to say."))
        return data


class ElectionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: district, city, election, date, eligible, voters, mandate (ja/nein), then "
            "one column per party. UTF-8, comma or semicolon."
        ),
    )
    note = forms.CharField(
        label=_("Source of the figures"),
        max_length=300,
        required=False,
        help_text=_("e.g. Statistisches Landesamt, Bundestagswahl 2025"),
    )


class AnalysisConfigForm(forms.ModelForm):
    class Meta:
        model = AnalysisConfig
        fields = ["own_party", "protest_parties"]

    def clean_protest_parties(self):
        value = self.cleaned_data["protest_parties"]
        parts = [part.strip() for part in value.split(",") if part.strip()]
        return ", ".join(parts)


class OpeningHoursFormSetMixin:
    """For the admin inline: hours end after they start and never overlap."""

    def clean(self):
        super().clean()
        intervals = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if data.get("weekday") is None or not data.get("opens") or not data.get("closes"):
                continue
            if data["closes"] <= data["opens"]:
                continue  # the row's own error says so
            intervals.append(Interval(int(data["weekday"]), data["opens"], data["closes"]))
        problems = overlaps(intervals)
        if problems:
            raise ValidationError([overlap_message(a, b) for a, b in problems])
