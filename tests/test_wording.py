"""Our German wording wins over django-allauth's own (locale_overrides/): "du", "E-Mail"."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Your password has been reset.", "Dein Passwort wurde zurückgesetzt."),
        (
            "Please reauthenticate to safeguard your account.",
            "Bitte melde dich zum Schutz deines Kontos noch einmal an.",
        ),
        ("Are you sure?", "Bist du sicher?"),
        ("Email Address", "E-Mail-Adresse"),
        ("Change Email", "E-Mail ändern"),
        # allauth's login sessions and the Parteischule's course dates no longer share a msgid
        ("Sessions", "Sitzungen"),
        ("Course dates", "Termine"),
        # allauth says "Anmeldung" (the act), on the button too
        ("Sign In", "Anmelden"),
    ],
)
def test_german_wording(english, german):
    with translation.override("de"):
        assert gettext(english) == german


def test_plural_forms_are_ours_too():
    with translation.override("de"):
        text = ngettext(
            "You have added %(count)s security key.", "You have added %(count)s security keys.", 2
        )
    assert text == "Du hast %(count)s Sicherheitsschlüssel hinzugefügt."


# German party terms are the same words in the English admin.
_SAME_IN_BOTH = {"Gliederungen", "Regionalzentren"}


def test_every_admin_heading_is_german():
    """The admin lists every app and model by name; allauth's came out English in German."""
    from django.contrib import admin

    untranslated = []
    for model in admin.site._registry:
        options = model._meta
        for name in (options.app_config.verbose_name, options.verbose_name_plural):
            with translation.override("en"):
                english = str(name)
            with translation.override("de"):
                german = str(name)
            if english == german and english not in _SAME_IN_BOTH:
                untranslated.append(f"{options.label}: {english}")
    assert untranslated == []
