from django import forms
from django.utils.translation import gettext_lazy as _

from rotesnetz.members.models import Gliederung, GliederungKind

from .models import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Chapter,
    IdeaStatus,
    Participation,
)

MARKDOWN_HELP = _("**bold**, _italics_, [link](https://…), lists with “- ”, “> ” quotes. No HTML.")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=MARKDOWN_HELP,
    )
    landesverband = forms.ModelChoiceField(label=_("Landesverband"), queryset=Gliederung.objects)
    participation = forms.ChoiceField(
        label=_("Who may take part"), choices=Participation.choices, widget=forms.RadioSelect
    )
    gliederungen = forms.ModelMultipleChoiceField(
        label=_("Gliederungen taking part (only if chosen above)"),
        queryset=Gliederung.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    collect_starts_at = forms.DateTimeField(
        label=_("Collecting ideas starts"), widget=DateTimeLocalInput()
    )
    collect_ends_at = forms.DateTimeField(
        label=_("Collecting ideas ends"), widget=DateTimeLocalInput()
    )
    review_ends_at = forms.DateTimeField(
        label=_("Review by the commission ends (then: decided)"), widget=DateTimeLocalInput()
    )
    chapters = forms.CharField(
        label=_("Chapters (one per line)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
    )
    allow_self_support = forms.BooleanField(
        label=_("Members may support their own ideas"), required=False
    )

    def __init__(self, *args, landesverbaende, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landesverband"].queryset = landesverbaende
        paths = [lv.path for lv in landesverbaende]
        scope = Gliederung.objects.none()
        for path in paths:
            scope = scope | Gliederung.objects.filter(path__startswith=path)
        self.fields["gliederungen"].queryset = scope.exclude(
            kind=GliederungKind.LANDESVERBAND
        ).order_by("path")
        if editing:
            for name in ("landesverband", "participation", "gliederungen"):
                del self.fields[name]
            self.fields["chapters"].label = _("Add chapters (one per line)")
            self.fields["chapters"].required = False

    def clean_chapters(self):
        return [line.strip() for line in self.cleaned_data["chapters"].splitlines()]


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Title of your idea"),
        max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Please give your idea a title.")},
    )
    chapter = forms.ModelChoiceField(
        label=_("Chapter"),
        queryset=Chapter.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Please choose a chapter of this programme.")},
    )
    text = forms.CharField(
        label=_("Your idea"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
        error_messages={"required": _("Please describe your idea.")},
    )
    gliederung = forms.TypedChoiceField(
        label=_("From"),
        coerce=int,
        choices=(),
        error_messages={"invalid_choice": _("Please choose a Gliederung you belong to.")},
    )
    on_behalf = forms.BooleanField(
        label=_("Submit in the name of this Ortsverein or AG (its Vorstand has to agree)"),
        required=False,
    )

    def __init__(self, *args, process, gliederungen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = process.chapters.all()
        self.gliederung_objects = {g.pk: g for g in gliederungen}
        self.fields["gliederung"].choices = [(g.pk, g.name) for g in gliederungen]
        if len(gliederungen) == 1:
            self.fields["gliederung"].widget = forms.HiddenInput()
            self.fields["gliederung"].initial = gliederungen[0].pk

    def clean_gliederung(self):
        return self.gliederung_objects[self.cleaned_data["gliederung"]]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HELP,
        error_messages={"required": _("Please write something first.")},
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Public answer of the programme commission"),
        max_length=ANSWER_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the idea page and sent to the submitter and every supporter."),
    )
    programme_chapter = forms.CharField(
        label=_("Place in the programme: chapter"),
        max_length=150,
        required=False,
        help_text=_("Only for adopted ideas, e.g. “3. Mobilität für alle”."),
    )
    programme_section = forms.CharField(
        label=_("Place in the programme: section"),
        max_length=150,
        required=False,
        help_text=_("e.g. “3.2 Bus und Bahn im ländlichen Raum”."),
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label=_("Number of the idea to merge this one into"),
        min_value=1,
        help_text=_("Supporters and comments move there; this idea then points to it."),
    )
