"""Feedback after the course and its aggregated, anonymous results."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parteischule import selectors, services
from parteischule.models import Course, Feedback
from tests.support.factories import make_user
from tests.support.parteischule_factories import enrol, fill, make_course, make_trainer

pytestmark = pytest.mark.django_db


def _finished(course: Course) -> Course:
    Course.objects.filter(pk=course.pk).update(last_session_at=timezone.now() - timedelta(hours=1))
    course.refresh_from_db()
    return course


def _give(course, user, overall=4, comment=""):
    return services.feedback_submit(
        course=course,
        user=user,
        overall=overall,
        content=3,
        trainers=5,
        would_recommend=True,
        comment=comment,
    )


def test_feedback_through_the_page_after_the_course(client):
    course = make_course()
    enrolment = enrol(course)
    _finished(course)
    client.force_login(enrolment.user)

    response = client.post(
        reverse("parteischule:feedback", args=[course.pk]),
        {
            "overall": "5",
            "content": "4",
            "trainers": "5",
            "would_recommend": "yes",
            "comment": "Super",
        },
    )

    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.overall, feedback.would_recommend, feedback.comment) == (5, True, "Super")


def test_feedback_before_the_end_is_refused():
    course = make_course()
    enrolment = enrol(course)

    with pytest.raises(ValidationError, match="wenn der Kurs vorbei ist"):
        _give(course, enrolment.user)

    assert not Feedback.objects.exists()


def test_feedback_twice_is_refused():
    course = make_course()
    enrolment = enrol(course)
    _finished(course)
    _give(course, enrolment.user)

    with pytest.raises(ValidationError, match="schon eine Rückmeldung"):
        _give(course, enrolment.user)

    assert Feedback.objects.count() == 1


def test_feedback_from_outsiders_is_refused():
    course = _finished(make_course())

    with pytest.raises(ValidationError, match="Nur Teilnehmende"):
        _give(course, make_user())


def test_results_hide_everything_below_five_answers(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=10)
    people = fill(course, 5)
    _finished(course)
    for enrolment in people[:4]:
        _give(course, enrolment.user, comment="Geheimer Kommentar")
    client.force_login(trainer)
    url = reverse("parteischule:feedback_results", args=[course.pk])

    four = client.get(url).content.decode()
    _give(course, people[4].user, overall=2)
    five = client.get(url).content.decode()

    assert "Geheimer Kommentar" not in four
    assert "ab 5 Antworten" in four
    assert "Geheimer Kommentar" in five
    summary = selectors.feedback_summary(course=course)
    assert (summary["count"], round(summary["overall"], 1), summary["recommend_percent"]) == (
        5,
        3.6,
        100,
    )
