from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import MembershipRole

SIGNUP_CONSENT = "signup-privacy"
SIGNUP_CONSENT_DEFAULT = _(
    "I have read the privacy notice and agree that my data is processed for it."
)


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown to other members, e.g. your first name and initial."),
    )
    privacy_consent = forms.BooleanField(
        label=SIGNUP_CONSENT_DEFAULT,
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to sign up.")},
    )

    field_order = ["email", "display_name", "password1", "password2", "privacy_consent"]

    def __init__(self, *args, **kwargs):
        from rotesnetz.privacy.services import consent_text_current

        super().__init__(*args, **kwargs)
        # The wording in force (versioned by admins); the consent records this version.
        self.consent_text = consent_text_current(
            kind=SIGNUP_CONSENT, default=SIGNUP_CONSENT_DEFAULT
        )
        self.fields["privacy_consent"].label = self.consent_text.text_for(get_language() or "de")
        # The link sits in the help text, not the label: the label is the admin-versioned
        # wording and stays escaped. A new tab, so what was typed into the form is not lost.
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("privacy"),
            _("Read the privacy notice (opens in a new tab)"),
        )

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name

    def custom_signup(self, request, user):
        from rotesnetz.privacy.services import consent_record

        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])
        consent_record(text=self.consent_text, user=user)


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the Vorstand (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name


class StructureImportForm(forms.Form):
    landesverband = forms.ModelChoiceField(
        label=_("Landesverband"),
        queryset=None,
        required=False,
        help_text=_("Leave empty if the file itself creates the Landesverband."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: kind, name, slug, parent (slug), ag_type. UTF-8, comma or semicolon."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import landesverbaende

        self.fields["landesverband"].queryset = landesverbaende()
