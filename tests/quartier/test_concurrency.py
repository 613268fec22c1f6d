"""A slot is never booked twice: 20 people press "book" at the same moment (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from quartier import services
from quartier.models import AdviceBooking, AdviceSlot, Event, EventRegistration
from tests.support.quartier_factories import make_event, make_office, make_slot

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20


def _race(action) -> list[str]:
    """Run ``action(n)`` in PARALLEL threads, each with its own database connection, released
    together by a barrier. Returns "ok" or the German error per thread."""
    barrier = threading.Barrier(PARALLEL)
    results: list[str] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            action(number)
            outcome = "ok"
        except ValidationError as error:
            outcome = error.messages[0]
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"unexpected: {error!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_parallel_bookings_of_one_slot_end_with_exactly_one(postgres):
    slot = make_slot(make_office())

    results = _race(
        lambda n: services.advice_booking_create(
            slot_id=slot.pk, name=f"Person {n}", email=f"person{n}@example.org"
        )
    )

    assert len(results) == PARALLEL
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {
        "Leider hat gerade jemand anderes diesen Termin gebucht. Bitte wähle einen anderen."
    }
    assert AdviceBooking.objects.filter(slot=slot).count() == 1
    assert AdviceSlot.objects.get(pk=slot.pk).booked is True


def test_twenty_parallel_registrations_never_exceed_the_capacity(postgres):
    event = make_event(make_office(), capacity=5)

    results = _race(
        lambda n: services.event_register(
            event_id=event.pk, name=f"Person {n}", email=f"person{n}@example.org"
        )
    )

    assert results.count("ok") == 5
    assert set(results) - {"ok"} == {"Leider ist diese Veranstaltung ausgebucht."}
    assert EventRegistration.objects.filter(event=event).count() == 5
    assert Event.objects.get(pk=event.pk).registered_count == 5
