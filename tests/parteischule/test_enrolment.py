"""Enrolment, waitlist, cancellation and reserved seats through the services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parteischule import services
from parteischule.enums import AgeBand, EnrolmentStatus, Gender, ReservedGroup
from parteischule.models import Enrolment
from rotesnetz.members.models import Membership
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_gliederung, make_user
from tests.support.parteischule_factories import (
    complete,
    declare,
    enrol,
    enrolled_count,
    fill,
    make_course,
    make_trainer,
)

pytestmark = pytest.mark.django_db
S = EnrolmentStatus


def test_enrol_with_a_free_seat_enrols_and_queues_a_confirmation():
    course = make_course(capacity=2)
    user = make_user()

    enrolment = services.course_enrol(course=course, user=user)

    assert enrolment.status == S.ENROLLED
    mail = OutboundMail.objects.get(to=user.email)
    assert mail.key == f"parteischule:confirm:{enrolment.pk}"
    assert mail.subject == f"Du bist angemeldet: {course.title}"


def test_enrol_into_a_full_course_puts_the_person_on_the_waitlist_in_order():
    course = make_course(capacity=1)
    fill(course)

    first = enrol(course)
    second = enrol(course)

    assert (first.status, second.status) == (S.WAITLISTED, S.WAITLISTED)
    assert services.waitlist_position(first) == 1
    assert services.waitlist_position(second) == 2
    assert enrolled_count(course) == 1
    assert "Warteliste" in OutboundMail.objects.get(to=first.user.email).subject


def test_enrol_twice_is_refused_and_changes_nothing():
    course = make_course()
    user = make_user()
    enrol(course, user)

    with pytest.raises(ValidationError, match="Du bist bereits für diesen Kurs angemeldet"):
        services.course_enrol(course=course, user=user)

    assert Enrolment.objects.filter(course=course, user=user).count() == 1


def test_enrol_twice_on_the_waitlist_is_refused():
    course = make_course(capacity=1)
    fill(course)
    user = make_user()
    enrol(course, user)

    with pytest.raises(ValidationError, match="Warteliste"):
        services.course_enrol(course=course, user=user)

    assert Enrolment.objects.filter(course=course, user=user).count() == 1


def test_enrol_after_the_window_is_refused():
    course = make_course(enrolment_closes_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(ValidationError, match="Anmeldung .* endete"):
        enrol(course)

    assert not Enrolment.objects.filter(course=course).exists()


def test_enrol_before_the_window_is_refused():
    course = make_course(
        enrolment_opens_at=timezone.now() + timedelta(days=1),
        enrolment_closes_at=timezone.now() + timedelta(days=5),
    )

    with pytest.raises(ValidationError, match="beginnt am"):
        enrol(course)

    assert not Enrolment.objects.filter(course=course).exists()


def test_enrol_in_an_unpublished_course_is_refused():
    course = make_course(is_published=False)

    with pytest.raises(ValidationError):
        enrol(course)

    assert not Enrolment.objects.exists()


def test_enrol_with_missing_prerequisites_is_refused_and_names_them():
    basics = make_course(title="Moderation Grundlagen")
    advanced = make_course(title="Moderation Aufbau")
    advanced.prerequisites.add(basics)

    with pytest.raises(ValidationError, match="Moderation Grundlagen"):
        enrol(advanced)

    assert not Enrolment.objects.filter(course=advanced).exists()


def test_enrol_with_completed_prerequisites_succeeds():
    trainer = make_trainer()
    basics = make_course(trainers=[trainer])
    advanced = make_course()
    advanced.prerequisites.add(basics)
    user = make_user()
    complete(basics, enrol(basics, user), by=trainer)

    enrolment = services.course_enrol(course=advanced, user=user)

    assert enrolment.status == S.ENROLLED


def test_trainer_cannot_enrol_in_their_own_course():
    trainer = make_trainer()
    course = make_course(trainers=[trainer])

    with pytest.raises(ValidationError, match="Trainer"):
        services.course_enrol(course=course, user=trainer)


def test_cancel_frees_the_seat_and_promotes_the_first_on_the_waitlist_with_a_mail():
    course = make_course(capacity=1)
    (seat,) = fill(course)
    first, second = enrol(course), enrol(course)

    promoted = services.enrolment_cancel(enrolment=seat, by=seat.user)

    first.refresh_from_db()
    second.refresh_from_db()
    assert [p.pk for p in promoted] == [first.pk]
    assert (first.status, second.status) == (S.ENROLLED, S.WAITLISTED)
    assert first.promoted_at is not None
    assert services.waitlist_position(second) == 1
    mail = OutboundMail.objects.get(key=f"parteischule:promoted:{first.pk}")
    assert mail.to == first.user.email
    assert mail.attachments[0]["filename"] == "kurs.ics"
    assert enrolled_count(course) == 1


def test_leaving_the_waitlist_promotes_nobody():
    course = make_course(capacity=1)
    fill(course)
    waiting = enrol(course)

    promoted = services.enrolment_cancel(enrolment=waiting, by=waiting.user)

    waiting.refresh_from_db()
    assert promoted == []
    assert waiting.status == S.CANCELLED


def test_cancel_after_the_deadline_is_refused_for_the_member():
    course = make_course(cancellation_deadline=timezone.now() + timedelta(hours=1))
    enrolment = enrol(course)

    with pytest.raises(ValidationError, match="Abmelden konntest du dich bis"):
        services.enrolment_cancel(
            enrolment=enrolment, by=enrolment.user, now=timezone.now() + timedelta(hours=2)
        )

    enrolment.refresh_from_db()
    assert enrolment.status == S.ENROLLED


def test_trainer_may_cancel_after_the_deadline():
    trainer = make_trainer()
    course = make_course(trainers=[trainer], cancellation_deadline=timezone.now())
    enrolment = enrol(course)

    services.enrolment_cancel(enrolment=enrolment, by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.status == S.CANCELLED


def test_another_member_cannot_cancel_someone_elses_seat():
    course = make_course()
    enrolment = enrol(course)

    with pytest.raises(PermissionDenied):
        services.enrolment_cancel(enrolment=enrolment, by=make_user())

    enrolment.refresh_from_db()
    assert enrolment.status == S.ENROLLED


def test_cancel_twice_is_refused():
    course = make_course()
    enrolment = enrol(course)
    services.enrolment_cancel(enrolment=enrolment, by=enrolment.user)

    with pytest.raises(ValidationError, match="bereits"):
        services.enrolment_cancel(enrolment=enrolment, by=enrolment.user)


def test_re_enrolment_after_cancelling_is_possible():
    course = make_course()
    user = make_user()
    services.enrolment_cancel(enrolment=enrol(course, user), by=user)

    again = enrol(course, user)

    assert again.status == S.ENROLLED
    assert Enrolment.objects.filter(course=course, user=user).count() == 2


def test_no_promotion_once_the_course_has_started():
    course = make_course(capacity=1, cancellation_deadline=timezone.now() + timedelta(days=30))
    (seat,) = fill(course)
    waiting = enrol(course)

    services.enrolment_cancel(
        enrolment=seat, by=seat.user, now=course.first_session_at + timedelta(minutes=5)
    )

    waiting.refresh_from_db()
    assert waiting.status == S.WAITLISTED


# --- Reserved seats ----------------------------------------------------------------------------


def _reserved_course(group=ReservedGroup.WOMEN, capacity=3, reserved=1, until_days=3):
    return make_course(
        capacity=capacity,
        reserved_seats=reserved,
        reserved_for=group,
        reserved_until=timezone.now() + timedelta(days=until_days),
    )


def test_reserved_seat_is_held_for_the_group_while_general_seats_fill():
    course = _reserved_course()
    fill(course, 2)

    outsider = enrol(course)
    woman = make_user()
    declare(woman, gender=Gender.WOMAN)
    reserved = enrol(course, woman)

    assert outsider.status == S.WAITLISTED
    assert reserved.status == S.ENROLLED
    assert reserved.reserved_seat is True
    assert enrolled_count(course) == 3


def test_under_35_group_uses_the_declared_age_band():
    course = _reserved_course(group=ReservedGroup.UNDER_35, capacity=1, reserved=1)
    young, older = make_user(), make_user()
    declare(young, age_band=AgeBand.FROM_25_TO_34)
    declare(older, age_band=AgeBand.FROM_50_TO_64)

    assert enrol(course, older).status == S.WAITLISTED
    assert enrol(course, young).status == S.ENROLLED


def test_new_members_group_counts_the_first_membership_date():
    course = _reserved_course(group=ReservedGroup.NEW_MEMBERS, capacity=1, reserved=1)
    ov = make_gliederung(kind="landesverband")
    old, new = make_user(), make_user()
    Membership.objects.create(user=old, gliederung=ov)
    Membership.objects.filter(user=old).update(created_at=timezone.now() - timedelta(days=800))
    Membership.objects.create(user=new, gliederung=ov)

    assert enrol(course, old).status == S.WAITLISTED
    assert enrol(course, new).status == S.ENROLLED


def test_release_gives_free_reserved_seats_to_the_waitlist_once():
    course = _reserved_course(capacity=2, reserved=1, until_days=1)
    fill(course, 1)
    waiting = enrol(course)
    assert waiting.status == S.WAITLISTED

    released = services.reserved_seats_release(now=timezone.now() + timedelta(days=2))
    again = services.reserved_seats_release(now=timezone.now() + timedelta(days=2))

    waiting.refresh_from_db()
    course.refresh_from_db()
    assert (released, again) == (1, 0)
    assert waiting.status == S.ENROLLED
    assert course.reserved_released_at is not None
    assert OutboundMail.objects.filter(key=f"parteischule:promoted:{waiting.pk}").count() == 1


def test_reserved_seat_freed_before_release_goes_to_the_next_person_of_the_group():
    course = _reserved_course(capacity=2, reserved=1)
    fill(course, 1)
    first_woman, man, second_woman = make_user(), make_user(), make_user()
    declare(first_woman, gender=Gender.WOMAN)
    declare(second_woman, gender=Gender.WOMAN)
    seat = enrol(course, first_woman)
    waiting_man = enrol(course, man)
    waiting_woman = enrol(course, second_woman)

    services.enrolment_cancel(enrolment=seat, by=first_woman)

    waiting_man.refresh_from_db()
    waiting_woman.refresh_from_db()
    assert waiting_man.status == S.WAITLISTED
    assert waiting_woman.status == S.ENROLLED
