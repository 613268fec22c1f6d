"""Advisors publish slots on the team page and see their bookings; staff see everyone's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quartier.enums import TeamRole
from quartier.models import AdviceSlot
from tests.support.quartier_factories import make_booking, make_office, make_slot, make_team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return make_office()


def test_advisor_sees_own_bookings_but_not_those_of_others(client, office):
    advisor = make_team_member(office, TeamRole.ADVISOR)
    colleague = make_team_member(office, TeamRole.ADVISOR)
    make_booking(make_slot(office, advisor=advisor), name="Erika Muster", phone="0621 1")
    make_booking(make_slot(office, advisor=colleague), name="Max Geheim")
    client.force_login(advisor)

    page = client.get(reverse("quartier:slots_manage", args=[office.slug])).content.decode()

    assert "Erika Muster" in page and "0621 1" in page
    assert "Max Geheim" not in page


def test_office_lead_sees_every_booking(client, office):
    advisor = make_team_member(office, TeamRole.ADVISOR)
    make_booking(make_slot(office, advisor=advisor), name="Erika Muster")
    client.force_login(make_team_member(office, TeamRole.LEAD))

    page = client.get(reverse("quartier:slots_manage", args=[office.slug])).content.decode()

    assert "Erika Muster" in page


def test_advisor_publishes_four_slots_in_a_row_through_the_form(client, office):
    advisor = make_team_member(office, TeamRole.ADVISOR)
    client.force_login(advisor)
    day = (timezone.localdate() + timedelta(days=7)).isoformat()

    response = client.post(
        reverse("quartier:slots_manage", args=[office.slug]),
        {
            "kind": "rente",
            "day": day,
            "start": "10:00",
            "duration": "30",
            "count": "4",
            "weeks": "1",
        },
        follow=True,
    )

    assert "4 Termine wurden veröffentlicht." in response.content.decode()
    assert AdviceSlot.objects.filter(advisor=advisor).count() == 4


def test_publishing_in_the_past_is_refused_by_the_form(client, office):
    client.force_login(make_team_member(office, TeamRole.ADVISOR))
    day = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post(
        reverse("quartier:slots_manage", args=[office.slug]),
        {
            "kind": "rente",
            "day": day,
            "start": "10:00",
            "duration": "30",
            "count": "1",
            "weeks": "1",
        },
    )

    assert "Der erste Termin muss in der Zukunft liegen." in response.content.decode()
    assert not AdviceSlot.objects.exists()


def test_plain_volunteers_cannot_publish_slots(client, office):
    client.force_login(make_team_member(office, TeamRole.VOLUNTEER))

    response = client.get(reverse("quartier:slots_manage", args=[office.slug]))

    assert response.status_code == 404


def test_my_offices_query_count_does_not_grow_with_the_offices(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support.factories import make_staff, make_tree

    tree = make_tree()
    staff = make_staff(landesverband=tree["lv"])
    make_office(gliederung=tree["ov"])
    client.force_login(staff)
    client.get(reverse("quartier:my_offices"))  # the first request also records the session

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("quartier:my_offices"))
    for _ in range(6):
        make_office(gliederung=tree["ov2"])
    with CaptureQueriesContext(connection) as seven:
        response = client.get(reverse("quartier:my_offices"))

    assert response.content.decode().count("/postfach/") == 7
    assert len(seven) == len(one)
