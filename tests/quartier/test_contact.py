"""Contact requests (Anliegen): consent, honeypot, per-IP rate limit, the team's inbox."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from quartier import services
from quartier.enums import ContactStatus, TeamRole
from quartier.models import ContactNote, ContactRequest
from rotesnetz import ratelimit
from tests.support.factories import make_user
from tests.support.quartier_factories import make_contact_request, make_office, make_team_member

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Erika Muster",
    "email": "erika@example.org",
    "phone": "",
    "subject": "Schimmel in der Wohnung",
    "message": "Die Hausverwaltung reagiert nicht.",
    "consent": "on",
}


@pytest.fixture
def office(db):
    return make_office(name="Quartierbüro Ludwigshafen-Gartenstadt")


def _post(client, office, data=None, **extra):
    return client.post(reverse("quartier:contact", args=[office.slug]), data or VALID, **extra)


def test_contact_request_is_saved_and_receipt_and_team_mails_go_out(
    client, office, django_capture_on_commit_callbacks
):
    lead = make_team_member(office, TeamRole.LEAD, email="leitung@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, office)

    assert response.status_code == 302
    request = ContactRequest.objects.get()
    assert (request.subject, request.status, request.consent) == (
        "Schimmel in der Wohnung",
        ContactStatus.NEW,
        True,
    )
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"erika@example.org", lead.email}
    assert by_recipient["erika@example.org"].subject == (
        "Wir haben dein Anliegen erhalten – Quartierbüro Ludwigshafen-Gartenstadt"
    )
    assert "Die Hausverwaltung reagiert nicht." in by_recipient["erika@example.org"].body
    assert "Schimmel" in by_recipient[lead.email].subject


def test_without_consent_nothing_is_saved(client, office):
    data = {key: value for key, value in VALID.items() if key != "consent"}

    response = _post(client, office, data)

    assert response.status_code == 200
    assert "Bitte stimme zu, damit wir deine Angaben verarbeiten dürfen." in (
        response.content.decode()
    )
    assert not ContactRequest.objects.exists()


def test_the_service_refuses_missing_consent_too(office):
    with pytest.raises(ValidationError) as error:
        services.contact_request_create(
            office=office,
            name="A",
            email="a@example.org",
            subject="x",
            message="y",
            consent=False,
        )

    assert "Bitte stimme zu" in error.value.messages[0]


def test_a_filled_honeypot_looks_like_success_but_saves_nothing(
    client, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, office, {**VALID, "website": "http://spam.example"})

    assert response.status_code == 302
    assert not ContactRequest.objects.exists()
    assert mail.outbox == []


def test_rate_limit_per_address_answers_429_and_saves_nothing_more(client, office, settings):
    settings.QUARTIER_PUBLIC_FORM_RATE_LIMIT = 2

    statuses = [_post(client, office).status_code for _ in range(3)]
    other_address = _post(client, office, REMOTE_ADDR="203.0.113.9")

    assert statuses == [302, 302, 429]
    assert other_address.status_code == 302
    assert ContactRequest.objects.count() == 3


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, office, settings):
    settings.QUARTIER_PUBLIC_FORM_RATE_LIMIT = 1

    first = _post(client, office, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = _post(client, office, HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert (first.status_code, second.status_code) == (302, 429)
    assert "Zu viele Nachrichten" in second.content.decode()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.5"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.4", "198.51.100.1"),
        (2, "", "10.0.0.5"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    assert ratelimit.client_ip(request) == expected


def test_team_handles_a_request_in_the_inbox(client, office):
    volunteer = make_team_member(office, TeamRole.VOLUNTEER)
    request = make_contact_request(office)
    client.force_login(volunteer)
    detail = reverse("quartier:contact_detail", args=[office.slug, request.pk])

    inbox = client.get(reverse("quartier:inbox", args=[office.slug]))
    client.post(detail, {"action": "update", "status": "erledigt", "assignee": volunteer.pk})
    client.post(detail, {"action": "note", "text": "Angerufen, Mieterverein empfohlen."})

    assert "Schimmel in der Wohnung" in inbox.content.decode()
    request.refresh_from_db()
    assert (request.status, request.assignee, request.done_at is not None) == (
        ContactStatus.DONE,
        volunteer,
        True,
    )
    assert ContactNote.objects.get().text == "Angerufen, Mieterverein empfohlen."
    assert ContactNote.objects.get().author == volunteer


def test_inbox_of_another_office_is_not_found(client, office):
    other = make_office()
    request = make_contact_request(office)
    client.force_login(make_team_member(other, TeamRole.LEAD))

    assert client.get(reverse("quartier:inbox", args=[office.slug])).status_code == 404
    detail = reverse("quartier:contact_detail", args=[office.slug, request.pk])
    assert client.post(detail, {"action": "update", "status": "erledigt"}).status_code == 404
    request.refresh_from_db()
    assert request.status == ContactStatus.NEW


def test_only_team_members_can_be_assigned(office):
    lead = make_team_member(office, TeamRole.LEAD)
    request = make_contact_request(office)

    with pytest.raises(ValidationError) as error:
        services.contact_request_update(
            request_id=request.pk,
            by=lead,
            status=ContactStatus.IN_PROGRESS,
            assignee_id=make_user().pk,
        )

    assert error.value.messages == ["Zuständig können nur Mitglieder des Büroteams sein."]
    request.refresh_from_db()
    assert request.status == ContactStatus.NEW
