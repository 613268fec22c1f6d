"""The pages: staff UI, registration, questions, feedback; query counts of every list page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.enums import Audience, RegistrationStatus
from konferenzen.models import Conference, Contributor, Feedback, Question, Registration
from rotesnetz.outbox.models import OutboundMail
from tests.support.factories import make_member, make_staff, make_user
from tests.support.konferenzen_factories import (
    make_conference,
    make_guest_registrants,
    make_question,
    make_registration,
    make_series,
)

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)  # the first request may also touch the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def _form(tree, **overrides) -> dict:
    start = timezone.localtime() + timedelta(days=21)
    data = {
        "title": "Dialogtour: Bildung",
        "topic": "Bildung",
        "format": "web",
        "gliederung": tree["lv"].pk,
        "starts_at": start.strftime("%Y-%m-%dT19:00"),
        "ends_at": start.strftime("%Y-%m-%dT20:30"),
        "audience": "landesverband",
        "provider": "zoom",
        "join_url": "https://zoom.us/j/81234567890?pwd=abc",
        "meeting_number": "812 3456 7890",
        "password": "Tafel2030",
        "phone_numbers": "Deutschland: +49 69 7104 9922",
        "access_code": "81234567890#",
        "dial_in_timing": "monday",
        "dial_in_days_before": "3",
        "send_reminder": "on",
    }
    data.update(overrides)
    return data


# --- Staff UI -------------------------------------------------------------------------------


def test_staff_schedule_a_web_conference_through_the_form(client, staff, tree):
    client.force_login(staff)

    response = client.post(reverse("konferenzen:staff_create"), _form(tree))

    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("konferenzen:staff_detail", args=[conference.slug])
    assert timezone.localtime(conference.starts_at).hour == 19
    assert conference.dial_in.meeting_number == "812 3456 7890"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"join_url": "http://zoom.us/j/1"},
            "join_url",
            "Der Einwahl-Link muss mit https:// beginnen",
        ),
        ({"ends_at": "2020-01-01T10:00"}, "ends_at", "Das Ende muss nach dem Beginn liegen."),
        ({"phone_numbers": "0621 123456"}, "phone_numbers", "internationalen Format"),
        ({"provider": ""}, "provider", "braucht einen Videoanbieter"),
    ],
)
def test_staff_form_with_bad_input_shows_a_german_message_and_stores_nothing(
    client, staff, tree, overrides, field, message
):
    client.force_login(staff)

    response = client.post(reverse("konferenzen:staff_create"), _form(tree, **overrides))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert Conference.objects.count() == 0


def test_staff_change_the_time_through_the_form_raises_the_sequence(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)
    client.force_login(staff)
    start = timezone.localtime(conference.starts_at) + timedelta(days=1)

    response = client.post(
        reverse("konferenzen:staff_edit", args=[conference.slug]),
        _form(
            tree,
            title=conference.title,
            starts_at=start.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            join_url="https://zoom.us/j/98765432101?pwd=GeheimesZugangsWort",
        ),
    )

    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.sequence == 1


def test_staff_pages_are_not_found_for_others(client, tree):
    conference = make_conference(gliederung=tree["lv"])
    urls = [
        reverse("konferenzen:staff_list"),
        reverse("konferenzen:staff_create"),
        reverse("konferenzen:staff_detail", args=[conference.slug]),
        reverse("konferenzen:staff_edit", args=[conference.slug]),
        reverse("konferenzen:staff_mails", args=[conference.slug]),
        reverse("konferenzen:moderation", args=[conference.slug]),
        reverse("konferenzen:briefing", args=[conference.slug, "csv"]),
    ]
    client.force_login(make_member(tree["ov"]))
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)

    client.force_login(make_staff(landesverband=tree["other_lv"]))
    assert [client.get(url).status_code for url in urls[2:]] == [404] * (len(urls) - 2)


def test_staff_cancel_and_follow_up_through_the_pages(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"])
    client.force_login(staff)

    client.post(
        reverse("konferenzen:staff_follow_up", args=[conference.slug]),
        {"recording_url": "https://video.example.org/x", "summary": "Gut", "attendance_count": 42},
    )
    client.post(reverse("konferenzen:staff_cancel", args=[conference.slug]), {"reason": "Sturm"})

    conference.refresh_from_db()
    assert conference.attendance_count == 42
    assert conference.is_cancelled
    assert conference.cancel_reason == "Sturm"


def test_staff_add_moderator_and_contributor(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"])
    moderator = make_user(email="mona@example.org")
    client.force_login(staff)

    client.post(
        reverse("konferenzen:staff_moderator_add", args=[conference.slug]),
        {"email": "MONA@example.org"},
    )
    client.post(
        reverse("konferenzen:staff_contributor_add", args=[conference.slug]),
        {"name": "Prof. Weber", "role": "speaker", "description": "Verkehr"},
    )

    assert list(conference.moderators.all()) == [moderator]
    assert list(Contributor.objects.values_list("name", flat=True)) == ["Prof. Weber"]


def test_staff_list_query_count_is_constant(client, staff, tree):
    client.force_login(staff)
    make_conference(gliederung=tree["lv"])
    one = _count(client, reverse("konferenzen:staff_list"))
    series = make_series(gliederung=tree["lv"])
    for _ in range(6):
        make_conference(gliederung=tree["ub"], series=series)

    assert _count(client, reverse("konferenzen:staff_list")) == one


def test_staff_detail_query_count_is_constant(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"])
    client.force_login(staff)
    make_registration(conference)
    url = reverse("konferenzen:staff_detail", args=[conference.slug])
    one = _count(client, url)
    make_guest_registrants(conference, 20)
    for number in range(5):
        make_registration(conference, user=make_member(tree["ov"]))
        Contributor.objects.create(conference=conference, name=f"Person {number}")
        conference.moderators.add(make_user())

    assert _count(client, url) == one


def test_staff_mail_log_query_count_is_constant(
    client, staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    client.force_login(staff)
    url = reverse("konferenzen:staff_mails", args=[conference.slug])
    one = _count(client, url)
    make_guest_registrants(conference, 30, prefix="weitere")
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)

    assert OutboundMail.objects.count() == 31
    assert _count(client, url) == one


# --- Public and member pages ----------------------------------------------------------------


def test_the_conference_pages_speak_english_in_english(client, tree):
    start = datetime(2030, 11, 29, 18, 0, tzinfo=UTC)  # 19:00 in Berlin
    conference = make_conference(
        gliederung=tree["lv"], starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    client.cookies["django_language"] = "en"

    listing = client.get(reverse("konferenzen:list")).content.decode()
    detail = client.get(reverse("konferenzen:detail", args=[conference.slug])).content.decode()

    assert "Future and web conferences" in listing
    assert "Web conference (online)" in detail
    assert "Friday, 29 November 2030, 19:00" in detail
    assert "20:30</time>" in detail
    assert "Uhr" not in detail and "o&#x27;clock" not in detail and "o'clock" not in detail


def test_conference_list_query_count_is_constant(client, tree):
    make_conference(gliederung=tree["lv"])
    make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-3))
    one = _count(client, reverse("konferenzen:list"))
    series = make_series(gliederung=tree["lv"])
    for days in range(1, 8):
        conference = make_conference(
            gliederung=tree["ub"], series=series, starts_in=timedelta(days=days)
        )
        make_guest_registrants(conference, 3, prefix=f"c{days}-")
        make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-days - 5))

    assert _count(client, reverse("konferenzen:list")) == one


def test_conference_detail_query_count_is_constant(client, tree):
    series = make_series(gliederung=tree["lv"])
    conference = make_conference(gliederung=tree["lv"], series=series)
    member = make_member(tree["ov"])
    client.force_login(member)
    url = reverse("konferenzen:detail", args=[conference.slug])
    one = _count(client, url)
    for number in range(5):
        Contributor.objects.create(conference=conference, name=f"Person {number}")
        Contributor.objects.create(series=series, name=f"Reihe {number}")
    make_guest_registrants(conference, 10)

    assert _count(client, url) == one


def test_series_page_query_count_is_constant(client, tree):
    series = make_series(gliederung=tree["lv"])
    make_conference(gliederung=tree["lv"], series=series)
    url = reverse("konferenzen:series", args=[series.slug])
    one = _count(client, url)
    for _ in range(5):
        make_conference(gliederung=tree["ub"], series=series)
        Contributor.objects.create(series=series, name="Lena Hartmann")

    assert _count(client, url) == one


def test_questions_page_query_count_is_constant(client, tree):
    conference = make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    registration = make_registration(conference, user=member)
    make_question(make_registration(conference))
    client.force_login(member)
    url = reverse("konferenzen:questions", args=[conference.slug])
    one = _count(client, url)
    for number in range(8):
        other = make_registration(conference, user=make_member(tree["ov"]))
        question = make_question(other, text=f"Frage {number}")
        services.question_support(question_id=question.pk, registration=registration)

    assert _count(client, url) == one


def test_moderation_page_query_count_is_constant(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"])
    make_question(make_registration(conference))
    client.force_login(staff)
    url = reverse("konferenzen:moderation", args=[conference.slug])
    one = _count(client, url)
    for number in range(8):
        make_question(
            make_registration(conference, user=make_member(tree["ov"])), text=f"F{number}"
        )
        services.topic_create(conference_id=conference.pk, by=staff, name=f"Thema {number}")

    assert _count(client, url) == one


def test_mein_netz_panel_lists_my_conferences_with_constant_queries(client, tree):
    member = make_member(tree["ov"])
    client.force_login(member)
    first = make_conference(gliederung=tree["lv"], title="Dialogtour: Mobilität")
    make_registration(first, user=member)
    one = _count(client, reverse("members:mein_netz"))
    for _ in range(5):
        make_registration(make_conference(gliederung=tree["lv"]), user=member)

    response = client.get(reverse("members:mein_netz"))
    assert "Meine Konferenzen" in response.content.decode()
    assert "Dialogtour: Mobilität" in response.content.decode()
    assert _count(client, reverse("members:mein_netz")) == one


def test_member_registers_in_one_click_on_the_page(client, tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)
    member = make_member(tree["ov"])
    client.force_login(member)

    page = client.get(reverse("konferenzen:detail", args=[conference.slug]))
    response = client.post(reverse("konferenzen:register", args=[conference.slug]))

    assert "Jetzt anmelden" in page.content.decode()
    assert response["Location"] == reverse("konferenzen:participation", args=[conference.slug])
    assert Registration.objects.get().user == member


def test_registration_error_is_shown_in_german(client, tree):
    conference = make_conference(gliederung=tree["lv"], capacity=1)
    make_registration(conference)
    client.force_login(make_member(tree["ov"]))

    response = client.post(reverse("konferenzen:register", args=[conference.slug]), follow=True)

    assert "Leider sind alle 1 Plätze vergeben." in response.content.decode()
    assert Registration.objects.count() == 1


def test_question_form_refuses_an_empty_question_in_german(client, tree):
    conference = make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    make_registration(conference, user=member)
    client.force_login(member)

    response = client.post(reverse("konferenzen:questions", args=[conference.slug]), {"text": " "})

    assert response.status_code == 200
    assert "Bitte schreib deine Frage auf." in response.content.decode()
    assert Question.objects.count() == 0


def test_guest_uses_the_secret_link_for_questions_and_cancelling(client, tree):
    conference = make_conference(gliederung=tree["lv"])
    guest = make_registration(conference, email="gast@example.org")
    other = make_question(make_registration(conference), text="Wie geht es weiter?")

    client.post(
        reverse("konferenzen:guest_questions", args=[guest.token]), {"text": "Und der Bus?"}
    )
    client.post(reverse("konferenzen:guest_support", args=[guest.token, other.pk]))
    client.post(reverse("konferenzen:guest_cancel", args=[guest.token]))

    other.refresh_from_db()
    guest.refresh_from_db()
    assert Question.objects.filter(registration=guest).count() == 1
    assert other.support_count == 1
    assert guest.status == RegistrationStatus.CANCELLED


def test_feedback_after_the_conference(client, tree):
    conference = make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-1))
    member = make_member(tree["ov"])
    make_registration(conference, user=member)
    client.force_login(member)
    url = reverse("konferenzen:feedback", args=[conference.slug])

    client.post(url, {"rating": "5", "comment": "Sehr gut"})
    response = client.post(url, {"rating": "4"}, follow=True)

    assert Feedback.objects.get().rating == 5
    assert "schon eine Rückmeldung" in response.content.decode()


def test_briefing_exports_csv_and_pdf_for_moderators(client, staff, tree):
    conference = make_conference(gliederung=tree["lv"])
    make_question(make_registration(conference), text="Wann fährt der Bus öfter?")
    client.force_login(staff)

    csv = client.get(reverse("konferenzen:briefing", args=[conference.slug, "csv"]))
    pdf = client.get(reverse("konferenzen:briefing", args=[conference.slug, "pdf"]))

    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert "Wann fährt der Bus öfter?" in csv.content.decode("utf-8-sig")
    assert pdf.content.startswith(b"%PDF-1.4")
    assert "Wann fährt der Bus öfter?".encode("cp1252") in pdf.content
    assert (
        client.get(reverse("konferenzen:briefing", args=[conference.slug, "exe"])).status_code
        == 404
    )


def test_staff_name_question_moderators_for_a_whole_series(client, staff, tree):
    series = make_series(gliederung=tree["lv"])
    conference = make_conference(gliederung=tree["lv"], series=series)
    moderator = make_user(email="serie@example.org")
    client.force_login(staff)
    url = reverse("konferenzen:staff_series_moderator", args=[series.slug])

    client.post(url, {"email": "serie@example.org"})
    page = client.get(reverse("konferenzen:staff_series", args=[series.slug]))

    assert list(series.moderators.all()) == [moderator]
    assert "serie@example.org" in page.content.decode()
    assert moderator.has_perm("konferenzen.moderate_questions", conference)
    client.post(url, {"remove": str(moderator.pk)})
    assert list(series.moderators.all()) == []


def test_staff_detail_shows_mail_counts_with_readable_labels(
    client, staff, tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    make_guest_registrants(conference, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    client.force_login(staff)

    html = client.get(reverse("konferenzen:staff_detail", args=[conference.slug])).content.decode()

    assert "<td>Einwahldaten</td>" in html
    assert "gesendet" in html
