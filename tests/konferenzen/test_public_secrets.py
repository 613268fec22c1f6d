"""Every page an outsider can reach shows the conference, never its dial-in data."""

import pytest
from django.urls import reverse

from konferenzen import services
from konferenzen.enums import Audience, Provider
from tests.support.factories import make_member, make_user
from tests.support.konferenzen_factories import (
    SECRET_DIAL_IN,
    make_conference,
    make_guest_registrants,
    make_question,
    make_registration,
    make_series,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    SECRET_DIAL_IN["join_url"],
    "98765432101",  # in the link, the meeting number and the access code
    "987 6543 2101",
    SECRET_DIAL_IN["password"],
    "3807 9883",
    "2535 5035",
    "GeheimesZugangsWort",
]


@pytest.fixture
def released(tree, django_capture_on_commit_callbacks):
    """A public conference in a series whose dial-in mail has gone out, with questions."""
    series = make_series(gliederung=tree["lv"])
    conference = make_conference(gliederung=tree["lv"], audience=Audience.PUBLIC, series=series)
    make_guest_registrants(conference, 3)
    make_question(make_registration(conference), text="Eine Frage")
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    return conference


def _public_urls(conference) -> list[str]:
    slug = conference.slug
    return [
        reverse("konferenzen:list"),
        reverse("konferenzen:detail", args=[slug]),
        reverse("konferenzen:ics", args=[slug]),
        reverse("konferenzen:series", args=[conference.series.slug]),
        reverse("konferenzen:series_ics", args=[conference.series.slug]),
        reverse("konferenzen:landesverband_ics", args=[conference.gliederung.slug]),
        # Pages for registrants and the team: an outsider must be turned away from them.
        reverse("konferenzen:participation", args=[slug]),
        reverse("konferenzen:participation_ics", args=[slug]),
        reverse("konferenzen:questions", args=[slug]),
        reverse("konferenzen:moderation", args=[slug]),
        reverse("konferenzen:briefing", args=[slug, "csv"]),
        reverse("konferenzen:staff_detail", args=[slug]),
        reverse("konferenzen:staff_mails", args=[slug]),
        reverse("konferenzen:guest", args=["kein-gueltiger-link"]),
        reverse("konferenzen:guest_ics", args=["kein-gueltiger-link"]),
    ]


def _leaks(client, urls) -> list[tuple[str, str]]:
    found = []
    for url in urls:
        response = client.get(url, follow=True)
        body = response.content.decode("utf-8", errors="replace").replace("\r\n ", "")
        found += [(url, secret) for secret in SECRETS if secret in body]
    return found


def test_anonymous_outsider_finds_no_dial_in_secret_on_any_page(client, released):
    assert _leaks(client, _public_urls(released)) == []


def test_signed_in_outsider_finds_no_dial_in_secret_on_any_page(client, released, tree):
    client.force_login(make_user())
    assert _leaks(client, _public_urls(released)) == []

    client.force_login(make_member(tree["ov"]))  # a member who is not registered
    assert _leaks(client, _public_urls(released)) == []


def test_public_page_has_opengraph_tags_share_links_and_calendar_links(client, released):
    response = client.get(reverse("konferenzen:detail", args=[released.slug]))
    html = response.content.decode()

    assert f'<meta property="og:title" content="{released.title}">' in html
    assert 'property="og:url" content="http://127.0.0.1:8000/konferenzen/' in html
    assert "https://wa.me/?text=" in html
    assert "https://bsky.app/intent/compose?text=" in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert reverse("konferenzen:ics", args=[released.slug]) in html
    assert 'target="_blank">E-Mail</a>' in html  # the way of sharing, not "E-Mail-Adresse"


def test_the_registrant_sees_the_secrets_on_their_page_and_in_their_calendar(
    client, released, tree
):
    member = make_member(tree["ov"])
    make_registration(released, user=member)
    client.force_login(member)

    page = client.get(reverse("konferenzen:participation", args=[released.slug])).content
    calendar = client.get(reverse("konferenzen:participation_ics", args=[released.slug])).content

    assert SECRET_DIAL_IN["join_url"].encode() in page
    assert b"CONFERENCE;VALUE=URI" in calendar


def test_a_guest_sees_the_secrets_only_through_their_own_link(client, released):
    guest = released.registrations.filter(user__isnull=True).first()

    page = client.get(reverse("konferenzen:guest", args=[guest.token])).content.decode()

    assert SECRET_DIAL_IN["password"] in page


def test_registrant_page_keeps_the_secret_until_the_dial_in_mail_went_out(client, tree):
    conference = make_conference(gliederung=tree["lv"], dial_in={**SECRET_DIAL_IN})
    member = make_member(tree["ov"])
    make_registration(conference, user=member)
    client.force_login(member)

    page = client.get(reverse("konferenzen:participation", args=[conference.slug]))

    assert SECRET_DIAL_IN["join_url"] not in page.content.decode()
    assert "Die Einwahldaten bekommst du am" in page.content.decode()


def test_public_calendar_of_a_jitsi_conference_has_no_room(client, tree):
    conference = make_conference(
        gliederung=tree["lv"],
        dial_in={"provider": Provider.JITSI, "join_url": "https://meet.jit.si/geheimer-raum-xyz"},
    )

    feed = client.get(reverse("konferenzen:ics", args=[conference.slug])).content.decode()
    page = client.get(reverse("konferenzen:detail", args=[conference.slug])).content.decode()

    assert "geheimer-raum-xyz" not in feed + page
