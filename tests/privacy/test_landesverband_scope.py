"""Staff of one Landesverband see only theirs: in every part, and in the admin."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from rotesnetz.members import services as member_services
from tests.support.factories import make_member, make_staff, make_tree
from tests.support.ideas_factories import make_idea, make_process
from tests.support.parteischule_factories import make_course, make_zentrum
from tests.support.quartier_factories import make_concept, make_contact_request, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    tree = make_tree()
    office = make_office(gliederung=tree["ov"], name="Büro Hier")
    make_contact_request(office)
    make_concept(office)
    course = make_course(zentrum=make_zentrum(landesverband=tree["lv"]), title="Kurs Hier")
    process = make_process(landesverband=tree["lv"])
    make_idea(process, make_member(tree["ov"]))
    request = member_services.membership_request_create(
        user=make_member(tree["other_ov"]), gliederung=tree["ov"], message="Hallo"
    )
    other_staff = make_staff(landesverband=tree["other_lv"])
    other_staff.is_staff = True
    other_staff.save(update_fields=["is_staff"])
    TOTP.activate(other_staff, "JBSWY3DPEHPK3PXP")
    return {
        "tree": tree,
        "office": office,
        "course": course,
        "process": process,
        "request": request,
        "other_staff": other_staff,
    }


def test_other_landesverband_staff_cannot_reach_the_pages_of_this_one(client, scene):
    client.force_login(scene["other_staff"])
    office, course, process = scene["office"], scene["course"], scene["process"]

    statuses = {
        path: client.get(path).status_code
        for path in [
            f"/buero/{office.slug}/postfach/",
            f"/buero/{office.slug}/bericht/",
            f"/buero/{office.slug}/konzept/",
            f"/parteischule/verwalten/kurse/{course.pk}/",
            f"/ideen/{process.slug}/vielfalt/",
            f"/ideen/{process.slug}/bearbeiten/",
        ]
    }
    exports = client.get(f"/ideen/{process.slug}/export.csv")
    decide = client.post(f"/anfragen/{scene['request'].pk}/entscheiden/", {"decision": "accept"})

    assert set(statuses.values()) <= {403, 404}, statuses
    assert exports.status_code == 302 and "text/csv" not in exports.get("Content-Type", "")
    assert decide.status_code == 404


def test_other_landesverband_staff_lists_show_nothing_of_this_one(client, scene):
    client.force_login(scene["other_staff"])

    pages = [
        client.get("/mein-netz/").content.decode(),
        client.get("/buero/team/").content.decode(),
        client.get("/parteischule/verwalten/").content.decode(),
        client.get("/admin/quartier/office/").content.decode(),
    ]
    concepts = client.get("/buero/konzepte/")

    assert all("Büro Hier" not in page for page in pages)
    assert all("Kurs Hier" not in page for page in pages)
    assert concepts.status_code == 403 or "Büro Hier" not in concepts.content.decode()


def test_other_landesverband_staff_cannot_analyse_this_one(client, scene):
    client.force_login(scene["other_staff"])

    response = client.get(f"/buero/standortanalyse/?lv={scene['tree']['lv'].pk}")

    assert response.status_code == 200
    assert response.context["landesverband"] == scene["tree"]["other_lv"]
