"""Hardening: security headers on member pages, templates fit a strict CSP, every HTML-safe
output is sanitised, mail headers cannot be injected, accounts cannot be enumerated."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.urls import reverse

from quartier import services as office_services
from quartier.enums import TeamRole
from rotesnetz.members import services as member_services
from rotesnetz.members.models import MembershipRole
from rotesnetz.outbox.models import OutboundMail
from rotesnetz.outbox.services import outbound_send_batch
from rotesnetz.rooms.models import Room
from tests.support.factories import PASSWORD, make_member, make_tree, make_user
from tests.support.quartier_factories import make_office, make_team_member

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_ROOTS = [
    ROOT / "templates",
    *ROOT.glob("*/templates"),
    *ROOT.glob("rotesnetz/*/templates"),
]


def _templates() -> list[Path]:
    return sorted(
        path for root in TEMPLATE_ROOTS for path in root.rglob("*.html") if path.is_file()
    )


# --- Headers -----------------------------------------------------------------------------


def _assert_strict_headers(response):
    policy = response["Content-Security-Policy"]
    # A nonce appears when the page has an inline (JSON) script; never 'unsafe-inline'.
    assert re.search(r"script-src 'self'( 'nonce-[A-Za-z0-9+/=_-]+')?;", policy)
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "base-uri 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def hsts(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.django_db
def test_headers_on_the_start_page_for_a_member(client, hsts):
    tree = make_tree()
    client.force_login(make_member(tree["ov"]))

    response = client.get("/", secure=True)

    assert response.status_code == 200
    _assert_strict_headers(response)


@pytest.mark.django_db
def test_headers_on_a_room(client, hsts):
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    client.force_login(make_member(tree["ov"]))

    response = client.get(f"/raeume/{room.pk}/", secure=True)

    assert response.status_code == 200
    _assert_strict_headers(response)


@pytest.mark.django_db
def test_headers_on_the_admin(client, hsts):
    admin = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    client.force_login(admin)

    response = client.get("/admin/", secure=True)

    assert response.status_code == 200
    _assert_strict_headers(response)


@pytest.mark.django_db
def test_nonce_changes_with_every_response(client):
    office = make_office()  # its page carries JSON-LD in a script with the nonce
    first = client.get(f"/buero/{office.slug}/")
    second = client.get(f"/buero/{office.slug}/")

    nonces = [
        re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1)
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in first.content.decode()


def test_production_sets_hsts_and_secure_cookies():
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 10 + "a-long-and-random-production-key-0123456789-!#%&",
        "ALLOWED_HOSTS": "rotesnetz.example",
        "PATH": os.environ["PATH"],
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "rotesnetz.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == (
        '[31536000, true, true, true, true, true, true, "same-origin"]'
    )


# --- Templates fit a strict Content-Security-Policy ---------------------------------------


# Rendered into a file of the data export and opened from disk, never served: no CSP applies,
# and the page must look right without the platform's stylesheets (its <style> is its own).
NOT_SERVED = {"rotesnetz/privacy/templates/privacy/export_overview.html"}


def test_templates_have_no_inline_scripts_styles_or_handlers():
    offenders = []
    for path in _templates():
        text = path.read_text()
        name = str(path.relative_to(ROOT))
        if name in NOT_SERVED:
            assert "<script" not in text.lower(), f"{name}: no scripts in an exported page"
            continue
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            inline_ok = "nonce=" in tag or re.search(r'type="application/(ld\+)?json"', tag)
            if "src=" not in tag and not inline_ok:
                offenders.append(f"{name}: {tag}")
            if re.search(r'type="application/(ld\+)?json"', tag) and "src=" not in tag:
                continue
        offenders += [f"{name}: style attribute" for _ in re.findall(r"\sstyle\s*=", text, re.I)]
        offenders += [f"{name}: <style>" for _ in re.findall(r"<style\b", text, re.I)]
        offenders += [
            f"{name}: {handler}" for handler in re.findall(r"\son[a-z]+\s*=\s*[\"']", text, re.I)
        ]
        offenders += [f"{name}: javascript: URL" for _ in re.findall(r"javascript:", text, re.I)]
    assert offenders == []


def test_the_template_scan_finds_what_it_looks_for(tmp_path):
    # The scanner itself must catch the forbidden things (so an empty result means something).
    bad = '<script>x()</script><p style="color:red" onclick="y()">'
    found = [
        re.findall(r"<script\b[^>]*>", bad),
        re.findall(r"\sstyle\s*=", bad),
        re.findall(r"\son[a-z]+\s*=\s*[\"']", bad),
    ]
    assert [len(items) for items in found] == [1, 1, 1]


def test_html_safe_output_only_for_sanitised_values():
    """Every ``|safe`` shows a value made by the sanitiser (``…html``) or escaped JSON-LD."""
    allowed = re.compile(r"^[\w.]*(html|json_ld)$")
    offenders = []
    for path in _templates():
        for expression in re.findall(r"\{\{\s*([^}|]+?)\s*\|safe", path.read_text()):
            if not allowed.match(expression.strip()):
                offenders.append(f"{path.relative_to(ROOT)}: {expression}")
        if "{% autoescape off" in path.read_text():
            offenders.append(f"{path.relative_to(ROOT)}: autoescape off in HTML")
    assert offenders == []


# --- Mail headers cannot be injected through names --------------------------------------------

INJECTED = "Eve\r\nBcc: victim@example.org\r\nSubject: Gewonnen"


def _sent() -> list:
    rows = list(OutboundMail.objects.values_list("pk", flat=True))
    outbound_send_batch(ids=rows)
    return mail.outbox


@pytest.mark.django_db
def test_display_name_with_line_breaks_cannot_add_mail_headers(django_capture_on_commit_callbacks):
    tree = make_tree()
    make_member(tree["ov"], MembershipRole.VORSTAND, email="vorstand@example.org")
    eve = make_user(name="Eve")
    eve.display_name = INJECTED  # as if a form had let it through
    eve.save(update_fields=["display_name"])

    member_services.membership_request_create(user=eve, gliederung=tree["ov"], message=INJECTED)
    messages = _sent()

    assert len(messages) == 1
    message = messages[0].message()
    headers = message.as_string().split("\n\n", 1)[0]
    assert "victim@example.org" not in headers
    assert message["To"] == "vorstand@example.org"
    assert message.get_all("Bcc") is None
    assert len(message.get_all("Subject")) == 1
    assert messages[0].recipients() == ["vorstand@example.org"]


@pytest.mark.django_db
def test_citizen_name_and_subject_with_line_breaks_stay_out_of_headers():
    office = make_office()
    make_team_member(office, TeamRole.LEAD, email="lead@example.org")

    office_services.contact_request_create(
        office=office,
        name=INJECTED,
        email="erika@example.org",
        subject="Hallo\r\nBcc: victim@example.org",
        message="Text",
        consent=True,
    )
    subjects = list(OutboundMail.objects.values_list("subject", flat=True))
    messages = _sent()

    assert all("\r" not in s and "\n" not in s for s in subjects)
    assert sorted(m.recipients()[0] for m in messages) == ["erika@example.org", "lead@example.org"]
    for sent in messages:
        message = sent.message()
        # The words stay inside the one Subject line; no header of their own appears.
        assert message.get_all("Bcc") is None
        assert len(message.get_all("Subject")) == 1
        assert message["To"] in {"erika@example.org", "lead@example.org"}


@pytest.mark.django_db
def test_profile_form_folds_line_breaks_in_display_names(client):
    user = make_user()
    client.force_login(user)

    client.post("/konto/profil/", {"display_name": INJECTED})

    user.refresh_from_db()
    assert "\r" not in user.display_name and "\n" not in user.display_name


# --- No account enumeration through sign-up, reset or resend ----------------------------------


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "Neu",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "privacy_consent": "on",
        },
    )


def _shape(response) -> tuple:
    return response.status_code, response.get("Location")


@pytest.mark.django_db
def test_resend_to_an_unconfirmed_address_answers_like_a_new_signup(client):
    make_user(email="unbestaetigt@example.org", verified=False)

    fresh = _signup(client, "ganz-neu@example.org")
    resend = _signup(client, "unbestaetigt@example.org")
    resend_again = _signup(client, "unbestaetigt@example.org")  # within allauth's 3 minutes

    assert _shape(fresh) == _shape(resend) == _shape(resend_again)
    assert _shape(fresh) == (302, reverse("account_email_verification_sent"))


@pytest.mark.django_db
def test_resend_to_a_confirmed_address_answers_like_a_new_signup(client):
    make_user(email="bestaetigt@example.org")

    fresh = _signup(client, "noch-neuer@example.org")
    taken = _signup(client, "bestaetigt@example.org")
    taken_again = _signup(client, "bestaetigt@example.org")

    assert _shape(fresh) == _shape(taken) == _shape(taken_again)


@pytest.mark.django_db
def test_repeated_password_resets_answer_alike_for_known_and_unknown(client):
    make_user(email="bekannt@example.org")

    answers = [
        _shape(client.post(reverse("account_reset_password"), {"email": email}))
        for email in ["bekannt@example.org", "fremd@example.org"] * 3
    ]

    assert len(set(answers)) == 1
    assert answers[0][0] == 302


@pytest.mark.django_db
def test_login_with_a_wrong_password_answers_alike_for_known_and_unknown(client):
    make_user(email="bekannt@example.org")

    known = client.post(
        reverse("account_login"), {"login": "bekannt@example.org", "password": "falsch-1234"}
    )
    unknown = client.post(
        reverse("account_login"), {"login": "fremd@example.org", "password": "falsch-1234"}
    )

    assert known.status_code == unknown.status_code == 200
    errors = [
        re.findall(r'class="[^"]*alert[^"]*"[^>]*>(.*?)<', r.content.decode(), re.S)
        for r in (known, unknown)
    ]
    assert errors[0] == errors[1]


@pytest.mark.django_db
def test_the_verification_mail_for_a_new_address_is_sent_once(client):
    fresh = _signup(client, "einmal@example.org")

    assert fresh.status_code == 302
    assert [m.to for m in mail.outbox] == [["einmal@example.org"]]
