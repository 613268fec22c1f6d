"""Advice appointments: publish slots, book without an account, cancel by a signed link."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartier import services, tokens
from quartier.clock import BERLIN
from quartier.enums import AdviceKind, OfficeStatus, TeamRole
from quartier.models import AdviceBooking, AdviceSlot
from tests.support.factories import make_user
from tests.support.quartier_factories import make_office, make_slot, make_team_member

pytestmark = pytest.mark.django_db

TAKEN = "Leider hat gerade jemand anderes diesen Termin gebucht. Bitte wähle einen anderen."


@pytest.fixture
def office(db):
    return make_office(name="Quartierbüro Ludwigshafen-Gartenstadt")


@pytest.fixture
def slot(office):
    advisor = make_team_member(office, TeamRole.ADVISOR, email="berater@example.org")
    return make_slot(office, advisor=advisor)


def _book(slot, **overrides):
    values = {"name": "Erika Muster", "email": "erika@example.org", "topic": "Witwenrente"}
    return services.advice_booking_create(slot_id=slot.pk, **{**values, **overrides})


def test_booking_saves_the_booking_and_mails_ics_and_a_signed_link(
    slot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = _book(slot)

    slot.refresh_from_db()
    assert slot.booked is True
    assert AdviceBooking.objects.get(slot=slot).name == "Erika Muster"
    to_citizen = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(to_citizen) == 1
    message = to_citizen[0]
    assert message.subject.startswith("Dein Termin: Rentenberatung am ")
    assert result.cancel_url in message.body
    assert "/buero/termin/absagen/" in result.cancel_url
    filename, content, mimetype = message.attachments[0]
    assert filename == "termin.ics"
    assert "METHOD:REQUEST" in content and "SUMMARY:Rentenberatung – Quartierbüro" in content
    assert mimetype.startswith("text/calendar")
    to_advisor = [m for m in mail.outbox if m.to == ["berater@example.org"]]
    assert len(to_advisor) == 1
    assert "Erika" not in to_advisor[0].body  # the advisor reads details on the page


def test_booking_a_taken_slot_is_refused_and_keeps_the_first(slot):
    _book(slot)

    with pytest.raises(ValidationError) as error:
        _book(slot, name="Max Mustermann", email="max@example.org")

    assert error.value.messages == [TAKEN]
    assert list(AdviceBooking.objects.values_list("name", flat=True)) == ["Erika Muster"]


def test_the_database_refuses_a_second_booking_of_a_slot(slot):
    AdviceBooking.objects.create(slot=slot, name="A", email="a@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        AdviceBooking.objects.create(slot=slot, name="B", email="b@example.org")


def test_booking_a_past_slot_is_refused(office):
    past = make_slot(office, starts_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(ValidationError) as error:
        _book(past)

    assert error.value.messages == [
        "Dieser Termin liegt in der Vergangenheit und kann nicht mehr gebucht werden."
    ]
    assert not AdviceBooking.objects.exists()


def test_booking_a_withdrawn_slot_or_at_a_closed_office_is_refused(office, slot):
    withdrawn = make_slot(office, cancelled=True)
    office.status = OfficeStatus.CLOSED
    office.save()

    for target in (withdrawn, slot):
        with pytest.raises(ValidationError) as error:
            _book(target)
        assert error.value.messages == ["Dieser Termin wurde abgesagt."]
    assert not AdviceBooking.objects.exists()


def test_booking_an_unknown_slot_is_a_clear_error(db):
    with pytest.raises(ValidationError) as error:
        services.advice_booking_create(slot_id=987654, name="A", email="a@example.org")

    assert error.value.messages == ["Diesen Termin gibt es nicht."]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "", "phone": ""}, "Bitte gib eine E-Mail-Adresse oder eine Telefonnummer an"),
        ({"email": "kein-at-zeichen"}, "Bitte gib eine gültige E-Mail-Adresse ein."),
        ({"email": "", "phone": "ruf mich an"}, "Bitte gib eine Telefonnummer nur mit Ziffern"),
        ({"name": "   "}, "Bitte ausfüllen: Dein Name."),
        ({"name": "x" * 101}, "Dein Name: höchstens 100 Zeichen."),
        ({"topic": "a\x00b"}, "Thema: enthält Zeichen, die nicht erlaubt sind."),
    ],
)
def test_booking_with_bad_input_says_why_and_saves_nothing(slot, overrides, message):
    with pytest.raises(ValidationError) as error:
        _book(slot, **overrides)

    assert error.value.messages[0].startswith(message)
    slot.refresh_from_db()
    assert slot.booked is False
    assert not AdviceBooking.objects.exists()


def test_booking_by_phone_only_sends_the_citizen_no_mail(slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _book(slot, email="", phone="0621 123456")

    assert [m.to for m in mail.outbox] == [["berater@example.org"]]
    assert AdviceBooking.objects.get().phone == "0621 123456"


def test_cancel_link_frees_the_slot_and_confirms_by_mail(slot, django_capture_on_commit_callbacks):
    result = _book(slot)
    token = result.cancel_url.rstrip("/").rsplit("/", 1)[-1]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.advice_booking_cancel(token=token)

    slot.refresh_from_db()
    assert slot.booked is False
    assert not AdviceBooking.objects.exists()
    citizen = [m for m in mail.outbox if m.to == ["erika@example.org"]][0]
    assert citizen.subject.startswith("Abgesagt: Rentenberatung am ")
    assert "METHOD:CANCEL" in citizen.attachments[0][1]
    assert [m.to for m in mail.outbox if m is not citizen] == [["berater@example.org"]]


def test_a_forged_link_is_refused(slot):
    result = _book(slot)
    token = result.cancel_url.rstrip("/").rsplit("/", 1)[-1]

    with pytest.raises(tokens.TokenError) as error:
        services.advice_booking_cancel(token=token[:-3] + "abc")

    assert "ungültig" in error.value.message
    assert AdviceBooking.objects.count() == 1


def test_an_expired_link_is_refused(slot):
    result = _book(slot)
    token = result.cancel_url.rstrip("/").rsplit("/", 1)[-1]

    later = timezone.now() + timedelta(days=401)
    with time_machine.travel(later, tick=False), pytest.raises(tokens.TokenError) as error:
        services.advice_booking_cancel(token=token)

    assert error.value.message == "Dieser Link zum Absagen ist abgelaufen."
    assert AdviceBooking.objects.count() == 1


def test_an_old_link_cannot_cancel_someone_elses_new_booking(slot):
    first = _book(slot)
    first_token = first.cancel_url.rstrip("/").rsplit("/", 1)[-1]
    services.advice_booking_cancel(token=first_token)
    _book(slot, name="Max Mustermann", email="max@example.org")

    with pytest.raises(tokens.TokenError):
        services.advice_booking_cancel(token=first_token)

    assert AdviceBooking.objects.get().name == "Max Mustermann"


def test_cancelling_after_the_start_is_refused(slot):
    result = _book(slot)
    token = result.cancel_url.rstrip("/").rsplit("/", 1)[-1]

    started = slot.starts_at + timedelta(minutes=5)
    with time_machine.travel(started, tick=False), pytest.raises(tokens.TokenError) as error:
        services.advice_booking_cancel(token=token)

    assert "schon begonnen" in error.value.message
    assert AdviceBooking.objects.count() == 1


def test_advisor_withdrawing_a_booked_slot_tells_the_citizen(
    slot, django_capture_on_commit_callbacks
):
    _book(slot)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.advice_slot_cancel(slot_id=slot.pk, by=slot.advisor)

    slot.refresh_from_db()
    assert slot.cancelled and not slot.booked
    assert not AdviceBooking.objects.exists()
    assert [m.to for m in mail.outbox] == [["erika@example.org"]]
    assert "leider müssen wir deinen Termin" in mail.outbox[0].body


def test_another_advisor_cannot_withdraw_a_slot(office, slot):
    other = make_team_member(office, TeamRole.ADVISOR)

    with pytest.raises(PermissionDenied):
        services.advice_slot_cancel(slot_id=slot.pk, by=other)


def test_publishing_a_weekly_series_keeps_the_berlin_time_across_the_clock_change(office):
    advisor = make_team_member(office, TeamRole.ADVISOR)
    first = datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN)  # summer time; 25 October ends it

    with time_machine.travel(datetime(2026, 10, 1, 12, 0, tzinfo=BERLIN), tick=False):
        slots = services.advice_slots_publish(
            office=office,
            advisor=advisor,
            by=advisor,
            kind=AdviceKind.PENSION,
            starts_at=first,
            duration_minutes=30,
            count=2,
            weeks=3,
        )

    local = [s.starts_at.astimezone(BERLIN).strftime("%d.%m. %H:%M") for s in slots]
    assert local == [
        "20.10. 10:00",
        "20.10. 10:30",
        "27.10. 10:00",
        "27.10. 10:30",
        "03.11. 10:00",
        "03.11. 10:30",
    ]
    assert {s.series_id for s in slots} == {slots[0].series_id} != {None}


def test_publishing_refuses_overlaps_past_times_and_outsiders(office):
    advisor = make_team_member(office, TeamRole.ADVISOR)
    start = timezone.now() + timedelta(days=3)
    services.advice_slots_publish(
        office=office,
        advisor=advisor,
        by=advisor,
        kind=AdviceKind.TENANT,
        starts_at=start,
        duration_minutes=60,
    )

    with pytest.raises(ValidationError) as overlap:
        services.advice_slots_publish(
            office=office,
            advisor=advisor,
            by=advisor,
            kind=AdviceKind.TENANT,
            starts_at=start + timedelta(minutes=30),
            duration_minutes=30,
        )
    with pytest.raises(ValidationError) as past:
        services.advice_slots_publish(
            office=office,
            advisor=advisor,
            by=advisor,
            kind=AdviceKind.TENANT,
            starts_at=timezone.now() - timedelta(hours=1),
            duration_minutes=30,
        )
    with pytest.raises(PermissionDenied):
        outsider = make_user()
        services.advice_slots_publish(
            office=office,
            advisor=outsider,
            by=outsider,
            kind=AdviceKind.TENANT,
            starts_at=start + timedelta(days=1),
            duration_minutes=30,
        )

    assert "schon einen Termin" in overlap.value.messages[0]
    assert past.value.messages == ["Der Termin muss in der Zukunft liegen."]
    assert AdviceSlot.objects.count() == 1
