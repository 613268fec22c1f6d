from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MembershipRole


class SignupForm(AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown to other members, e.g. your first name and initial."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is processed for it."),
        required=True,
        error_messages={"required": _("Please agree to the privacy notice to sign up.")},
    )

    field_order = ["email", "display_name", "password1", "password2", "privacy_consent"]

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter a display name."))
        return name

    def custom_signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


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
