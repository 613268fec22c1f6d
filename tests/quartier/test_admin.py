"""The office registry in the Django admin: register with hours and team, validation,
scoped querysets for office teams, admin actions through the services."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from quartier.enums import ConceptStatus, OfficeKind, OfficeStatus, TeamRole
from quartier.models import Office, OpeningHours, TeamMember
from tests.support.factories import make_tree, make_user
from tests.support.quartier_factories import make_concept, make_office, make_service

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
ADD_URL = reverse("admin:quartier_office_add")
CHANGELIST = reverse("admin:quartier_office_changelist")


def _staff_user(**extra):
    user = make_user(is_staff=True, **extra)
    TOTP.activate(user, TOTP_SECRET)
    return user


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


def _office_form(gliederung, *, hours=None, team=None, **fields) -> dict:
    data = {
        "name": "Quartierbüro Ludwigshafen-Gartenstadt",
        "slug": "ludwigshafen-gartenstadt",
        "kind": OfficeKind.QUARTIERBUERO,
        "gliederung": str(gliederung.pk),
        "street": "Maudacher Straße 120",
        "postcode": "67065",
        "city": "Ludwigshafen am Rhein",
        "district": "Gartenstadt",
        "latitude": "49.4558",
        "longitude": "8.4139",
        "email": "gartenstadt@example.org",
        "phone": "0621 123456",
        "description": "Komm vorbei!",
        "step_free": "on",
        "languages": "Deutsch, Türkisch",
        **fields,
    }
    data |= _inline(
        "hours",
        hours
        if hours is not None
        else [
            {"weekday": "1", "opens": "10:00", "closes": "13:00", "note": ""},
            {"weekday": "1", "opens": "14:00", "closes": "18:00", "note": ""},
        ],
    )
    data |= _inline("exceptions", [{"date": "2026-12-24", "closed": "on", "reason": "Heiligabend"}])
    data |= _inline("team", team or [])
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(_staff_user(is_superuser=True))
    return client


def test_admin_registers_an_office_with_hours_exceptions_team_and_services(admin_client):
    tree = make_tree()
    lead = make_user(email="leitung@example.org")
    service = make_service("Rentenberatung")

    form = admin_client.get(ADD_URL)
    response = admin_client.post(
        ADD_URL,
        _office_form(
            tree["ov"],
            services=[str(service.pk)],
            team=[{"user": "Leitung@Example.org", "role": TeamRole.LEAD, "tasks": "Büroleitung"}],
        ),
    )

    assert form.status_code == 200
    assert response.status_code == 302, response.content.decode()[:3000]
    office = Office.objects.get(slug="ludwigshafen-gartenstadt")
    assert office.status == OfficeStatus.PLANNED
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in office.hours.all()] == [
        (1, "10:00", "13:00"),
        (1, "14:00", "18:00"),
    ]
    assert office.exceptions.get().reason == "Heiligabend"
    assert list(office.team.values_list("user", "role")) == [(lead.pk, TeamRole.LEAD)]
    assert list(office.services.all()) == [service]


@pytest.mark.parametrize(
    ("hours", "fields", "message"),
    [
        (
            [
                {"weekday": "1", "opens": "10:00", "closes": "13:00"},
                {"weekday": "1", "opens": "12:00", "closes": "15:00"},
            ],
            {},
            "Die Öffnungszeiten am Dienstag überschneiden sich: 10:00–13:00 und 12:00–15:00.",
        ),
        (
            [{"weekday": "2", "opens": "14:00", "closes": "10:00"}],
            {},
            "Das Büro muss nach dem Öffnen schließen",
        ),
        (None, {"postcode": "6706"}, "Eine Postleitzahl hat genau fünf Ziffern, z. B. 67065."),
        (None, {"postcode": "67O65"}, "Eine Postleitzahl hat genau fünf Ziffern, z. B. 67065."),
        (None, {"latitude": "49.1", "longitude": ""}, "Bitte gib Breiten- und Längengrad an"),
        (None, {"slug": "team"}, "Dieser Kurzname ist reserviert."),
    ],
)
def test_admin_refuses_bad_offices_and_saves_nothing(admin_client, hours, fields, message):
    tree = make_tree()

    response = admin_client.post(ADD_URL, _office_form(tree["ov"], hours=hours, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Office.objects.exists()
    assert not OpeningHours.objects.exists()


def test_admin_refuses_a_team_member_without_an_account(admin_client):
    tree = make_tree()

    response = admin_client.post(
        ADD_URL,
        _office_form(tree["ov"], team=[{"user": "niemand@example.org", "role": "team"}]),
    )

    assert "Es gibt kein Konto mit dieser E-Mail-Adresse." in response.content.decode()
    assert not TeamMember.objects.exists()
    assert not Office.objects.exists()


def test_an_office_volunteer_sees_only_their_office_and_cannot_change_it(client):
    mine = make_office(name="Mein Büro")
    other = make_office(name="Fremdes Büro")
    volunteer = _staff_user()
    TeamMember.objects.create(office=mine, user=volunteer, role=TeamRole.VOLUNTEER)
    client.force_login(volunteer)

    changelist = client.get(CHANGELIST)
    own_page = client.get(reverse("admin:quartier_office_change", args=[mine.pk]))
    other_page = client.get(reverse("admin:quartier_office_change", args=[other.pk]))
    post = client.post(reverse("admin:quartier_office_change", args=[mine.pk]), {"name": "X"})

    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [mine]
    assert own_page.status_code == 200
    assert 'name="_save"' not in own_page.content.decode()
    assert other_page.status_code == 302  # "does not exist" for an office outside the scope
    assert post.status_code == 403
    mine.refresh_from_db()
    assert mine.name == "Mein Büro"
    assert client.get(ADD_URL).status_code == 403


def test_an_office_lead_may_change_their_office_but_not_register_new_ones(client):
    mine = make_office(name="Mein Büro")
    lead = _staff_user()
    TeamMember.objects.create(office=mine, user=lead, role=TeamRole.LEAD)
    client.force_login(lead)

    own_page = client.get(reverse("admin:quartier_office_change", args=[mine.pk]))

    assert 'name="_save"' in own_page.content.decode()
    assert "gliederung" not in own_page.context["adminform"].form.fields
    assert client.get(ADD_URL).status_code == 403


def test_admin_action_opens_only_offices_with_an_approved_concept(admin_client):
    approved = make_office(name="Genehmigt", status=OfficeStatus.APPROVED)
    make_concept(approved, status=ConceptStatus.APPROVED)
    waiting = make_office(name="Wartet", status=OfficeStatus.CONCEPT_SUBMITTED)
    make_concept(waiting)

    response = admin_client.post(
        CHANGELIST,
        {"action": "open_offices", "_selected_action": [approved.pk, waiting.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "1 Büro(s) eröffnet." in page
    assert "Wartet kann erst eröffnet werden" in page
    assert Office.objects.get(pk=approved.pk).status == OfficeStatus.OPEN
    assert Office.objects.get(pk=waiting.pk).status == OfficeStatus.CONCEPT_SUBMITTED


def test_admin_search_and_filter_find_offices(admin_client):
    make_office(name="Quartierbüro Gartenstadt", postcode="67065")
    make_office(
        name="Kiezbüro Gropiusstadt", postcode="12353", city="Berlin", status=OfficeStatus.PLANNED
    )

    by_plz = admin_client.get(CHANGELIST, {"q": "12353"})
    by_status = admin_client.get(CHANGELIST, {"status__exact": OfficeStatus.OPEN})

    assert [o.name for o in by_plz.context["cl"].result_list] == ["Kiezbüro Gropiusstadt"]
    assert [o.name for o in by_status.context["cl"].result_list] == ["Quartierbüro Gartenstadt"]
