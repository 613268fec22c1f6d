"""The public pages without login: finder, office page, ICS feed, JSON-LD, query counts."""

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartier.clock import BERLIN
from quartier.enums import OfficeStatus, TeamRole
from quartier.models import OpeningException
from tests.support.quartier_factories import (
    make_event,
    make_office,
    make_service,
    make_slot,
    make_team_member,
)

pytestmark = pytest.mark.django_db

TUESDAY_11 = datetime(2026, 6, 2, 11, 0, tzinfo=BERLIN)
FINDER = reverse("quartier:finder")


def _names(response) -> list[str]:
    return re.findall(
        r'class="h5 card-title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def offices(db):
    return {
        "gartenstadt": make_office(
            name="Quartierbüro Ludwigshafen-Gartenstadt", postcode="67065", district="Gartenstadt"
        ),
        "mitte": make_office(
            name="Quartierbüro Ludwigshafen-Mitte", postcode="67059", district="Mitte"
        ),
        "gropiusstadt": make_office(
            name="Kiezbüro Gropiusstadt", postcode="12353", city="Berlin", district="Gropiusstadt"
        ),
        "planned": make_office(
            name="Kiezbüro Geplant", postcode="67065", status=OfficeStatus.PLANNED
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("67065", ["Quartierbüro Ludwigshafen-Gartenstadt"]),
        ("670", ["Quartierbüro Ludwigshafen-Gartenstadt", "Quartierbüro Ludwigshafen-Mitte"]),
        (
            "ludwigshafen",
            ["Quartierbüro Ludwigshafen-Gartenstadt", "Quartierbüro Ludwigshafen-Mitte"],
        ),
        ("gropius", ["Kiezbüro Gropiusstadt"]),
        ("Berlin Gropiusstadt", ["Kiezbüro Gropiusstadt"]),
        ("Hamburg", []),
    ],
)
def test_finder_searches_plz_town_and_district_and_hides_planned_offices(
    client, offices, query, expected
):
    response = client.get(FINDER, {"q": query})

    assert response.status_code == 200
    assert _names(response) == expected


def test_finder_without_an_office_in_the_plz_suggests_the_postal_region(client, offices):
    response = client.get(FINDER, {"q": "67999"})

    assert _names(response) == [
        "Quartierbüro Ludwigshafen-Gartenstadt",
        "Quartierbüro Ludwigshafen-Mitte",
    ]
    assert "In 67999 gibt es kein Büro." in response.content.decode()


@pytest.mark.parametrize("query", ["1234567", "x" * 500, "\x00", "<script>alert(1)</script>"])
def test_finder_with_malformed_input_answers_in_german_without_error(client, offices, query):
    response = client.get(FINDER, {"q": query})

    assert response.status_code == 200
    assert _names(response) == []
    if query == "1234567":
        assert "Eine Postleitzahl hat genau fünf Ziffern" in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_finder_without_a_tile_server_is_a_list_without_map_scripts(client, offices, settings):
    settings.QUARTIER_MAP_TILE_URL = ""
    offices["gartenstadt"].latitude, offices["gartenstadt"].longitude = 49.45, 8.41
    offices["gartenstadt"].save()

    page = client.get(FINDER).content.decode()

    assert 'id="office-map"' not in page
    assert "leaflet.js" not in page
    assert len(_names(client.get(FINDER))) == 3


def test_finder_with_a_tile_server_shows_the_map_and_allows_only_that_host(
    client, offices, settings
):
    settings.QUARTIER_MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    offices["gartenstadt"].latitude, offices["gartenstadt"].longitude = 49.4558, 8.4139
    offices["gartenstadt"].save()

    response = client.get(FINDER)

    page = response.content.decode()
    assert 'id="office-map"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    points = json.loads(re.search(r'id="office-map-data"[^>]*>(.*?)</script>', page).group(1))
    assert [p["name"] for p in points] == ["Quartierbüro Ludwigshafen-Gartenstadt"]
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org" in policy
    assert "unsafe-inline" not in policy


def test_the_leaflet_files_come_from_the_installed_package(client):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/leaflet/leaflet.js")
    assert finders.find("vendor/leaflet/leaflet.css")


def test_office_page_shows_open_now_services_events_slots_and_contact_form(client, offices):
    office = offices["gartenstadt"]
    office.services.add(make_service("Rentenberatung"))
    with time_machine.travel(TUESDAY_11, tick=False):
        make_event(office, title="Rente mit 63", starts_at=TUESDAY_11 + timedelta(days=2))
        make_slot(office, starts_at=TUESDAY_11 + timedelta(days=1))
        response = client.get(reverse("quartier:office", args=[office.slug]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Jetzt geöffnet bis 18:00 Uhr" in page
    assert "Rentenberatung" in page and "Rente mit 63" in page
    assert "Mi 03.06. 11:00" in page
    assert 'name="consent"' in page
    assert "Stufenloser Zugang" not in page and "Nicht stufenlos" in page


def test_office_page_says_when_it_opens_and_honours_closures(client, offices):
    office = offices["gartenstadt"]
    OpeningException.objects.create(office=office, date=date(2026, 6, 3), reason="Feiertag")
    evening = datetime(2026, 6, 2, 19, 0, tzinfo=BERLIN)

    with time_machine.travel(evening, tick=False):
        page = client.get(reverse("quartier:office", args=[office.slug])).content.decode()

    assert "Geschlossen – öffnet Do 10:00" in page
    assert "Feiertag" in page


def test_office_page_has_json_ld_with_the_csp_nonce(client, offices):
    office = offices["gartenstadt"]
    office.name = "Büro </script><script>alert(1)</script>"
    office.save()

    response = client.get(reverse("quartier:office", args=[office.slug]))

    page = response.content.decode()
    match = re.search(
        r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', page, re.S
    )
    assert match is not None
    nonce, text = match.groups()
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    data = json.loads(text)
    assert data["@type"] == "CivicStructure"
    assert data["name"] == "Büro </script><script>alert(1)</script>"
    assert data["address"]["postalCode"] == "67065"
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "10:00",
        "closes": "18:00",
    }


def test_a_planned_office_is_hidden_from_citizens_and_previewed_for_its_team(client, offices):
    office = offices["planned"]
    url = reverse("quartier:office", args=[office.slug])

    assert client.get(url).status_code == 404
    client.force_login(make_team_member(office, TeamRole.VOLUNTEER))
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Vorschau für das Team" in preview.content.decode()


def test_ics_feed_lists_the_upcoming_events(client, offices):
    office = offices["gartenstadt"]
    make_event(office, title="Infoabend Miete")
    make_event(office, title="Abgesagt", cancelled=True)

    response = client.get(reverse("quartier:office_ics", args=[office.slug]))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Infoabend Miete" in body
    assert "X-WR-CALNAME:Quartierbüro Ludwigshafen-Gartenstadt" in body


def _finder_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FINDER, {"q": "Ludwigshafen"})
    assert response.status_code == 200
    return len(queries)


def test_finder_query_count_does_not_grow_with_the_offices(client, db):
    def office_with_everything():
        office = make_office(
            city="Ludwigshafen",
            hours=[(d, "10:00", "12:00") for d in range(6)] + [(1, "14:00", "18:00")],
        )
        office.services.add(make_service(), make_service())
        OpeningException.objects.create(office=office, date=date.today() + timedelta(days=2))
        return office

    office_with_everything()
    one = _finder_queries(client)
    for _ in range(7):
        office_with_everything()
    eight = _finder_queries(client)

    assert len(_names(client.get(FINDER, {"q": "Ludwigshafen"}))) == 8
    assert one == eight


def test_office_page_query_count_does_not_grow_with_events_and_slots(client, db):
    office = make_office()
    office.services.add(make_service())
    advisor = make_team_member(office, TeamRole.ADVISOR)
    url = reverse("quartier:office", args=[office.slug])
    make_event(office)
    make_slot(office, advisor=advisor)

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(1, 12):
        make_event(
            office,
            starts_at=datetime.combine(
                date.today() + timedelta(days=number), time(18), tzinfo=BERLIN
            ),
        )
        make_slot(office, advisor=advisor)
        office.services.add(make_service())
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("/veranstaltungen/") >= 12
    assert len(many) == len(one)


def test_every_free_slot_of_a_kind_can_be_reached_from_the_office_page(client):
    from quartier.enums import AdviceKind

    office = make_office()
    advisor = make_team_member(office, TeamRole.ADVISOR)
    slots = [make_slot(office, advisor=advisor, kind=AdviceKind.PENSION) for _ in range(15)]
    url = reverse("quartier:office", args=[office.slug])

    page = client.get(url).content.decode()
    booking = [reverse("quartier:book", args=[office.slug, slot.pk]) for slot in slots]
    assert sum(link in page for link in booking) == 12
    more = re.search(r'<a href="(\?termine=[^"]+)">3 weitere Termine in den nächsten Wochen', page)
    assert more, "no link to the other three"

    page = client.get(url + more.group(1).replace("&amp;", "&")).content.decode()
    assert all(link in page for link in booking)
    assert "weitere Termine" not in page
