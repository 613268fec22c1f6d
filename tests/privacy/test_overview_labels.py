"""The export's overview names its rows for people, keeps the JSON key in sight and escapes
what people typed; stored choice codes show their label next to the code there and stay plain
codes in the JSON files; an archive's name in the audit trail speaks Berlin time."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from rotesnetz.members.models import Membership, MembershipRequest, MembershipRole, RequestStatus
from rotesnetz.privacy.coded import Coded, coded
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


# --- Stored choice codes ---------------------------------------------------------------------


def test_coded_value_dumps_as_its_plain_code():
    role = coded(Membership(role=MembershipRole.MITGLIED), "role")
    data = {"role": role, "roles": [role]}

    pretty = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    compact = json.dumps(data, cls=DjangoJSONEncoder)

    assert type(role) is Coded
    assert json.loads(pretty) == {"role": "mitglied", "roles": ["mitglied"]}
    assert compact == '{"role": "mitglied", "roles": ["mitglied"]}'
    assert type(json.loads(compact)["role"]) is str


def test_coded_leaves_blank_and_unknown_values_plain():
    unknown = coded(Membership(role="ehrenamt"), "role")
    blank = coded(MembershipRequest(status=""), "status")

    assert (type(unknown), unknown) == (str, "ehrenamt")
    assert (type(blank), blank) == (str, "")


def test_coded_value_shows_its_label_in_the_members_language():
    status = coded(MembershipRequest(status=RequestStatus.PENDING), "status")
    role = coded(Membership(role=MembershipRole.MODERATION), "role")

    german = _overview({"status": status, "role": role}, "de")
    english = _overview({"status": status, "role": role}, "en")

    assert '<td>offen <small class="key"><code>pending</code></small></td>' in german
    assert '<td>Moderation <small class="key"><code>moderation</code></small></td>' in german
    assert '<td>Moderator <small class="key"><code>moderation</code></small></td>' in english
    # Where the label is the code itself, the code alone.
    assert "<td>pending</td>" in english


def test_coded_label_and_code_stay_escaped():
    html = _overview({"status": Coded("<i>x</i>", "<b>label</b>")}, "en")

    assert "<b>" not in html and "<i>" not in html
    assert (
        '&lt;b&gt;label&lt;/b&gt; <small class="key"><code>&lt;i&gt;x&lt;/i&gt;</code></small>'
        in html
    )


@pytest.mark.django_db
def test_export_overview_names_role_and_request_status_in_german(settings, tmp_path):
    from rotesnetz.members.services import membership_request_create
    from rotesnetz.privacy.services import export_build, private_storage
    from tests.support.factories import make_member, make_tree

    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"
    tree = make_tree()
    user = make_member(tree["ov"])
    membership_request_create(user=user, gliederung=tree["ov2"], message="Ich ziehe um")
    export = DataExport.objects.create(user=user)

    export = export_build(export_id=export.pk, language="de")
    with private_storage().open(export.file_name) as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    overview = archive.read("uebersicht.html").decode()
    members = json.loads(archive.read("members.json"))

    assert '<td>Mitglied <small class="key"><code>mitglied</code></small></td>' in overview
    assert '<td>offen <small class="key"><code>pending</code></small></td>' in overview
    assert [m["role"] for m in members["memberships"]] == ["mitglied"]
    assert [r["status"] for r in members["membership_requests"]] == ["pending"]


def _leaves(value, path=()):
    """(path of keys, value) for every value that is neither a dict nor a list."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item, path)
    else:
        yield "/".join(path), value


def _give_every_choice(world, person) -> None:
    """What ``make_person`` leaves out: team work, a request to speak for a Gliederung, an
    export of ideas, a moderation step and a data export."""
    from rotesnetz.ideas.models import BehalfRequest, ExportLog, Idea
    from rotesnetz.rooms.models import ModerationLog
    from tests.support.quartier_factories import make_concept, make_slot, make_team_member

    user = person.user
    make_team_member(world.office, user=user)
    make_slot(world.office, advisor=user)
    make_concept(world.office, by=user)
    BehalfRequest.objects.create(
        idea=Idea.objects.get(author=user), gliederung=world.tree["ov"], requested_by=user
    )
    ExportLog.objects.create(process=world.process, user=user, format="csv")
    ModerationLog.objects.create(room=world.room, actor=user, action="pin")
    DataExport.objects.create(user=user)


@pytest.mark.django_db
def test_every_exported_choice_carries_its_label(settings, tmp_path):
    """A part that exports a field with choices writes ``coded(row, field)``: no stored code
    reaches the overview without its label."""
    from rotesnetz.privacy.services import export_data
    from tests.support.privacy_factories import make_person, make_world

    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"
    world = make_world()
    person = make_person(world, tag="ANNA", name="Anna Apfelbaum", phone="0621 111111")
    _give_every_choice(world, person)
    codes = {
        code
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "choices", None)
        for code, _label in field.flatchoices
        if isinstance(code, str) and code
    }
    not_choices = {"members/qualifications/code"}  # a qualification's own code, free text

    leaves = list(_leaves(export_data(user=person.user)))
    labelled = {path for path, value in leaves if isinstance(value, Coded)}
    raw = {
        (path, value)
        for path, value in leaves
        if type(value) is str and value in codes and path not in not_choices
    }

    assert sorted(raw) == []
    assert labelled == {
        "accounts/second_factors/type",
        "ideas/exports/format",
        "ideas/ideas/status",
        "ideas/requests_to_speak_for/status",
        "konferenzen/questions/status",
        "konferenzen/registrations/status",
        "members/membership_requests/status",
        "members/memberships/role",
        "outbox/purpose",
        "outbox/status",
        "parteischule/diversity/age_band",
        "parteischule/diversity/gender",
        "parteischule/diversity_consent_log/action",
        "parteischule/enrolments/status",
        "privacy/consents/action",
        "privacy/data_exports/status",
        "quartier/bookings/kind",
        "quartier/concept_steps_written/step",
        "quartier/concepts_submitted/status",
        "quartier/consultation_slots_offered/kind",
        "quartier/contact_requests/status",
        "quartier/teams/role",
        "rooms/moderation_actions/action",
    }
