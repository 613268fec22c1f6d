"""Capacity is decided under a row lock: 50 people enrolling at once for 20 seats."""

import threading

import pytest
from django.db import connection, connections

from parteischule import services
from parteischule.enums import EnrolmentStatus
from parteischule.models import Course, Enrolment
from tests.support.factories import make_user
from tests.support.parteischule_factories import make_course

pytestmark = pytest.mark.django_db(transaction=True)


def _enrol_all_at_once(course_id: int, user_ids: list[int]) -> list[str]:
    barrier = threading.Barrier(len(user_ids))
    results: list[str] = []
    lock = threading.Lock()

    def enrol(user_id: int) -> None:
        try:
            course = Course.objects.get(pk=course_id)
            user = _user(user_id)
            barrier.wait(timeout=30)
            enrolment = services.course_enrol(course=course, user=user)
            with lock:
                results.append(enrolment.status)
        except Exception as error:  # recorded, so the assertion shows it
            with lock:
                results.append(f"error: {error!r}")
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=enrol, args=(pk,)) for pk in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _user(pk: int):
    from rotesnetz.members.models import User

    return User.objects.get(pk=pk)


def test_fifty_parallel_enrolments_for_twenty_seats_enrol_exactly_twenty(
    transactional_db, postgres
):
    course = make_course(capacity=20)
    user_ids = [make_user().pk for _ in range(50)]

    results = _enrol_all_at_once(course.pk, user_ids)

    assert sorted(results) == sorted(["enrolled"] * 20 + ["waitlisted"] * 30)
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.ENROLLED).count() == 20
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED).count() == 30
    waitlist = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED)
    positions = sorted(services.waitlist_position(enrolment) for enrolment in waitlist)
    assert positions == list(range(1, 31))
    assert connection.vendor == "postgresql"


def test_the_same_person_enrolling_in_parallel_gets_one_registration(transactional_db, postgres):
    course = make_course(capacity=5)
    user_id = make_user().pk

    results = _enrol_all_at_once(course.pk, [user_id] * 5)

    assert results.count("enrolled") == 1
    assert [r for r in results if r != "enrolled"] == [
        "error: ValidationError(['Du bist bereits für diesen Kurs angemeldet.'])"
    ] * 4
    assert Enrolment.objects.filter(course=course).count() == 1
