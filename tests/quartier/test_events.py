"""Events at an office: registration by name and email, capacity, cancellation by link."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from quartier import services, tokens
from quartier.enums import TeamRole
from quartier.models import Event, EventRegistration
from tests.support.factories import make_user
from tests.support.quartier_factories import make_event, make_office, make_team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return make_event(make_office(), capacity=2, title="Rente mit 63 – was gilt jetzt?")


def _register(event, n=1):
    return services.event_register(
        event_id=event.pk, name=f"Person {n}", email=f"Person{n}@Example.org"
    )


def test_registration_counts_and_mails_ics_with_a_cancel_link(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(event)

    event.refresh_from_db()
    assert event.registered_count == 1
    assert registration.email == "person1@example.org"
    [message] = mail.outbox
    assert message.subject == "Du bist angemeldet: Rente mit 63 – was gilt jetzt?"
    assert "/buero/anmeldung/stornieren/" in message.body
    assert "SUMMARY:Rente mit 63 – was gilt jetzt?" in message.attachments[0][1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cancelled": True}, "Diese Veranstaltung wurde abgesagt."),
        ({"registration_open": False}, "Für diese Veranstaltung brauchst du keine Anmeldung"),
        (
            {"starts_at": timezone.now() - timedelta(minutes=5)},
            "Die Veranstaltung hat schon begonnen",
        ),
    ],
)
def test_registration_is_refused_when_not_possible(event, change, message):
    Event.objects.filter(pk=event.pk).update(**change)

    with pytest.raises(ValidationError) as error:
        _register(event)

    assert error.value.messages[0].startswith(message)
    assert not EventRegistration.objects.exists()


def test_a_full_event_and_a_second_registration_are_refused(event):
    _register(event, 1)
    with pytest.raises(ValidationError) as twice:
        _register(event, 1)
    _register(event, 2)
    with pytest.raises(ValidationError) as full:
        _register(event, 3)

    assert twice.value.messages == [
        "Du bist mit dieser E-Mail-Adresse schon für diese Veranstaltung angemeldet."
    ]
    assert full.value.messages == ["Leider ist diese Veranstaltung ausgebucht."]
    assert Event.objects.get(pk=event.pk).registered_count == 2


def test_cancelling_by_link_frees_the_place(event, django_capture_on_commit_callbacks):
    registration = _register(event)
    token = tokens.registration_token(registration)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_registration_cancel(token=token)

    assert Event.objects.get(pk=event.pk).registered_count == 0
    assert not EventRegistration.objects.exists()
    assert mail.outbox[0].subject.startswith("Anmeldung storniert")
    with pytest.raises(tokens.TokenError):
        services.event_registration_cancel(token=token)


def test_cancel_pages_confirm_before_cancelling(client, event):
    token = tokens.registration_token(_register(event))
    url = reverse("quartier:registration_cancel", args=[token])

    page = client.get(url)
    assert page.status_code == 200
    assert "Ja, Anmeldung stornieren" in page.content.decode()
    assert EventRegistration.objects.count() == 1

    done = client.post(url)
    assert done.status_code == 200
    assert "Deine Anmeldung ist storniert" in done.content.decode()
    assert not EventRegistration.objects.exists()

    forged = client.get(reverse("quartier:registration_cancel", args=["kaputt"]))
    assert forged.status_code == 400
    assert "Link zum Absagen ist ungültig" in forged.content.decode()


def test_staff_cancel_an_event_and_everyone_registered_is_told(
    event, django_capture_on_commit_callbacks
):
    lead = make_team_member(event.office, TeamRole.LEAD)
    _register(event, 1)
    _register(event, 2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event_id=event.pk, by=lead)

    assert sorted(m.to[0] for m in mail.outbox) == ["person1@example.org", "person2@example.org"]
    assert all("METHOD:CANCEL" in m.attachments[0][1] for m in mail.outbox)
    assert Event.objects.get(pk=event.pk).cancelled
    with pytest.raises(PermissionDenied):
        services.event_cancel(event_id=event.pk, by=make_user())


def test_capacity_cannot_drop_below_the_registrations(event):
    _register(event, 1)
    _register(event, 2)
    event.refresh_from_db()
    event.capacity = 1

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict["capacity"] == [
        "Es sind schon 2 Personen angemeldet; weniger Plätze gehen nicht."
    ]


def test_event_page_registers_through_the_form(client, event):
    url = reverse("quartier:event", args=[event.office.slug, event.pk])

    page = client.get(url)
    response = client.post(url, {"name": "Erika", "email": "erika@example.org", "consent": "on"})

    assert "Noch 2 von 2 Plätzen frei." in page.content.decode()
    assert response.status_code == 200
    assert "Du bist angemeldet" in response.content.decode()
    assert EventRegistration.objects.get().email == "erika@example.org"


def test_event_page_without_consent_saves_nothing(client, event):
    url = reverse("quartier:event", args=[event.office.slug, event.pk])

    response = client.post(url, {"name": "Erika", "email": "erika@example.org"})

    assert response.status_code == 200
    assert "Bitte stimme zu" in response.content.decode()
    assert not EventRegistration.objects.exists()
