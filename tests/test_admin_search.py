"""Every admin list that offers a search box answers a search (a field that does not exist on
our models, as allauth's user__username, made it a 500)."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_admin_search_answers(client):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.support.factories import make_user

    superuser = make_user(is_superuser=True, is_staff=True)
    TOTP.activate(superuser, "JBSWY3DPEHPK3PXPJBSWY3DP")
    client.force_login(superuser)

    searched = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.get_search_fields(None):
            continue
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url, {"q": "test"}).status_code == 200, url
        searched.append(meta.model_name)
    assert "usersession" in searched
