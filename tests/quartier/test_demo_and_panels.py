"""Demo data (idempotent, synthetic figures clearly labelled) and the hand-overs to the core."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from quartier.enums import OfficeStatus, TeamRole
from quartier.models import AdviceSlot, Election, Event, Office
from rotesnetz.members import navigation
from tests.support.quartier_factories import make_contact_request, make_office, make_team_member

pytestmark = pytest.mark.django_db


def test_demo_loads_offices_hours_events_slots_and_synthetic_elections(client):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent

    gartenstadt = Office.objects.get(slug="ludwigshafen-gartenstadt")
    assert gartenstadt.name == "Quartierbüro Ludwigshafen-Gartenstadt"
    assert gartenstadt.status == OfficeStatus.OPEN
    assert gartenstadt.hours.count() == 6
    assert Event.objects.filter(office=gartenstadt, cancelled=False).count() >= 3
    assert AdviceSlot.objects.filter(office=gartenstadt, booked=False).count() >= 8
    assert Office.objects.filter(slug="berlin-gropiusstadt", status=OfficeStatus.OPEN).exists()
    elections = list(Election.objects.all())
    assert elections and all("synthetisch" in e.name for e in elections)
    assert all(e.note.startswith("SYNTHETISCH") for e in elections)
    assert {e.landesverband.slug for e in elections} == {"lv-rlp", "lv-berlin"}
    found = client.get(reverse("quartier:finder"), {"q": "67065"})
    assert "Quartierbüro Ludwigshafen-Gartenstadt" in found.content.decode()


def test_the_finder_is_in_the_main_menu_for_guests(client):
    response = client.get("/")

    assert any(
        item.url_name == "quartier:finder" and not item.login_required for item in navigation._items
    )
    assert 'href="/buero/"' in response.content.decode()


def test_mein_netz_shows_the_office_panel_to_the_team(client):
    office = make_office(name="Quartierbüro Gartenstadt")
    volunteer = make_team_member(office, TeamRole.VOLUNTEER)
    make_contact_request(office)
    client.force_login(volunteer)

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert "Meine Büros" in page
    assert "Quartierbüro Gartenstadt" in page
    assert "1 neues Anliegen" in page


def test_my_offices_lists_the_offices_of_a_person(client):
    office = make_office(name="Quartierbüro Gartenstadt")
    make_office(name="Anderswo")
    client.force_login(make_team_member(office, TeamRole.ADVISOR))

    page = client.get(reverse("quartier:my_offices")).content.decode()

    assert "Quartierbüro Gartenstadt" in page
    assert "Anderswo" not in page
    assert reverse("quartier:slots_manage", args=[office.slug]) in page


def test_mein_netz_leads_the_landesverband_staff_to_reviews_and_analysis(client):
    from tests.support.factories import make_staff, make_tree

    tree = make_tree()
    client.force_login(make_staff(landesverband=tree["lv"]))

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert reverse("quartier:concept_list") in page
    assert reverse("quartier:site_analysis") in page


def test_mein_netz_shows_no_office_panel_to_plain_members(client):
    from tests.support.factories import make_member, make_tree

    client.force_login(make_member(make_tree()["ov"]))

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert reverse("quartier:my_offices") not in page
