"""Questions in advance: submit, support once, moderate; bad input stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from konferenzen import services
from konferenzen.enums import QuestionStatus, RegistrationStatus
from konferenzen.models import Question, QuestionSupport, QuestionTopic
from tests.support.factories import make_member, make_staff, make_user
from tests.support.konferenzen_factories import (
    make_conference,
    make_question,
    make_registration,
    make_series,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(tree):
    return make_conference(gliederung=tree["lv"])


@pytest.fixture
def registrant(conference, tree):
    return make_registration(conference, user=make_member(tree["ov"]))


def test_question_submit_by_a_registrant_is_stored(registrant):
    question = services.question_submit(
        registration=registrant, text="  Wann kommt das 49-Euro-Ticket?  "
    )

    assert question.text == "Wann kommt das 49-Euro-Ticket?"
    assert question.status == QuestionStatus.OPEN
    assert question.support_count == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_question_is_refused_in_german_and_nothing_stored(registrant, text):
    with pytest.raises(ValidationError) as error:
        services.question_submit(registration=registrant, text=text)

    assert error.value.messages == ["Bitte schreib deine Frage auf."]
    assert Question.objects.count() == 0


def test_oversized_question_is_refused_with_the_length(registrant):
    with pytest.raises(ValidationError) as error:
        services.question_submit(registration=registrant, text="x" * 1001)

    assert error.value.messages == [
        "Deine Frage ist zu lang: höchstens 1000 Zeichen, sie hat 1001."
    ]
    assert Question.objects.count() == 0


def test_question_from_a_cancelled_registration_is_refused(registrant):
    registrant.status = RegistrationStatus.CANCELLED
    registrant.save()

    with pytest.raises(ValidationError):
        services.question_submit(registration=registrant, text="Frage")
    assert Question.objects.count() == 0


def test_question_after_the_conference_is_refused(tree):
    past = make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-1))
    registration = make_registration(past)

    with pytest.raises(ValidationError, match="bis zum Ende"):
        services.question_submit(registration=registration, text="Zu spät?")


def test_support_counts_once_per_registrant(conference, registrant):
    question = make_question(make_registration(conference))

    services.question_support(question_id=question.pk, registration=registrant)
    with pytest.raises(ValidationError) as error:
        services.question_support(question_id=question.pk, registration=registrant)

    question.refresh_from_db()
    assert question.support_count == 1
    assert error.value.messages == ["Du unterstützt diese Frage schon."]
    assert QuestionSupport.objects.count() == 1


def test_own_question_cannot_be_supported(registrant):
    question = make_question(registrant)

    with pytest.raises(ValidationError, match="eigene Frage"):
        services.question_support(question_id=question.pk, registration=registrant)


def test_hidden_question_or_one_of_another_conference_cannot_be_supported(
    conference, registrant, tree
):
    hidden = make_question(make_registration(conference), hidden=True)
    other = make_question(make_registration(make_conference(gliederung=tree["lv"])))

    for question in (hidden, other):
        with pytest.raises(ValidationError, match="gibt es nicht"):
            services.question_support(question_id=question.pk, registration=registrant)


def test_moderator_groups_hides_and_answers(conference, registrant):
    moderator = make_user()
    conference.moderators.add(moderator)
    question = make_question(registrant)
    topic = services.topic_create(conference_id=conference.pk, by=moderator, name=" ÖPNV ")

    services.question_moderate(
        question_id=question.pk, by=moderator, action="topic", topic_id=topic.pk
    )
    services.question_moderate(question_id=question.pk, by=moderator, action="answer")
    services.question_moderate(question_id=question.pk, by=moderator, action="hide")

    question.refresh_from_db()
    assert question.topic.name == "ÖPNV"
    assert question.status == QuestionStatus.ANSWERED
    assert question.answered_at is not None
    assert question.hidden is True


def test_series_moderator_and_conference_staff_moderate_too(tree, registrant, conference):
    series = make_series(gliederung=tree["lv"])
    conference.series = series
    conference.save()
    series_moderator = make_user()
    series.moderators.add(series_moderator)
    question = make_question(registrant)

    services.question_moderate(question_id=question.pk, by=series_moderator, action="hide")
    services.question_moderate(
        question_id=question.pk, by=make_staff(landesverband=tree["lv"]), action="show"
    )

    question.refresh_from_db()
    assert question.hidden is False


def test_registrant_cannot_moderate(registrant):
    question = make_question(registrant)

    with pytest.raises(PermissionDenied):
        services.question_moderate(question_id=question.pk, by=registrant.user, action="hide")
    with pytest.raises(PermissionDenied):
        services.topic_create(conference_id=question.conference_id, by=registrant.user, name="X")


def test_topic_of_another_conference_is_refused(conference, registrant, tree):
    moderator = make_user()
    conference.moderators.add(moderator)
    question = make_question(registrant)
    foreign = QuestionTopic.objects.create(
        conference=make_conference(gliederung=tree["lv"]), name="Fremd"
    )

    with pytest.raises(ValidationError):
        services.question_moderate(
            question_id=question.pk, by=moderator, action="topic", topic_id=foreign.pk
        )


def test_too_many_questions_from_one_registrant_are_refused(registrant):
    for number in range(services.MAX_QUESTIONS_PER_REGISTRANT):
        make_question(registrant, text=f"Frage {number}")

    with pytest.raises(ValidationError, match="mehr geht nicht"):
        services.question_submit(registration=registrant, text="Noch eine")
