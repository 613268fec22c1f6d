"""Walks every form of the core with empty, oversized and malformed values: never a 500."""

import pytest
from django.urls import reverse

from rotesnetz.members.models import Membership, MembershipRequest, MembershipRole, User
from tests.support.factories import make_member, make_tree, make_user

BAD_VALUES = ["", " ", "x" * 5000, "\x00", "<script>alert(1)</script>", "ä" * 300, "' OR 1=1 --"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_signup_with_bad_values_never_fails_hard(client, value):
    response = client.post(
        reverse("account_signup"),
        {"email": value, "display_name": value, "password1": value, "password2": value},
    )

    assert response.status_code == 200
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_membership_request_with_bad_values(client, value):
    tree = make_tree()
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("members:membership_request_create", args=[tree["ov"].slug]), {"message": value}
    )

    assert response.status_code == 302
    if len(value) > 1000 or "\x00" in value:
        assert not MembershipRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_role_and_profile_forms_with_bad_values(client, value):
    tree = make_tree()
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    membership = Membership.objects.get(user=make_member(tree["ov"]))
    client.force_login(vorstand)

    role = client.post(reverse("members:membership_role", args=[membership.pk]), {"role": value})
    profile = client.post(reverse("members:profile"), {"display_name": value})

    assert role.status_code == 302
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MITGLIED
    assert profile.status_code in (200, 302)
    vorstand.refresh_from_db()
    assert len(vorstand.display_name) <= 80 and "\x00" not in vorstand.display_name


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_VALUES)
def test_login_and_reset_with_bad_values(client, value):
    login = client.post(reverse("account_login"), {"login": value, "password": value})
    reset = client.post(reverse("account_reset_password"), {"email": value})

    assert login.status_code == 200
    assert reset.status_code in (200, 302)


@pytest.mark.django_db
def test_unknown_ids_answer_404_not_500(client):
    client.force_login(make_user())

    for name in [
        "membership_request_decide",
        "membership_request_withdraw",
        "membership_role",
        "membership_remove",
    ]:
        response = client.post(reverse(f"members:{name}", args=[999999]))
        assert response.status_code == 404, name
