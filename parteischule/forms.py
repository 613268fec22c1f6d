from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import Gliederung, Regionalzentrum, User

from . import selectors
from .consents import DIVERSITY_CONSENT_DEFAULT, diversity_consent_text
from .enums import AgeBand, CourseFormat, Gender, GoalDimension
from .models import Category, Course, CourseSession

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("all formats")), *CourseFormat.choices],
    )
    regionalzentrum = forms.ChoiceField(label=_("Regionalzentrum"), required=False)
    past = forms.BooleanField(label=_("Also past courses"), required=False)

    def __init__(self, *args, categories, zentren, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all categories"))] + [
            (c.slug, c.name) for c in categories
        ]
        self.fields["regionalzentrum"].choices = [("", _("all Regionalzentren"))] + [
            (z.slug, z.name) for z in zentren
        ]


class CourseForm(forms.ModelForm):
    trainer_emails = forms.CharField(
        label=_("Trainers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Email addresses of the trainers' accounts, separated by commas."),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "category",
            "description",
            "target_group",
            "format",
            "regionalzentrum",
            "landesverband",
            "place",
            "capacity",
            "enrolment_opens_at",
            "enrolment_closes_at",
            "cancellation_deadline",
            "reserved_seats",
            "reserved_for",
            "reserved_until",
            "prerequisites",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "enrolment_opens_at": DATETIME_WIDGET,
            "enrolment_closes_at": DATETIME_WIDGET,
            "cancellation_deadline": DATETIME_WIDGET,
            "reserved_until": DATETIME_WIDGET,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        zentren = selectors.staff_regionalzentren(user=user)
        landesverbaende = selectors.staff_landesverbaende(user=user)
        if self.instance.pk:
            # Trainers edit a course without being staff: keep its current place in the tree.
            zentren = Regionalzentrum.objects.filter(
                Q(pk__in=zentren.values("pk")) | Q(pk=self.instance.regionalzentrum_id)
            )
            landesverbaende = Gliederung.objects.filter(
                Q(pk__in=landesverbaende.values("pk")) | Q(pk=self.instance.landesverband_id)
            )
            self.fields["trainer_emails"].initial = ", ".join(
                trainer.email for trainer in self.instance.trainers.all()
            )
            self.fields["prerequisites"].queryset = Course.objects.filter(
                landesverband_id=self.instance.landesverband_id
            ).exclude(pk=self.instance.pk)
        else:
            self.fields["prerequisites"].queryset = Course.objects.filter(
                landesverband__in=landesverbaende
            )
        self.fields["regionalzentrum"].queryset = zentren.order_by("name")
        self.fields["landesverband"].queryset = landesverbaende.order_by("name")
        self.fields["landesverband"].required = False
        self.fields["landesverband"].help_text = _(
            "Only needed for a course without a Regionalzentrum."
        )
        for name in ("enrolment_opens_at", "enrolment_closes_at", "cancellation_deadline"):
            self.fields[name].widget = DATETIME_WIDGET
        self.fields["reserved_until"].widget = DATETIME_WIDGET

    def clean_trainer_emails(self):
        emails = [
            email.strip().lower()
            for email in self.cleaned_data["trainer_emails"].replace(";", ",").split(",")
            if email.strip()
        ]
        users = list(User.objects.filter(email__in=emails))
        unknown = sorted(set(emails) - {user.email for user in users})
        if unknown:
            raise forms.ValidationError(
                _("No account with these addresses: %(emails)s") % {"emails": ", ".join(unknown)}
            )
        return users

    def clean(self):
        data = super().clean()
        zentrum = data.get("regionalzentrum")
        if zentrum is not None:
            data["landesverband"] = zentrum.landesverband
            self.instance.landesverband = zentrum.landesverband
        elif data.get("landesverband") is None and "landesverband" not in self.errors:
            self.add_error(
                "regionalzentrum", _("Choose a Regionalzentrum or, without one, a Landesverband.")
            )
        opens, closes = data.get("enrolment_opens_at"), data.get("enrolment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrolment_closes_at", _("Enrolment must close after it opens."))
        seats, reserved = data.get("capacity") or 0, data.get("reserved_seats") or 0
        if reserved:
            if reserved > seats:
                self.add_error(
                    "reserved_seats", _("There cannot be more reserved seats than seats.")
                )
            if not data.get("reserved_for"):
                self.add_error("reserved_for", _("Say whom the seats are reserved for."))
            if not data.get("reserved_until"):
                self.add_error("reserved_until", _("Say until when the seats are reserved."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = CourseSession
        fields = ["title", "starts_at", "ends_at", "location", "video_url", "is_required"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    include_waitlist = forms.BooleanField(
        label=_("Also to the people on the waitlist"), required=False
    )


RATINGS = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("How was the course overall? (1 = poor, 5 = excellent)"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    content = forms.TypedChoiceField(
        label=_("How useful was the content for your work in the party?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    trainers = forms.TypedChoiceField(
        label=_("How did the trainers lead the course?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you recommend the course?"),
        choices=[("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What should we keep or change? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Trainers see comments only once at least five people have answered."),
    )


class DiversityForm(forms.Form):
    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[("", _("I do not say"))] + list(AgeBand.choices),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=[("", _("I do not say"))] + list(Gender.choices),
    )
    consent = forms.BooleanField(
        label=DIVERSITY_CONSENT_DEFAULT,
        required=True,
        error_messages={"required": _("Without your explicit consent we store nothing.")},
    )

    def __init__(self, *args, **kwargs):
        from django.utils.translation import get_language

        super().__init__(*args, **kwargs)
        # The wording in force (admins version it); the service records this version.
        text = diversity_consent_text()
        self.fields["consent"].label = text.text_for(get_language() or "de")


class GoalForm(forms.Form):
    scope = forms.ChoiceField(label=_("For"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    dimension = forms.ChoiceField(label=_("Goal"), choices=GoalDimension.choices)
    target_percent = forms.IntegerField(label=_("Target in percent"), min_value=0, max_value=100)

    def __init__(self, *args, scopes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes
