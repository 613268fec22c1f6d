"""A new user signs up, confirms the email, asks to join; the Vorstand confirms."""

import re

import pytest

from rotesnetz.members.models import Gliederung, MembershipRole
from tests.support.factories import PASSWORD, make_member, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^Anmeld")).click()


def _wait_for_mail(sink, address, subject="", timeout=15):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in sink.to(address) if subject in m["Subject"]]
        if messages:
            return messages[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address}")


def test_signup_confirm_join_and_see_it_in_mein_netz(new_page, e2e_smtp):
    tree = make_tree()
    ov = tree["ov"]
    Gliederung.objects.filter(pk=ov.pk).update(name="OV Ludwigshafen-Gartenstadt")
    vorstand = make_member(ov, MembershipRole.VORSTAND, email="vorstand-e2e@example.org")

    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Jetzt registrieren").click()
    page.get_by_label("E-Mail").fill("neu-e2e@example.org")
    page.get_by_label("Anzeigename").fill("Nora Neu")
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    page.get_by_label("Datenschutzhinweis").check()
    page.get_by_role("main").get_by_role("button", name="Registrieren").click()
    page.get_by_role("heading", name="Bestätige deine E-Mail-Adresse").wait_for()

    mail = _wait_for_mail(e2e_smtp, "neu-e2e@example.org")
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", e2e_smtp.body(mail)).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_role("heading", name=re.compile("Mein Netz")).wait_for()

    page.get_by_role("link", name="Ortsverein oder AG zum Beitreten finden").click()
    page.get_by_label("Suchbegriff").fill("Gartenstadt")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("link", name="OV Ludwigshafen-Gartenstadt").click()
    page.get_by_role("button", name="Beitritt anfragen").click()
    page.get_by_text("Deine Anfrage wurde gesendet").wait_for()

    vorstand_page = new_page()
    _login(vorstand_page, vorstand.email)
    vorstand_page.get_by_role("heading", name="Anfragen zum Entscheiden").wait_for()
    vorstand_page.get_by_role("button", name="Annehmen").click()
    vorstand_page.get_by_text("ist jetzt Mitglied").wait_for()

    decision = _wait_for_mail(e2e_smtp, "neu-e2e@example.org", subject="Willkommen")
    assert "OV Ludwigshafen-Gartenstadt" in decision["Subject"]
    page.goto("/mein-netz/")
    assert page.get_by_role("link", name="OV Ludwigshafen-Gartenstadt", exact=True).is_visible()
