"""The demo (the dialogue tour and a Zukunftskonferenz) and the calendar view of a conference."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from konferenzen import ical
from konferenzen.enums import Format
from konferenzen.models import Conference, Question, Series
from tests.support.konferenzen_factories import SECRET_DIAL_IN, make_conference


@pytest.mark.django_db
def test_demo_loads_the_dialogue_tour_and_a_zukunftskonferenz_twice_without_duplicates(
    capsys,
):
    call_command("demo")
    call_command("demo")

    series = Series.objects.get(slug="dialogtour-lena-hartmann")
    tour = list(series.conferences.order_by("starts_at"))
    assert [c.topic for c in tour] == ["Mobilität", "Bildung", "Arbeit im Wandel"]
    assert {c.format for c in tour} == {Format.WEB}
    first = timezone.localtime(tour[0].starts_at)
    assert (first.weekday(), first.hour, first.minute) == (2, 19, 0)  # a Wednesday, 19:00
    assert tour[1].starts_at - tour[0].starts_at == timedelta(days=7)
    bildung = tour[1]
    assert bildung.dial_in.provider == "jitsi"
    zukunft = Conference.objects.get(format=Format.ZUKUNFT)
    assert zukunft.venue.startswith("Pfalzbau")
    assert Question.objects.filter(conference=tour[0]).count() == 2
    assert Conference.objects.count() == 4
    assert "Konferenzen: plant die Dialogtour" in capsys.readouterr().out


@pytest.mark.django_db
def test_public_calendar_has_uid_sequence_and_no_join_data(tree):
    conference = make_conference(gliederung=tree["lv"])

    text = ical.calendar_for(conference, method="PUBLISH")

    assert f"UID:konferenz-{conference.pk}@127.0.0.1" in text
    assert "SEQUENCE:0" in text
    assert "LOCATION:Online" in text
    assert "CONFERENCE" not in text
    assert SECRET_DIAL_IN["join_url"] not in text


@pytest.mark.django_db
def test_registrant_calendar_carries_the_join_data_as_rfc7986_conference(tree):
    conference = make_conference(gliederung=tree["lv"])

    text = ical.calendar_for(conference, conference.dial_in, method="REQUEST").replace("\r\n ", "")

    assert "METHOD:REQUEST" in text
    assert (
        f"CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Einwahl-Link:{SECRET_DIAL_IN['join_url']}"
        in text
    )
    assert (
        'CONFERENCE;VALUE=URI;FEATURE=PHONE;LABEL="Deutschland: +49 69 3807 9883":tel:+496938079883'
        in text
    )
    assert "Kennwort: Sesam-4711" in text
    assert "Zugangscode: 98765432101#" in text
    assert all(
        len(line.encode()) <= 75
        for line in ical.calendar_for(conference, conference.dial_in).split("\r\n")
    )
