import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from rotesnetz.members import services
from rotesnetz.members.models import Membership, MembershipRequest, MembershipRole, RequestStatus
from rotesnetz.members.signals import membership_ended
from tests.support.factories import make_member, make_tree, make_user


@pytest.fixture
def tree(db):
    return make_tree()


def test_membership_request_create_notifies_the_vorstand(tree, django_capture_on_commit_callbacks):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    user = make_user(name="Neu Mitglied")

    with django_capture_on_commit_callbacks(execute=True):
        request = services.membership_request_create(
            user=user, gliederung=tree["ov"], message="Hallo"
        )

    assert request.status == RequestStatus.PENDING
    assert [m.to for m in mail.outbox] == [[vorstand.email]]
    assert "Neu Mitglied" in mail.outbox[0].body


def test_membership_request_create_twice_is_refused(tree):
    user = make_user()
    services.membership_request_create(user=user, gliederung=tree["ov"])

    with pytest.raises(ValidationError, match="bereits"):
        services.membership_request_create(user=user, gliederung=tree["ov"])
    assert MembershipRequest.objects.filter(user=user).count() == 1


def test_membership_request_create_refuses_members_and_kreisverbaende(tree):
    member = make_member(tree["ov"])

    with pytest.raises(ValidationError):
        services.membership_request_create(user=member, gliederung=tree["ov"])
    with pytest.raises(ValidationError):
        services.membership_request_create(user=make_user(), gliederung=tree["ub"])
    assert MembershipRequest.objects.count() == 0


def test_membership_request_decide_accept_creates_membership_and_mails(
    tree, django_capture_on_commit_callbacks
):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    user = make_user()
    request = services.membership_request_create(user=user, gliederung=tree["ov"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_decide(request_id=request.pk, by=vorstand, accept=True)

    assert Membership.objects.filter(user=user, gliederung=tree["ov"]).exists()
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Willkommen" in mail.outbox[0].subject


def test_membership_request_decide_twice_is_refused(tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    request = services.membership_request_create(user=make_user(), gliederung=tree["ov"])
    services.membership_request_decide(request_id=request.pk, by=vorstand, accept=False)

    with pytest.raises(ValidationError):
        services.membership_request_decide(request_id=request.pk, by=vorstand, accept=True)
    assert Membership.objects.filter(gliederung=tree["ov"], role="mitglied").count() == 0


def test_membership_request_decide_by_a_neighbour_is_denied(tree):
    neighbour = make_member(tree["ov2"], MembershipRole.VORSTAND)
    request = services.membership_request_create(user=make_user(), gliederung=tree["ov"])

    with pytest.raises(PermissionDenied):
        services.membership_request_decide(request_id=request.pk, by=neighbour, accept=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_membership_end_sends_the_signal_after_commit(tree, django_capture_on_commit_callbacks):
    member = make_member(tree["ov"])
    membership = Membership.objects.get(user=member)
    received = []

    def receiver(sender, user_id, gliederung_id, **kwargs):
        received.append((user_id, gliederung_id))

    membership_ended.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.membership_end(membership=membership, by=member)
    finally:
        membership_ended.disconnect(receiver)

    assert received == [(member.pk, tree["ov"].pk)]
    assert not Membership.objects.filter(user=member).exists()


def test_membership_end_of_someone_else_needs_the_vorstand(tree):
    member = make_member(tree["ov"])
    other = make_member(tree["ov"])

    with pytest.raises(PermissionDenied):
        services.membership_end(membership=Membership.objects.get(user=member), by=other)
