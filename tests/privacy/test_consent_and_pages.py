"""Consent wordings are versioned and every consent records its version; legal pages are
edited by admins and shown at /datenschutz/ and /impressum/."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from parteischule import services as school_services
from quartier.models import ContactRequest
from rotesnetz.members.models import User
from rotesnetz.privacy.models import ConsentAction, ConsentRecord, ConsentText, LegalPage
from rotesnetz.privacy.services import consent_text_new_version
from tests.support.factories import PASSWORD, make_user
from tests.support.quartier_factories import make_office

pytestmark = pytest.mark.django_db


def _admin_client(client):
    admin = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    client.force_login(admin)
    return client


def _signup(client, email):
    return client.post(
        "/konto/signup/",
        {
            "email": email,
            "display_name": "Nora Neu",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "privacy_consent": "on",
        },
    )


def test_signup_records_the_consent_with_its_version(client):
    consent_text_new_version(kind="signup-privacy", text_de="Neuer Wortlaut", text_en="New")

    _signup(client, "nora@example.org")

    record = ConsentRecord.objects.get(user__email="nora@example.org")
    assert (record.text.kind, record.text.version, record.action) == (
        "signup-privacy",
        2,
        ConsentAction.GIVEN,
    )


def test_signup_form_shows_the_wording_in_force(client):
    consent_text_new_version(kind="signup-privacy", text_de="Wortlaut Nummer zwei")

    page = client.get("/konto/signup/").content.decode()

    assert "Wortlaut Nummer zwei" in page


def test_a_new_wording_is_a_new_version_and_old_records_keep_theirs():
    user = make_user()
    first = ConsentText.objects.get(kind="signup-privacy", version=1)
    ConsentRecord.objects.create(text=first, user=user)

    second = consent_text_new_version(kind="signup-privacy", text_de="Zweiter Wortlaut")

    assert second.version == 2
    assert ConsentRecord.objects.get(user=user).text.text_de.startswith("Ich habe den")


def test_admin_adds_a_wording_as_next_version_and_cannot_change_old_ones(client):
    admin = _admin_client(client)

    added = admin.post(
        reverse("admin:privacy_consenttext_add"),
        {"kind": "signup-privacy", "text_de": "Dritter Wortlaut", "text_en": ""},
    )
    old = ConsentText.objects.get(kind="signup-privacy", version=1)
    change = admin.post(
        reverse("admin:privacy_consenttext_change", args=[old.pk]),
        {"kind": "signup-privacy", "text_de": "überschrieben", "text_en": ""},
    )

    assert added.status_code == 302
    assert (
        ConsentText.objects.filter(kind="signup-privacy").order_by("-version").first().version == 2
    )
    assert change.status_code == 403
    old.refresh_from_db()
    assert old.text_de.startswith("Ich habe den")


def test_diversity_consent_and_its_withdrawal_are_recorded_with_the_version():
    user = make_user()
    consent_text_new_version(kind="parteischule-diversity", text_de="Vielfalt v2")

    school_services.diversity_declare(user=user, age_band="25_34", gender="", consent=True)
    school_services.diversity_revoke(user=user)

    records = list(
        ConsentRecord.objects.filter(user=user)
        .order_by("id")
        .values_list("text__kind", "text__version", "action")
    )
    assert records == [
        ("parteischule-diversity", 2, ConsentAction.GIVEN),
        ("parteischule-diversity", 2, ConsentAction.WITHDRAWN),
    ]


def test_contact_request_consent_is_recorded_for_the_concern(client):
    office = make_office()

    client.post(
        f"/buero/{office.slug}/anliegen/",
        {
            "name": "Erika Muster",
            "email": "erika@example.org",
            "phone": "",
            "subject": "Heizung",
            "message": "Kalt.",
            "consent": "on",
        },
    )

    request = ContactRequest.objects.get()
    record = ConsentRecord.objects.get(reference=f"quartier.contactrequest:{request.pk}")
    assert (record.user, record.text.kind, record.text.version) == (None, "quartier-contact", 1)


def test_privacy_page_shows_the_text_admins_wrote(client):
    LegalPage.objects.filter(kind="privacy", language="de").update(
        title="Datenschutz beim LV", body="## Wer verarbeitet\n\nDer **Landesverband**."
    )

    page = client.get("/datenschutz/").content.decode()

    assert '<h1 class="h2">Datenschutz beim LV</h1>' in page
    assert "<h2>Wer verarbeitet</h2>" in page
    assert "<strong>Landesverband</strong>" in page


def test_legal_pages_start_with_the_former_template_text(client):
    privacy = client.get("/datenschutz/").content.decode()
    imprint = client.get("/impressum/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Die Mitgliedschaft in einer Partei verrät eine politische Meinung." in privacy
    assert "The imprint of the operating Landesverband" in imprint


def test_legal_page_body_cannot_carry_scripts(client):
    LegalPage.objects.filter(kind="imprint", language="de").update(
        body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )

    page = client.get("/impressum/").content.decode()

    assert "<script>alert" not in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_admin_edits_a_legal_page_and_its_version_grows(client):
    admin = _admin_client(client)
    page = LegalPage.objects.get(kind="imprint", language="de")

    admin.post(
        reverse("admin:privacy_legalpage_change", args=[page.pk]),
        {"kind": "imprint", "language": "de", "title": "Impressum", "body": "Verantwortlich: X"},
    )

    page.refresh_from_db()
    assert (page.body, page.version) == ("Verantwortlich: X", 2)
    assert "Verantwortlich: X" in client.get("/impressum/").content.decode()


def test_nobody_but_admins_edits_legal_pages(client):
    staff = make_user(is_staff=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    client.force_login(staff)
    page = LegalPage.objects.get(kind="imprint", language="de")

    response = client.get(reverse("admin:privacy_legalpage_change", args=[page.pk]))

    assert response.status_code == 403
    assert User.objects.filter(is_superuser=True).count() == 0
