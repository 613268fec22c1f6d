"""The export's overview names its rows for people, keeps the JSON key in sight and escapes
what people typed; an archive's name in the audit trail speaks Berlin time."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation

from rotesnetz.privacy.labels import LABELS, label_for
from rotesnetz.privacy.models import DataExport, ExportStatus
from rotesnetz.privacy.overview import overview_html

MOMENT = datetime(2026, 11, 22, 16, 5, tzinfo=UTC)  # 17:05 in Berlin


def _overview(data, language: str) -> str:
    with translation.override(language):
        return overview_html(
            parts=[("rooms", "Rooms", data)], platform="Rotes Netz", generated_at=MOMENT
        )


def test_known_key_shows_the_german_label_and_the_key():
    # Needs the German entries of this change in locale/de (compiled).
    html = _overview({"messages": [{"created_at": MOMENT, "hidden_reason": "Spam"}]}, "de")

    assert (
        '<th scope="row">Erstellt am <small class="key"><code>created_at</code></small></th>'
        in html
    )
    assert "Grund für das Ausblenden <small" in html
    assert "22.11.2026 17:05" in html


def test_known_key_shows_the_english_label_in_english():
    html = _overview({"created_at": MOMENT, "date_joined": MOMENT}, "en")

    assert (
        '<th scope="row">Created at <small class="key"><code>created_at</code></small></th>' in html
    )
    assert "Date joined <small" in html


def test_unknown_key_falls_back_to_itself():
    html = _overview({"favourite_colour": "rot", "colour": "rot"}, "de")

    assert (
        '<th scope="row">favourite colour <small class="key"><code>favourite_colour</code>'
        "</small></th>"
    ) in html
    assert '<th scope="row">colour</th>' in html


def test_keys_and_values_stay_escaped():
    html = _overview({"text": "<script>alert(1)</script>", "<b>key</b>": "<img src=x>"}, "en")

    assert "<script" not in html
    assert "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;key&lt;/b&gt;" in html


def test_every_label_is_text_in_both_languages():
    for language in ("de", "en"):
        with translation.override(language):
            assert all(label_for(key) for key in LABELS)


@pytest.mark.django_db
def test_every_exported_key_has_a_label(settings, tmp_path):
    """A part that adds a key to its export adds a label here too."""
    from rotesnetz.privacy.services import export_data
    from tests.support.privacy_factories import make_person, make_world

    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"
    world = make_world()
    person = make_person(world, tag="ANNA", name="Anna Apfelbaum", phone="0621 111111")
    free_form = {"extra_data", "filters"}  # what a provider or a filter brought: its own keys
    keys, pending = set(), [export_data(user=person.user)]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            keys |= set(value)
            pending += [item for key, item in value.items() if key not in free_form]
        elif isinstance(value, list | tuple):
            pending += list(value)

    assert sorted(keys - set(LABELS)) == []


def test_data_export_names_itself_in_berlin_time():
    export = DataExport(user_id=7, created_at=MOMENT, status=ExportStatus.PENDING)

    with timezone.override("Europe/Berlin"), translation.override("en"):
        assert str(export) == "7 22/11/2026 17:05 (being prepared)"
    with timezone.override("Europe/Berlin"), translation.override("de"):
        assert str(export) == "7 22.11.2026 17:05 (wird erstellt)"
