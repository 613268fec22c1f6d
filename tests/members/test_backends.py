"""The backends' one-statement user read returns what the ORM returns, and no one else."""

import pytest
from django.contrib.auth import get_user_model

from rotesnetz.members.backends import AuthenticationBackend, ModelBackend
from tests.support.factories import PASSWORD, make_user


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_get_user_reads_the_user_as_the_orm_does(backend):
    user = make_user(name="Erika")
    expected = get_user_model().objects.get(pk=user.pk)

    found = backend.get_user(user.pk)

    for field in get_user_model()._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.get_session_auth_hash() == expected.get_session_auth_hash()
    assert backend.get_user(str(user.pk)) == user


@pytest.mark.django_db
@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_get_user_refuses_inactive_unknown_and_malformed_ids(backend):
    inactive = make_user(is_active=False)

    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert backend.get_user("abc") is None
    assert backend.get_user(None) is None


@pytest.mark.django_db
def test_signing_in_through_the_login_form_records_our_backend(client):
    from django.contrib.auth import BACKEND_SESSION_KEY
    from django.urls import reverse

    make_user(email="login@example.org")

    response = client.post(
        reverse("account_login"), {"login": "login@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302, response.content[:500]
    assert client.session[BACKEND_SESSION_KEY].startswith("rotesnetz.members.backends.")
    assert client.get(reverse("members:mein_netz")).status_code == 200
