"""The usage concept workflow: submit, comment, revise, approve, open — dated and attributed."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quartier import services
from quartier.enums import ConceptStatus, ConceptStepKind, OfficeStatus, TeamRole
from quartier.models import ConceptStep, Office, UsageConcept
from rotesnetz.members.models import MembershipRole
from tests.support.factories import make_member, make_staff, make_tree
from tests.support.quartier_factories import CONCEPT_DATA, make_office, make_team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(db):
    tree = make_tree()
    office = make_office(
        gliederung=tree["ov"], status=OfficeStatus.PLANNED, name="Quartierbüro Gartenstadt"
    )
    return {
        "tree": tree,
        "office": office,
        "vorstand": make_member(tree["ov"], MembershipRole.VORSTAND, email="v@example.org"),
        "staff": make_staff(landesverband=tree["lv"]),
        "lead": make_team_member(office, TeamRole.LEAD),
    }


def _status(office) -> str:
    return Office.objects.get(pk=office.pk).status


def test_the_whole_workflow_until_the_office_is_open(setting, django_capture_on_commit_callbacks):
    office, vorstand, staff = setting["office"], setting["vorstand"], setting["staff"]

    with django_capture_on_commit_callbacks(execute=True):
        concept = services.concept_submit(office_id=office.pk, by=vorstand, data=CONCEPT_DATA)
    assert _status(office) == OfficeStatus.CONCEPT_SUBMITTED
    assert [m.to for m in mail.outbox] == [[staff.email]]

    services.concept_comment(concept_id=concept.pk, by=staff, text="Wer macht die Kasse?")
    with django_capture_on_commit_callbacks(execute=True):
        services.concept_request_revision(
            concept_id=concept.pk, by=staff, text="Bitte Budget genauer."
        )
    assert _status(office) == OfficeStatus.PLANNED
    assert mail.outbox[-1].to == [vorstand.email]
    assert mail.outbox[-1].subject == (
        "Bitte überarbeite das Nutzungskonzept für Quartierbüro Gartenstadt"
    )

    services.concept_submit(office_id=office.pk, by=vorstand, data={**CONCEPT_DATA, "budget": 9000})
    services.concept_approve(concept_id=concept.pk, by=staff)
    assert _status(office) == OfficeStatus.APPROVED

    services.office_open(office_id=office.pk, by=setting["lead"])

    concept.refresh_from_db()
    assert (concept.status, concept.version, concept.budget, concept.decided_by) == (
        ConceptStatus.APPROVED,
        2,
        9000,
        staff,
    )
    steps = list(ConceptStep.objects.filter(concept=concept))
    assert [(s.kind, s.author) for s in steps] == [
        (ConceptStepKind.SUBMITTED, vorstand),
        (ConceptStepKind.COMMENT, staff),
        (ConceptStepKind.REVISION_REQUESTED, staff),
        (ConceptStepKind.RESUBMITTED, vorstand),
        (ConceptStepKind.APPROVED, staff),
    ]
    assert all(step.created_at is not None and step.author_name for step in steps)
    assert [s.created_at for s in steps] == sorted(s.created_at for s in steps)
    assert _status(office) == OfficeStatus.OPEN


def test_an_office_cannot_open_before_approval(setting):
    office = setting["office"]
    services.concept_submit(office_id=office.pk, by=setting["vorstand"], data=CONCEPT_DATA)

    with pytest.raises(ValidationError) as error:
        services.office_open(office_id=office.pk, by=setting["lead"])

    assert error.value.messages == [
        "Quartierbüro Gartenstadt kann erst eröffnet werden, wenn das Nutzungskonzept "
        "genehmigt ist."
    ]
    assert _status(office) == OfficeStatus.CONCEPT_SUBMITTED


def test_a_pending_concept_cannot_be_changed_or_decided_twice(setting):
    office, vorstand, staff = setting["office"], setting["vorstand"], setting["staff"]
    concept = services.concept_submit(office_id=office.pk, by=vorstand, data=CONCEPT_DATA)
    services.concept_approve(concept_id=concept.pk, by=staff)

    with pytest.raises(ValidationError):
        services.concept_submit(office_id=office.pk, by=vorstand, data=CONCEPT_DATA)
    with pytest.raises(ValidationError) as twice:
        services.concept_request_revision(concept_id=concept.pk, by=staff, text="doch nicht")

    assert twice.value.messages == ["Dieses Nutzungskonzept wartet nicht auf eine Entscheidung."]
    assert UsageConcept.objects.get().status == ConceptStatus.APPROVED


def test_only_the_vorstand_submits_and_only_landesverband_staff_decide(setting):
    tree, office = setting["tree"], setting["office"]
    neighbour = make_member(tree["ov2"], MembershipRole.VORSTAND)
    staff_elsewhere = make_staff(landesverband=tree["other_lv"])

    with pytest.raises(PermissionDenied):
        services.concept_submit(office_id=office.pk, by=neighbour, data=CONCEPT_DATA)
    concept = services.concept_submit(
        office_id=office.pk, by=setting["vorstand"], data=CONCEPT_DATA
    )
    with pytest.raises(PermissionDenied):
        services.concept_approve(concept_id=concept.pk, by=staff_elsewhere)
    with pytest.raises(PermissionDenied):
        services.concept_approve(concept_id=concept.pk, by=setting["vorstand"])

    assert UsageConcept.objects.get().status == ConceptStatus.SUBMITTED


def test_a_revision_request_needs_a_text(setting):
    concept = services.concept_submit(
        office_id=setting["office"].pk, by=setting["vorstand"], data=CONCEPT_DATA
    )

    with pytest.raises(ValidationError) as error:
        services.concept_request_revision(concept_id=concept.pk, by=setting["staff"], text=" ")

    assert error.value.messages == ["Bitte ausfüllen: Was überarbeitet werden soll."]


def test_the_pages_carry_the_workflow(client, setting):
    office = setting["office"]
    url = reverse("quartier:concept", args=[office.slug])
    client.force_login(setting["vorstand"])

    form_page = client.get(url)
    client.post(url, {**CONCEPT_DATA, "budget": "12000"})
    client.force_login(setting["staff"])
    review_page = client.get(url)
    client.post(reverse("quartier:concept_review", args=[office.slug]), {"action": "approve"})
    client.force_login(setting["lead"])
    client.post(reverse("quartier:office_open", args=[office.slug]))

    assert "Nutzungskonzept einreichen" in form_page.content.decode()
    assert "Genehmigen" in review_page.content.decode()
    assert _status(office) == OfficeStatus.OPEN
    assert client.get(reverse("quartier:office", args=[office.slug])).status_code == 200


def test_outsiders_do_not_see_a_concept(client, setting):
    client.force_login(make_member(setting["tree"]["ov"]))

    response = client.get(reverse("quartier:concept", args=[setting["office"].slug]))

    assert response.status_code == 404


def test_a_concept_form_with_a_negative_budget_saves_nothing(client, setting):
    client.force_login(setting["vorstand"])

    response = client.post(
        reverse("quartier:concept", args=[setting["office"].slug]),
        {**CONCEPT_DATA, "budget": "-5"},
    )

    assert response.status_code == 200
    assert not UsageConcept.objects.exists()
    assert _status(setting["office"]) == OfficeStatus.PLANNED
