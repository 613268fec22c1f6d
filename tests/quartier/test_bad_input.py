"""Every public form with empty, oversized and malformed values: never a 500, nothing saved."""

import pytest
from django.urls import reverse

from quartier import tokens
from quartier.models import AdviceBooking, ContactRequest, EventRegistration
from tests.support.quartier_factories import make_event, make_office, make_slot

BAD_VALUES = ["", " ", "x" * 5000, "\x00", "<script>alert(1)</script>", "ä" * 300, "' OR 1=1 --"]


@pytest.fixture
def office(db):
    return make_office()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_contact_form_with_bad_values(client, office, value):
    response = client.post(
        reverse("quartier:contact", args=[office.slug]),
        {
            "name": value,
            "email": value,
            "phone": value,
            "subject": value,
            "message": value,
            "consent": "on",
        },
    )

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not ContactRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_booking_form_with_bad_values(client, office, value):
    slot = make_slot(office)

    response = client.post(
        reverse("quartier:book", args=[office.slug, slot.pk]),
        {"name": value, "email": value, "phone": value, "topic": value, "consent": "on"},
    )

    assert response.status_code in (200, 409)
    assert not AdviceBooking.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_event_registration_with_bad_values(client, office, value):
    event = make_event(office)

    response = client.post(
        reverse("quartier:event", args=[office.slug, event.pk]),
        {"name": value, "email": value, "consent": "on"},
    )

    assert response.status_code == 200
    assert not EventRegistration.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x", "a" * 3000, "eyJpZCI6MX0:abc:def", "../../etc"])
def test_broken_cancellation_links_answer_in_german(client, token):
    for name in ("quartier:booking_cancel", "quartier:registration_cancel"):
        url = reverse(name, args=["t"]).replace("/t/", f"/{token}/") if token else None
        if url is None:
            continue
        for response in (client.get(url), client.post(url)):
            assert response.status_code in (400, 404)
            if response.status_code == 400:
                assert "Der Link funktioniert nicht" in response.content.decode()


@pytest.mark.django_db
def test_a_link_for_a_deleted_booking_says_it_is_gone(client, office):
    slot = make_slot(office)
    booking = AdviceBooking.objects.create(slot=slot, name="A", email="a@example.org")
    token = tokens.booking_token(booking)
    booking.delete()

    response = client.get(reverse("quartier:booking_cancel", args=[token]))

    assert response.status_code == 400
    assert "Diese Buchung gibt es nicht mehr" in response.content.decode()


@pytest.mark.django_db
def test_unknown_offices_events_and_slots_are_german_404s(client, office):
    urls = [
        reverse("quartier:office", args=["gibt-es-nicht"]),
        reverse("quartier:office_ics", args=["gibt-es-nicht"]),
        reverse("quartier:event", args=[office.slug, 999999]),
        reverse("quartier:book", args=[office.slug, 999999]),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Seite nicht gefunden" in response.content.decode()
    assert client.post(reverse("quartier:contact", args=["gibt-es-nicht"])).status_code == 404


@pytest.mark.django_db
def test_a_taken_slot_shows_a_clear_message_not_an_error(client, office):
    slot = make_slot(office)
    url = reverse("quartier:book", args=[office.slug, slot.pk])
    data = {"name": "Erika", "email": "erika@example.org", "consent": "on"}
    client.post(url, data)

    page = client.get(url)
    again = client.post(url, {**data, "name": "Max", "email": "max@example.org"})

    assert "Leider ist dieser Termin nicht mehr frei." in page.content.decode()
    assert again.status_code == 409
    assert "Leider hat gerade jemand anderes diesen Termin gebucht" in again.content.decode()
    assert AdviceBooking.objects.get().name == "Erika"


@pytest.mark.django_db
def test_a_withdrawn_or_past_slot_says_so_in_german(client, office):
    from datetime import timedelta

    from django.utils import timezone

    withdrawn = make_slot(office, cancelled=True)
    past = make_slot(office, starts_at=timezone.now() - timedelta(days=1))
    data = {"name": "Erika", "email": "erika@example.org", "consent": "on"}

    for slot, message in (
        (withdrawn, "Dieser Termin wurde abgesagt."),
        (past, "Dieser Termin liegt in der Vergangenheit"),
    ):
        url = reverse("quartier:book", args=[office.slug, slot.pk])
        assert "Leider ist dieser Termin nicht mehr frei." in client.get(url).content.decode()
        response = client.post(url, data)
        assert response.status_code == 409
        assert message in response.content.decode()
    assert not AdviceBooking.objects.exists()
