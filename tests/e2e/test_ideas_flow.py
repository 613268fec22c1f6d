"""A member submits an idea (seeing a possible duplicate while typing), another supports it,
the programme commission adopts it with an answer; the submitter gets the mail and sees it."""

import re
import time

import pytest
from playwright.sync_api import expect

from rotesnetz.ideas.models import Idea, IdeaStatus
from tests.support.factories import PASSWORD, make_member, make_staff, make_tree
from tests.support.ideas_factories import make_idea, make_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^Anmeld")).click()
    page.get_by_role("heading", name=re.compile("Mein Netz")).wait_for()


def _wait_for_mail(sink, address, subject, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = [m for m in sink.to(address) if subject in m["Subject"]]
        if messages:
            return messages[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} with {subject!r}")


def _watch_csp(page, errors):
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )


def test_submit_support_adopt_and_the_submitter_learns_what_became_of_it(new_page, e2e_smtp):
    tree = make_tree()
    process = make_process(landesverband=tree["lv"], chapters=("Mobilität", "Bildung"))
    maria = make_member(tree["ov"], name="Maria", email="maria-ideen-e2e@example.org")
    ben = make_member(tree["ov2"], name="Ben", email="ben-ideen-e2e@example.org")
    staff = make_staff(landesverband=tree["lv"])
    make_idea(process, ben, title="Nachtbusse in alle Stadtteile")
    csp_errors: list[str] = []

    # Maria submits; while she types, the similar idea shows up as a possible duplicate.
    maria_page = new_page()
    _watch_csp(maria_page, csp_errors)
    _login(maria_page, maria.email)
    maria_page.get_by_role("link", name="Programmideen").click()
    maria_page.get_by_role("link", name=process.title).click()
    maria_page.get_by_role("link", name="Idee einreichen").click()
    maria_page.get_by_label("Titel deiner Idee").press_sequentially("Nachtbus rund um die Uhr")
    duplicates = maria_page.get_by_role("region", name=re.compile("Mögliche Doppelungen"))
    expect(duplicates.get_by_role("link", name="Nachtbusse in alle Stadtteile")).to_be_visible()
    maria_page.get_by_label("Kapitel").select_option(label="Mobilität")
    maria_page.get_by_label("Deine Idee").fill("Busse auch **nachts**, für alle Schichten.")
    maria_page.get_by_role("button", name="Idee einreichen").click()
    expect(maria_page.get_by_text("Danke! Deine Idee ist eingereicht.")).to_be_visible()
    idea = Idea.objects.get(title="Nachtbus rund um die Uhr")

    # Ben supports it.
    ben_page = new_page()
    _watch_csp(ben_page, csp_errors)
    _login(ben_page, ben.email)
    ben_page.goto(idea.get_absolute_url())
    ben_page.get_by_role("button", name="Diese Idee unterstützen").click()
    expect(ben_page.get_by_text("Danke für deine Unterstützung!")).to_be_visible()
    support = ben_page.get_by_role("region", name="Unterstützung")
    expect(support.get_by_text("Du unterstützt diese Idee.")).to_be_visible()
    expect(support.get_by_text("1 Unterstützung", exact=True)).to_be_visible()

    # The programme commission adopts it with an answer and the place in the programme.
    staff_page = new_page()
    _watch_csp(staff_page, csp_errors)
    _login(staff_page, staff.email)
    staff_page.goto(idea.get_absolute_url())
    staff_page.get_by_label("Status").select_option(label="übernommen")
    staff_page.get_by_label("Öffentliche Antwort der Programmkommission").fill(
        "Übernommen: ein Nachtbusnetz in allen Oberzentren."
    )
    staff_page.get_by_label("Stelle im Programm: Kapitel").fill("3. Mobilität für alle")
    staff_page.get_by_label("Stelle im Programm: Abschnitt").fill("3.2 Rund um die Uhr")
    staff_page.get_by_role("button", name="Status speichern und benachrichtigen").click()
    expect(staff_page.get_by_text("Der Status ist gespeichert.")).to_be_visible()

    # Maria gets the mail (and so does Ben, once each) and sees status and answer.
    mail = _wait_for_mail(e2e_smtp, maria.email, "übernommen")
    body = e2e_smtp.body(mail)
    assert "Übernommen: ein Nachtbusnetz in allen Oberzentren." in body
    assert idea.get_absolute_url() in body
    _wait_for_mail(e2e_smtp, ben.email, "übernommen")
    assert len([m for m in e2e_smtp.to(maria.email) if "übernommen" in m["Subject"]]) == 1

    maria_page.goto(idea.get_absolute_url())
    answer = maria_page.get_by_role("region", name="Antwort der Programmkommission")
    expect(answer).to_contain_text("Übernommen: ein Nachtbusnetz in allen Oberzentren.")
    expect(answer).to_contain_text("3.2 Rund um die Uhr")
    history = maria_page.get_by_role("region", name="Was aus dieser Idee wurde")
    expect(history.get_by_text("übernommen", exact=True)).to_be_visible()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.ADOPTED
    assert csp_errors == []
