"""The pages: query counts, bad input with clear German messages, the trainer and staff UI."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parteischule.enums import EnrolmentStatus
from parteischule.models import Attendance, Course, CourseMessage, CourseSession, Enrolment
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_staff, make_user
from tests.support.parteischule_factories import (
    enrol,
    fill,
    make_category,
    make_course,
    make_trainer,
    make_zentrum,
)

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
BAD_VALUES = ["", " ", "x" * 5000, "\x00", "<script>alert(1)</script>", "ä" * 300, "' OR 1=1 --"]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_catalogue_query_count_is_constant_in_courses_and_sessions(client):
    zentrum = make_zentrum()
    trainer = make_trainer()
    make_course(zentrum=zentrum, sessions=1, trainers=[trainer])
    client.force_login(make_user())
    url = reverse("parteischule:catalogue")
    client.get(url)  # the first request also records the session
    one = _queries(client, url)
    for _ in range(12):
        course = make_course(zentrum=make_zentrum(), sessions=4, trainers=[trainer, make_user()])
        fill(course, 3)

    many = _queries(client, url)

    assert many == one


def test_catalogue_with_filters_keeps_the_query_count(client):
    category = make_category("Digitale Kompetenz")
    make_course(category=category, format="online")
    client.force_login(make_user())
    url = reverse("parteischule:catalogue") + f"?q=Kurs&category={category.slug}&format=online"
    client.get(url)
    one = _queries(client, url)
    for _ in range(8):
        make_course(category=category, sessions=3, format="online")

    assert _queries(client, url) == one


def test_catalogue_filters_by_category_format_place_and_search(client):
    digital, project = make_category("Digitale Kompetenz"), make_category("Projektmanagement")
    zentrum = make_zentrum(name="Regionalzentrum Pfalz")
    make_course(title="Social Media", category=digital, zentrum=zentrum, format="online")
    make_course(title="Projekte planen", category=project)
    make_course(title="Entwurf", category=digital, is_published=False)
    client.force_login(make_user())

    by_category = client.get(reverse("parteischule:catalogue"), {"category": digital.slug})
    by_search = client.get(reverse("parteischule:catalogue"), {"q": "planen"})
    by_place = client.get(reverse("parteischule:catalogue"), {"regionalzentrum": zentrum.slug})

    assert [c.title for c in by_category.context["page"].object_list] == ["Social Media"]
    assert [c.title for c in by_search.context["page"].object_list] == ["Projekte planen"]
    assert [c.title for c in by_place.context["page"].object_list] == ["Social Media"]


def test_catalogue_hides_past_courses_unless_asked(client):
    past = make_course(
        title="Vorbei",
        starts_in=timedelta(days=-20),
        enrolment_opens_at=timezone.now() - timedelta(days=60),
        enrolment_closes_at=timezone.now() - timedelta(days=21),
    )
    client.force_login(make_user())

    default = client.get(reverse("parteischule:catalogue"))
    with_past = client.get(reverse("parteischule:catalogue"), {"past": "1"})

    assert past not in default.context["page"].object_list
    assert past in with_past.context["page"].object_list


def test_my_courses_query_count_is_constant(client):
    user = make_user()
    enrol(make_course(sessions=2), user)
    client.force_login(user)
    url = reverse("parteischule:my_courses")
    client.get(url)
    one = _queries(client, url)
    for _ in range(6):
        course = make_course(sessions=3, capacity=1)
        fill(course)
        enrol(course, user)  # waitlisted, with a position

    assert _queries(client, url) == one


def test_mein_netz_panel_shows_courses_and_waitlist_places(client):
    user = make_user()
    enrol(make_course(title="Rhetorik"), user)
    full = make_course(title="Moderation", capacity=1)
    fill(full)
    enrol(full, user)
    client.force_login(user)

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert "Rhetorik" in page
    assert "Warteliste, Platz 1" in page


def test_participant_list_query_count_is_constant(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=30, sessions=3)
    fill(course, 1)
    client.force_login(trainer)
    url = reverse("parteischule:manage_course", args=[course.pk])
    client.get(url)
    one = _queries(client, url)
    fill(course, 25)

    assert _queries(client, url) == one


def test_enrol_through_the_page_and_see_the_confirmation(client):
    course = make_course()
    client.force_login(make_user())

    response = client.post(reverse("parteischule:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert _messages(response) == [
        "Du bist angemeldet. Wir haben dir eine Bestätigung mit den Terminen geschickt."
    ]


def test_enrol_into_a_full_course_says_waitlist_and_place(client):
    course = make_course(capacity=1)
    fill(course)
    client.force_login(make_user())

    response = client.post(reverse("parteischule:enrol", args=[course.pk]))

    assert _messages(response) == [
        "Der Kurs ist voll, deshalb stehst du auf der Warteliste auf Platz 1. Wird ein Platz frei, "
        "rückst du automatisch nach und wir schreiben dir."
    ]


def test_enrol_twice_through_the_page_is_a_message_not_an_error(client):
    course = make_course()
    user = make_user()
    enrol(course, user)
    client.force_login(user)

    response = client.post(reverse("parteischule:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert _messages(response) == ["Du bist bereits für diesen Kurs angemeldet."]
    assert Enrolment.objects.filter(course=course, user=user).count() == 1


def test_enrol_after_the_window_through_the_page(client):
    course = make_course(enrolment_closes_at=timezone.now() - timedelta(hours=1))
    client.force_login(make_user())

    response = client.post(reverse("parteischule:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert _messages(response)[0].startswith("Die Anmeldung für diesen Kurs endete am")
    assert not Enrolment.objects.exists()


def test_enrol_with_missing_prerequisites_through_the_page(client):
    basics = make_course(title="Grundlagen")
    course = make_course()
    course.prerequisites.add(basics)
    client.force_login(make_user())

    response = client.post(reverse("parteischule:enrol", args=[course.pk]))

    assert _messages(response) == [
        "Für diesen Kurs musst du zuerst abgeschlossen haben: Grundlagen."
    ]
    assert not Enrolment.objects.filter(course=course).exists()


def test_the_course_page_names_missing_prerequisites_instead_of_offering_to_enrol(client):
    basics = make_course(title="Grundlagen")
    course = make_course()
    course.prerequisites.add(basics)
    client.force_login(make_user())

    page = client.get(reverse("parteischule:course", args=[course.pk])).content.decode()

    assert "musst du diese Kurse abgeschlossen haben" in page
    assert reverse("parteischule:enrol", args=[course.pk]) not in page
    assert (
        f'<li><a href="{reverse("parteischule:course", args=[basics.pk])}">Grundlagen</a></li>'
        in page
    )


def test_unpublished_course_is_a_404_for_members(client):
    course = make_course(is_published=False)
    client.force_login(make_user())

    assert client.get(reverse("parteischule:course", args=[course.pk])).status_code == 404
    assert client.post(reverse("parteischule:enrol", args=[course.pk])).status_code == 404


def test_video_link_shows_only_to_enrolled_people(client):
    course = make_course(video_url="https://video.example/geheim")
    user = make_user()
    client.force_login(user)
    url = reverse("parteischule:course", args=[course.pk])

    before = client.get(url).content.decode()
    enrol(course, user)
    after = client.get(url).content.decode()

    assert "https://video.example/geheim" not in before
    assert "https://video.example/geheim" in after


def test_calendar_download_leaves_out_the_video_link_for_outsiders(client):
    course = make_course(video_url="https://video.example/geheim", sessions=2)
    client.force_login(make_user())

    response = client.get(reverse("parteischule:calendar", args=[course.pk]))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.count("BEGIN:VEVENT") == 2
    assert "video.example" not in body


def test_cancel_through_the_page_promotes_the_waitlist(client):
    course = make_course(capacity=1)
    (seat,) = fill(course)
    waiting = enrol(course)
    client.force_login(seat.user)

    response = client.post(reverse("parteischule:cancel", args=[course.pk]))

    waiting.refresh_from_db()
    assert _messages(response) == ["Du hast deinen Platz abgemeldet."]
    assert waiting.status == S.ENROLLED


def test_cancel_without_registration_is_a_message(client):
    course = make_course()
    client.force_login(make_user())

    response = client.post(reverse("parteischule:cancel", args=[course.pk]))

    assert _messages(response) == ["Du bist für diesen Kurs nicht angemeldet."]


def test_attendance_page_marks_present_and_completes(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    enrolment = enrol(course)
    session = course.sessions.get()
    client.force_login(trainer)

    response = client.post(
        reverse("parteischule:attendance", args=[session.pk]), {"present": [enrolment.pk]}
    )

    enrolment.refresh_from_db()
    assert _messages(response) == ["Anwesenheit gespeichert: 1 anwesend."]
    assert enrolment.completed_at is not None


@pytest.mark.parametrize("value", ["999999", "abc", "", "1e3"])
def test_attendance_page_with_bad_ids_saves_nothing(client, value):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    enrolment = enrol(course)
    client.force_login(trainer)

    response = client.post(
        reverse("parteischule:attendance", args=[course.sessions.get().pk]),
        {"present": [enrolment.pk, value]},
    )

    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert "Es wurde nichts gespeichert" in response.content.decode()


def test_attendance_for_a_waitlisted_person_through_the_page_is_refused(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=1)
    fill(course)
    waiting = enrol(course)
    client.force_login(trainer)

    response = client.post(
        reverse("parteischule:attendance", args=[course.sessions.get().pk]),
        {"present": [waiting.pk]},
    )

    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_attendance_page_is_forbidden_for_participants(client):
    course = make_course()
    enrolment = enrol(course)
    client.force_login(enrolment.user)

    response = client.get(reverse("parteischule:attendance", args=[course.sessions.get().pk]))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "name", ["course", "enrol", "cancel", "calendar", "feedback", "manage_course", "course_edit"]
)
def test_unknown_course_ids_answer_404(client, name):
    client.force_login(make_user())

    method = client.post if name in {"enrol", "cancel"} else client.get
    assert method(reverse(f"parteischule:{name}", args=[999999])).status_code == 404


def test_staff_create_a_course_and_a_session_through_the_pages(client):
    zentrum = make_zentrum()
    staff = make_staff(regionalzentrum=zentrum)
    trainer = make_user(email="trainerin@example.org")
    category = make_category()
    client.force_login(staff)
    now = timezone.localtime()

    response = client.post(
        reverse("parteischule:course_create"),
        {
            "title": "Kampagnen planen",
            "category": category.pk,
            "description": "Gut geplant ist halb gewonnen.",
            "format": "praesenz",
            "regionalzentrum": zentrum.pk,
            "capacity": "12",
            "enrolment_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "enrolment_closes_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "reserved_seats": "0",
            "trainer_emails": "Trainerin@example.org",
            "is_published": "on",
        },
    )
    course = Course.objects.get(title="Kampagnen planen")
    start = now + timedelta(days=14)
    session_response = client.post(
        reverse("parteischule:session_create", args=[course.pk]),
        {
            "title": "Auftakt",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "is_required": "on",
        },
    )

    assert response.status_code == 302
    assert session_response.status_code == 302
    course.refresh_from_db()
    assert list(course.trainers.all()) == [trainer]
    assert course.landesverband_id == zentrum.landesverband_id
    assert course.created_by == staff
    assert course.first_session_at == CourseSession.objects.get(course=course).starts_at


def test_staff_cannot_create_a_course_in_another_regionalzentrum(client):
    staff = make_staff(regionalzentrum=make_zentrum())
    foreign = make_zentrum()
    client.force_login(staff)
    now = timezone.localtime()

    response = client.post(
        reverse("parteischule:course_create"),
        {
            "title": "Fremd",
            "category": make_category().pk,
            "description": "x",
            "format": "online",
            "regionalzentrum": foreign.pk,
            "capacity": "5",
            "enrolment_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "enrolment_closes_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "reserved_seats": "0",
        },
    )

    assert response.status_code == 200
    assert not Course.objects.filter(title="Fremd").exists()


def test_trainers_cannot_create_courses(client):
    trainer = make_trainer()
    make_course(trainers=[trainer])
    client.force_login(trainer)

    assert client.get(reverse("parteischule:course_create")).status_code == 403
    assert client.get(reverse("parteischule:manage")).status_code == 200


def test_lowering_capacity_below_the_enrolled_is_refused(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=3)
    fill(course)
    client.force_login(trainer)
    data = {
        "title": course.title,
        "category": course.category_id,
        "description": course.description,
        "format": course.format,
        "regionalzentrum": course.regionalzentrum_id,
        "capacity": "1",
        "enrolment_opens_at": timezone.localtime(course.enrolment_opens_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "enrolment_closes_at": timezone.localtime(course.enrolment_closes_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "reserved_seats": "0",
        "trainer_emails": trainer.email,
        "is_published": "on",
    }

    response = client.post(reverse("parteischule:course_edit", args=[course.pk]), data)

    course.refresh_from_db()
    assert response.status_code == 200
    assert "Es sind schon 3 Menschen angemeldet" in response.content.decode()
    assert course.capacity == 3


def test_message_participants_queues_one_mail_per_person(client):
    trainer = make_trainer()
    course = make_course(trainers=[trainer], capacity=2)
    seats = fill(course)
    waiting = enrol(course)
    client.force_login(trainer)

    response = client.post(
        reverse("parteischule:message", args=[course.pk]),
        {"subject": "Raumänderung", "body": "Wir treffen uns in Saal 2."},
    )

    message = CourseMessage.objects.get()
    mails = OutboundMail.objects.filter(purpose="parteischule.message")
    assert response.status_code == 302
    assert sorted(m.to for m in mails) == sorted(e.user.email for e in seats)
    assert waiting.user.email not in {m.to for m in mails}
    assert {m.key for m in mails} == {
        f"parteischule:message:{message.pk}:{e.user_id}" for e in seats
    }
    assert "Wir treffen uns in Saal 2." in mails[0].body


@pytest.mark.parametrize("value", BAD_VALUES)
def test_message_form_with_bad_values_never_fails_hard(client, value):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    fill(course, 1)
    client.force_login(trainer)

    response = client.post(
        reverse("parteischule:message", args=[course.pk]), {"subject": value, "body": value}
    )

    assert response.status_code in (200, 302)
    if len(value.strip()) == 0 or len(value) > 150 or "\x00" in value:
        assert not CourseMessage.objects.exists()


@pytest.mark.parametrize("value", BAD_VALUES)
def test_course_and_session_forms_with_bad_values_never_fail_hard(client, value):
    trainer = make_trainer()
    course = make_course(trainers=[trainer])
    client.force_login(trainer)

    edit = client.post(
        reverse("parteischule:course_edit", args=[course.pk]),
        {"title": value, "capacity": value, "enrolment_opens_at": value},
    )
    session = client.post(
        reverse("parteischule:session_create", args=[course.pk]),
        {"starts_at": value, "ends_at": value, "video_url": value},
    )

    assert edit.status_code == 200
    assert session.status_code == 200
    assert course.sessions.count() == 1


@pytest.mark.parametrize("value", BAD_VALUES)
def test_catalogue_and_verify_with_bad_values(client, value):
    client.force_login(make_user())

    catalogue = client.get(
        reverse("parteischule:catalogue"),
        {"q": value, "category": value, "format": value, "page": value},
    )
    verify = client.get(reverse("parteischule:verify_form"), {"code": value})

    assert catalogue.status_code == 200
    assert verify.status_code in (200, 404)


def test_manage_list_query_count_is_constant(client):
    zentrum = make_zentrum()
    staff = make_staff(regionalzentrum=zentrum)
    make_course(zentrum=zentrum)
    client.force_login(staff)
    url = reverse("parteischule:manage")
    client.get(url)
    one = _queries(client, url)
    for _ in range(8):
        fill(make_course(zentrum=zentrum, sessions=3), 2)

    assert _queries(client, url) == one


def test_dashboard_query_count_is_constant(client):
    from parteischule.enums import Gender
    from tests.support.parteischule_factories import declare

    zentrum = make_zentrum()
    staff = make_staff(regionalzentrum=zentrum)
    make_course(zentrum=zentrum)
    client.force_login(staff)
    url = reverse("parteischule:dashboard")
    client.get(url)
    one = _queries(client, url)
    for _ in range(6):
        course = make_course(zentrum=make_zentrum(landesverband=zentrum.landesverband))
        course.regionalzentrum = zentrum
        course.save(update_fields=["regionalzentrum"])
        for enrolment in fill(course, 3):
            declare(enrolment.user, gender=Gender.WOMAN)

    assert _queries(client, url) == one


def test_lead_courses_link_only_for_those_who_may_lead(client):
    """A member without courses to lead is not sent to a page that answers 403."""
    trainer = make_trainer()
    make_course(trainers=[trainer])
    manage = reverse("parteischule:manage")

    client.force_login(make_user())
    assert manage not in client.get(reverse("parteischule:catalogue")).content.decode()
    assert client.get(manage).status_code == 403

    client.force_login(trainer)
    assert manage in client.get(reverse("parteischule:catalogue")).content.decode()
    assert client.get(manage).status_code == 200
