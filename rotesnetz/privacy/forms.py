from allauth.core import ratelimit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ConsentText, LegalPage


class PasswordConfirmForm(forms.Form):
    """Re-entering the password before anything that reveals or destroys all of one's data."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = request.user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(_("Too many attempts. Please wait a minute."))
        if not self.user.has_usable_password():
            raise forms.ValidationError(
                _("Your account has no password yet. Please set one first under “Password”.")
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class AccountDeleteForm(PasswordConfirmForm):
    confirm = forms.BooleanField(
        label=_(
            "I want my account deleted now. I understand that this cannot be undone and that "
            "my memberships, registrations and bookings end."
        ),
        required=True,
        error_messages={"required": _("Please confirm that you want to delete your account.")},
    )


class ConsentTextForm(forms.ModelForm):
    """A new wording: the admin saves it as the next version, never over an old one."""

    class Meta:
        model = ConsentText
        fields = ["kind", "text_de", "text_en"]


class LegalPageForm(forms.ModelForm):
    class Meta:
        model = LegalPage
        fields = ["kind", "language", "title", "body"]
