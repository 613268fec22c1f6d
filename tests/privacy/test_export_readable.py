"""The export reads as plain language: audit actions and mail purposes show a label next to
their code, an audit entry names the kind of object it was about (and its name only where that
names no person), an empty text shows a dash, the overview fits a phone, and the page that asks
for an archive says whether it is ready or still being built."""

import ast
import importlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from rotesnetz.privacy import registry
from rotesnetz.privacy.coded import Coded
from rotesnetz.privacy.models import AuditEntry, DataExport, ExportStatus
from rotesnetz.privacy.overview import overview_html
from rotesnetz.privacy.services import audit_record, export_build, export_data, private_storage
from tests.support.factories import PASSWORD, make_user
from tests.support.privacy_factories import make_person, make_world

MOMENT = datetime(2026, 11, 22, 18, 45, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rotesnetz", "quartier", "parteischule", "konferenzen")


def _overview(data, language: str = "en") -> str:
    with translation.override(language):
        return overview_html(
            parts=[("privacy", "Privacy", data)], platform="Rotes Netz", generated_at=MOMENT
        )


# --- Every audit action and mail purpose in the code base has a label ------------------------


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            yield path, source, ast.parse(source)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def _constants(node) -> list[str] | None:
    """The strings an argument can be: a literal, or either side of ``a if c else b``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    return None


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _enclosing_functions(tree) -> dict[int, ast.FunctionDef]:
    """For every node, the innermost function around it (``ast.walk`` meets outer ones first)."""
    owner = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                if node is not function:
                    owner[id(node)] = function
    return owner


def _purposes(path: Path, tree, node, owner) -> list[str] | None:
    """The purposes a ``purpose=`` argument stands for; None where it cannot be told."""
    values = _constants(node)
    if values is not None:
        return values
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "self":
            return []  # passed through from the constructor, whose calls are checked
        enum = getattr(importlib.import_module(_module_name(path)), node.value.id, None)
        value = getattr(enum, node.attr, None)
        return [str(value)] if isinstance(value, str) else None
    if isinstance(node, ast.JoinedStr):
        # f"parteischule.{purpose}" in a helper: every value its callers pass for ``purpose``.
        function = owner.get(id(node))
        names = [v.value.id for v in node.values if isinstance(v, ast.FormattedValue)]
        if function is None or len(names) != 1 or not isinstance(names[0], str):
            return None
        passed = [
            _constants(_keyword(call, names[0]))
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            and _called_name(call) == function.name
            and _keyword(call, names[0]) is not None
        ]
        if not passed or any(values is None for values in passed):
            return None
        template = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        return [template.format(value) for values in passed for value in values]
    return None


def _codes_in_use() -> tuple[dict[str, set[str]], list[str]]:
    """``{"audit": {...}, "mail": {...}}`` and the arguments nobody could read."""
    codes: dict[str, set[str]] = {"audit": set(), "mail": set()}
    unreadable = []
    for path, source, tree in _modules():
        owner = _enclosing_functions(tree)
        where = path.relative_to(ROOT)
        for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
            action = _keyword(call, "action")
            if _called_name(call) == "audit_record" and action is not None:
                values = _constants(action)
                if values is None:
                    unreadable.append(f"{where}:{call.lineno} action")
                else:
                    codes["audit"] |= set(values)
            purpose = _keyword(call, "purpose")
            mails = "MailSpec" in source and "rotesnetz/outbox" not in where.as_posix()
            if mails and purpose is not None:
                values = _purposes(path, tree, purpose, owner)
                if values is None:
                    unreadable.append(f"{where}:{call.lineno} purpose")
                else:
                    # A bare word ("confirm") is a helper's argument, expanded above.
                    codes["mail"] |= {value for value in values if "." in value}
    return codes, unreadable


def test_every_audit_action_in_the_code_has_a_label():
    codes, unreadable = _codes_in_use()

    assert unreadable == []
    assert "members.member_list.view" in codes["audit"]
    assert "privacy.export.requested" in codes["audit"]
    assert sorted(a for a in codes["audit"] if registry.audit_action_label(a) is None) == []


def test_every_mail_purpose_in_the_code_has_a_label():
    codes, unreadable = _codes_in_use()

    assert unreadable == []
    assert {"parteischule.confirm", "parteischule.session_added", "ideas.status"} <= codes["mail"]
    assert "konferenzen.dial_in" in codes["mail"]
    assert sorted(p for p in codes["mail"] if registry.mail_purpose_label(p) is None) == []


def test_every_action_and_purpose_label_is_text_in_both_languages():
    labels = [
        label
        for provider in registry.providers()
        for label in [*provider.audit_actions.values(), *provider.mail_purposes.values()]
    ]

    for language in ("de", "en"):
        with translation.override(language):
            assert all(str(label).strip() for label in labels)


def test_unknown_action_stays_a_plain_code():
    html = _overview({"action": "somewhere.else"})

    assert registry.audit_action_label("somewhere.else") is None
    assert "<td>somewhere.else</td>" in html


# --- The export shows labels and readable targets --------------------------------------------


@pytest.fixture
def _private_root(settings, tmp_path):
    settings.PRIVACY_EXPORT_ROOT = tmp_path / "exports"


def _audit_of(user) -> list[dict]:
    return export_data(user=user)["privacy"]["audit_entries_as_actor"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_root")
def test_audit_entries_show_the_action_label_and_a_readable_target():
    world = make_world()
    # The admin looks the person up in the member list (an entry about a person).
    make_person(world, tag="ANNA", name="Anna Apfelbaum", phone="0621 111111")
    export = DataExport.objects.create(user=world.admin)
    audit_record(actor=world.admin, action="privacy.export.requested", target=export)

    with translation.override("en"):
        entries = {entry["action"]: entry for entry in _audit_of(world.admin)}
        labels = {str(entry["action"]): str(entry["action"].label) for entry in entries.values()}
        kind = str(entries["privacy.export.requested"]["target_type"].label)
    viewed = entries["members.member_list.view"]
    requested = entries["privacy.export.requested"]

    assert type(viewed["action"]) is Coded
    assert labels == {
        "members.member_list.view": "Member list viewed",
        "privacy.export.requested": "Data export requested",
    }
    # A data export has no name of its own: its kind, not "7 22.11.2026 19:45 (being prepared)".
    assert (requested["target_type"], requested["target"]) == ("privacy.dataexport", None)
    assert kind == "Data export"
    # The entry was about a person: the kind stays, that person's name does not.
    assert (viewed["target_type"], viewed["target"]) == ("members.user", None)
    assert "Anna Apfelbaum" not in json.dumps(viewed["target"])


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_root")
def test_audit_entry_about_a_place_keeps_its_name():
    world = make_world()
    audit_record(actor=world.vorstand, action="members.member_list.view", target=world.tree["ov2"])
    audit_record(actor=world.vorstand, action="rooms.export", target=world.room, count=3)

    entries = _audit_of(world.vorstand)

    assert [(e["target_type"], e["target"]) for e in entries] == [
        ("rooms.room", str(world.room)),
        ("members.gliederung", world.tree["ov2"].name),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_root")
def test_audit_entry_about_a_concern_does_not_name_its_sender():
    from quartier import services as office_services
    from quartier.models import ContactRequest

    world = make_world()
    office_services.contact_request_create(
        office=world.office,
        name="Carla Citizen",
        email="carla@example.org",
        phone="",
        subject="Laerm",
        message="Zu laut",
        consent=True,
    )
    concern = ContactRequest.objects.get(email="carla@example.org")
    audit_record(actor=world.admin, action="quartier.contact_request.view", target=concern)

    (entry,) = _audit_of(world.admin)

    assert (entry["target_type"], entry["target"]) == ("quartier.contactrequest", None)
    with translation.override("en"):
        assert str(entry["action"].label) == "Contact request viewed"


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_root")
def test_export_overview_shows_labels_for_actions_purposes_and_kinds():
    world = make_world()
    person = make_person(world, tag="ANNA", name="Anna Apfelbaum", phone="0621 111111")
    audit_record(actor=person.user, action="members.member_list.view", target=world.tree["ov"])
    export = DataExport.objects.create(user=person.user)
    audit_record(actor=person.user, action="privacy.export.requested", target=export)

    export = export_build(export_id=export.pk, language="en")
    with private_storage().open(export.file_name) as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    overview = archive.read("uebersicht.html").decode()
    privacy = json.loads(archive.read("privacy.json"))
    outbox = json.loads(archive.read("outbox.json"))

    small = '<small class="key"><code>{}</code></small>'
    assert "Data export requested " + small.format("privacy.export.requested") in overview
    assert "Member list viewed " + small.format("members.member_list.view") in overview
    assert "Data export " + small.format("privacy.dataexport") in overview
    assert "Enrolment confirmed " + small.format("parteischule.confirm") in overview
    assert "Appointment booked or cancelled " + small.format("quartier.booking") in overview
    assert "(being prepared)" not in overview
    # The JSON files keep the plain codes.
    actions = [e["action"] for e in privacy["audit_entries_as_actor"]]
    assert actions == ["privacy.export.requested", "members.member_list.view"]
    assert "parteischule.confirm" in [mail["purpose"] for mail in outbox]


# --- Empty values and narrow screens ---------------------------------------------------------


def test_empty_text_shows_a_dash_like_nothing():
    html = _overview({"hidden_reason": "", "subject": "   ", "edited_at": None, "text": "0"})

    dashes = html.count("<td>–</td>")
    assert dashes == 3
    assert "<td></td>" not in html
    assert "<td>0</td>" in html


def test_overview_lets_long_values_wrap_on_a_phone():
    """Checked by hand at 375 px in Chromium (scrollWidth 375); here, that the rules stay."""
    html = _overview({"email": "a" * 80 + "@example.org"})
    style = html[html.index("<style>") : html.index("</style>")]

    assert "overflow-wrap: anywhere" in style
    assert "table-layout: fixed" in style
    assert "@media (max-width: 36rem)" in style
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


# --- The page that asks for an archive says what is true -------------------------------------


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_private_root")
def test_archive_built_at_once_is_announced_as_ready(client, settings):
    """Without a worker (eager Celery, no surrounding transaction: the demo) the archive is
    built before the answer; the message says it can be downloaded."""
    settings.PRIVACY_EXPORT_HOURS = 48
    user = make_user()
    client.force_login(user)

    response = client.post("/konto/daten/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")

    assert DataExport.objects.get(user=user).status == ExportStatus.READY
    assert _messages(response) == [
        "Your archive is ready: download it below. It stays available for 48 hours."
    ]
    page = client.get("/konto/daten/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "being prepared" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("_private_root")
def test_archive_still_being_built_is_announced_as_pending(client, settings):
    """With a worker the archive is built after the answer (here: the test's transaction
    never commits, so the build waits)."""
    settings.PRIVACY_EXPORT_HOURS = 1
    user = make_user()
    client.force_login(user)

    response = client.post("/konto/daten/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")

    assert DataExport.objects.get(user=user).status == ExportStatus.PENDING
    assert _messages(response) == [
        "Your archive is being prepared. Reload this page in a few minutes: the download "
        "appears below and stays available for 1 hour."
    ]
    assert AuditEntry.objects.filter(actor=user, action="privacy.export.requested").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_private_root")
def test_archive_that_failed_at_once_is_announced_as_failed(client, monkeypatch):
    """A part whose export breaks: without a worker the failure is known at once, and the
    page does not claim the archive is on its way."""
    from rotesnetz.celery import app

    def broken_export(user):
        raise RuntimeError("part broken")

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    monkeypatch.setitem(
        registry._providers,
        "broken",
        registry.Provider(name="broken", label="Broken", export=broken_export),
    )
    user = make_user()
    client.force_login(user)

    try:
        response = client.post("/konto/daten/", {"password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    finally:
        app.conf.task_eager_propagates = propagates

    assert DataExport.objects.get(user=user).status == ExportStatus.FAILED
    assert _messages(response) == ["Your archive could not be prepared. Please try again later."]
