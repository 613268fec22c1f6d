import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from rotesnetz.members.models import User
from tests.support.factories import PASSWORD, make_user


def _signup(client, email="neu@example.org", **overrides):
    data = {
        "email": email,
        "display_name": "Neue Person",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "privacy_consent": "on",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


@pytest.mark.django_db
def test_signup_requires_email_verification(client):
    response = _signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="neu@example.org")
    assert user.display_name == "Neue Person"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Not logged in before the address is confirmed:
    assert client.get(reverse("members:mein_netz")).status_code == 302


@pytest.mark.django_db
def test_confirming_the_email_logs_in(client):
    _signup(client)
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/\S+)", mail.outbox[0].body).group(1)

    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="neu@example.org").verified
    assert client.get(reverse("members:mein_netz")).status_code == 200


@pytest.mark.django_db
def test_account_mails_speak_as_the_platform_and_say_du(client):
    """allauth's own mails greeted from the host name ("Hallo von 127.0.0.1:8000!") and said
    "Sie"; ours greet the person, sign with the platform's name and say "du" like the site."""
    _signup(client)
    make_user(email="alt@example.org", name="Alte Hase")
    client.post(reverse("account_reset_password"), {"email": "alt@example.org"})

    confirm, reset = mail.outbox
    assert confirm.subject == "[Rotes Netz] Bitte bestätige deine E-Mail-Adresse"
    assert confirm.body.startswith("Hallo Neue Person,")
    assert "bitte bestätige, dass diese E-Mail-Adresse zu deinem Konto bei Rotes Netz" in (
        confirm.body
    )
    assert "/konto/confirm-email/" in confirm.body
    assert reset.subject == "[Rotes Netz] Passwort zurücksetzen"
    assert reset.body.startswith("Hallo Alte Hase,")
    assert "/konto/password/reset/key/" in reset.body
    for body in (confirm.body, reset.body):
        assert "Dein Rotes Netz" in body
        assert " Sie " not in body and "Ihr" not in body
        assert "127.0.0.1" not in body.split("http")[0]  # no host name as a greeting


@pytest.mark.django_db
def test_signup_page_links_the_privacy_notice_in_a_new_tab(client):
    page = client.get(reverse("account_signup")).content.decode()

    assert (
        f'<a href="{reverse("privacy")}" target="_blank" rel="noopener">'
        "Datenschutzhinweis lesen (öffnet in neuem Tab)</a>"
    ) in page


@pytest.mark.django_db
def test_signup_without_consent_rerenders_with_a_german_message(client):
    response = _signup(client, privacy_consent="")

    assert response.status_code == 200
    assert "Datenschutzhinweis" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_with_a_taken_email_does_not_reveal_the_account(client):
    make_user(email="schon@example.org")

    response = _signup(client, email="schon@example.org")

    # Same answer as a fresh sign-up; the owner gets a mail instead.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="schon@example.org").count() == 1


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_unknown_addresses(client):
    make_user(email="bekannt@example.org")

    known = client.post(reverse("account_reset_password"), {"email": "bekannt@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "fremd@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


@pytest.mark.django_db
def test_login_by_email(client):
    make_user(email="login@example.org")

    response = client.post(
        reverse("account_login"), {"login": "login@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("members:mein_netz")


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client):
    make_user(email="ziel@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ziel@example.org", "password": "falsch"})

    response = client.post(
        reverse("account_login"), {"login": "ziel@example.org", "password": PASSWORD}
    )

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_goes_through_the_platform_login(client):
    response = client.get("/admin/", follow=True)

    assert [url for url, _ in response.redirect_chain][-1].startswith(reverse("account_login"))
    assert response.status_code == 200
    assert "next=%2Fadmin%2F" in response.redirect_chain[-1][0]


@pytest.mark.django_db
def test_staff_without_mfa_must_set_it_up_first(client):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_staff_with_mfa_reaches_the_admin(client):
    from allauth.mfa.totp.internal.auth import TOTP

    admin = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    client.force_login(admin)

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_login_asks_for_the_second_factor(client):
    from allauth.mfa.totp.internal.auth import TOTP

    admin = make_user(email="chef@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")

    response = client.post(
        reverse("account_login"), {"login": "chef@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_active_sessions_are_listed(client):
    client.post(
        reverse("account_login"),
        {"login": make_user(email="s@example.org").email, "password": PASSWORD},
    )

    response = client.get(reverse("usersessions_list"), HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 200
    # The column shows "vor 1 Minute": allauth's "Gestartet um" made that no sentence.
    assert "Gestartet um" not in response.content.decode()


def test_oidc_is_off_by_default(settings):
    assert "allauth.socialaccount.providers.openid_connect" not in settings.INSTALLED_APPS
