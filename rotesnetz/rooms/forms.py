from django import forms
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import User

from .models import MESSAGE_MAX_LENGTH, Visibility


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please write something first.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    visibility = forms.ChoiceField(
        label=_("Who may enter"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        # Without it, an invitation list left empty looks like a room nobody can enter.
        help_text=_(
            "The Gliederung's Vorstand and moderators can always enter, also without an invitation."
        ),
    )
    read_only = forms.BooleanField(
        label=_("Announcements only: only moderators can write"), required=False
    )
    invitees = forms.ModelMultipleChoiceField(
        label=_("Invited members (for rooms with an invitation list)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, gliederung, is_main=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].queryset = (
            User.objects.filter(memberships__gliederung__path__startswith=gliederung.path)
            .distinct()
            .order_by("display_name")
        )
        visibility = self.fields["visibility"]
        current = self.initial.get("visibility")
        # "And those below it" means nothing for a Gliederung with nothing below it.
        if current != Visibility.SUBTREE and not gliederung.children.exists():
            visibility.choices = [c for c in visibility.choices if c[0] != Visibility.SUBTREE]
        if is_main:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("The main room keeps its name.")
            # Open to the members by definition (services._check_visibility says why).
            visibility.choices = [c for c in visibility.choices if c[0] != Visibility.INVITE]
            del self.fields["invitees"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("visibility") == Visibility.INVITE and not cleaned.get("invitees"):
            # On the choice: crispy shows a checkbox list's errors after its last box, so an
            # empty list (a Gliederung without members yet) would hide it.
            self.add_error("visibility", _("Invite at least one member, or choose who may enter."))
        return cleaned
