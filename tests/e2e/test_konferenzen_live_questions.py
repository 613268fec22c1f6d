"""Staff schedule a web conference; a member registers and asks; another supports the
question; the moderator's live view moves it to the top without a reload."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from konferenzen.models import Conference
from tests.support.factories import PASSWORD, make_member, make_staff, make_tree
from tests.support.konferenzen_factories import make_question, make_registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/konto/login/")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_role("textbox", name=re.compile(r"^Passwort\W*$")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=re.compile("^Anmeld")).click()
    page.wait_for_url(re.compile(r"/mein-netz/"))


def _next_wednesday():
    day = timezone.localdate() + timedelta(days=14)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def test_live_moderation_shows_the_supported_question_on_top(new_page):
    tree = make_tree()
    staff = make_staff(landesverband=tree["lv"])
    asker = make_member(tree["ov"], email="maria-e2e@example.org", name="Maria")
    supporter = make_member(tree["ov"], email="volker-e2e@example.org", name="Volker")
    wednesday = _next_wednesday().isoformat()

    # Staff schedule the web conference in the staff UI.
    staff_page = new_page()
    _login(staff_page, staff.email)
    staff_page.goto("/konferenzen/verwaltung/neu/")
    staff_page.get_by_label("Titel").fill("Dialogtour: Mobilität")
    staff_page.get_by_label("Thema", exact=True).fill("Mobilität")
    staff_page.get_by_label("Veranstaltet von").select_option(label="LV Test")
    staff_page.get_by_label("Beginn (Berliner Zeit)").fill(f"{wednesday}T19:00")
    staff_page.get_by_label("Ende (Berliner Zeit)").fill(f"{wednesday}T20:30")
    staff_page.get_by_label("Videoanbieter").select_option("zoom")
    staff_page.get_by_label("Einwahl-Link").fill("https://zoom.us/j/81234567890?pwd=Bus2030")
    staff_page.get_by_label("Meeting-Nummer").fill("812 3456 7890")
    staff_page.get_by_label("Meeting-Kennwort").fill("Bus2030")
    staff_page.get_by_role("button", name="Planen", exact=True).click()
    staff_page.get_by_text("Die Konferenz ist geplant.").wait_for()
    conference = Conference.objects.get()
    assert timezone.localtime(conference.starts_at).hour == 19

    # Somebody asked early (arranged in the database: this thread runs Playwright's event
    # loop, so it sends no live events itself); the moderator opens the live view.
    make_question(make_registration(conference, user=supporter), text="Eine frühe Frage")
    staff_page.goto(f"/konferenzen/{conference.slug}/fragen/moderation/")
    staff_page.get_by_text("Live: Neue Fragen und Unterstützung erscheinen von selbst.").wait_for()
    items = staff_page.locator("#rn-question-list .rn-question-text")
    assert items.all_inner_texts() == ["Eine frühe Frage"]
    staff_page.evaluate("window.rnNoReload = true")  # a reload would forget this

    # A member registers in one click and asks a question.
    maria = new_page()
    _login(maria, asker.email)
    maria.goto(f"/konferenzen/{conference.slug}/")
    maria.get_by_role("button", name="Jetzt anmelden").click()
    maria.get_by_text("Du bist angemeldet. Wir haben dir eine Bestätigung geschickt.").wait_for()
    maria.get_by_role("link", name="Fragen einreichen").click()
    maria.get_by_label("Deine Frage oder Anregung").fill("Wann fährt der Bus wieder öfter?")
    maria.get_by_role("button", name="Frage einreichen").click()
    maria.get_by_text("Danke, deine Frage ist eingereicht.").wait_for()

    # It appears in the moderator's view without a reload, below the earlier one.
    staff_page.locator(".rn-question-text", has_text="Wann fährt der Bus").wait_for()
    assert items.all_inner_texts() == ["Eine frühe Frage", "Wann fährt der Bus wieder öfter?"]

    # Another registrant supports it: it moves to the top, still without a reload.
    volker = new_page()
    _login(volker, supporter.email)
    volker.goto(f"/konferenzen/{conference.slug}/fragen/")
    volker.get_by_role("listitem").filter(has_text="Wann fährt der Bus").get_by_role(
        "button", name="Unterstützen"
    ).click()
    volker.get_by_text("Du unterstützt diese Frage.").wait_for()

    top = staff_page.locator("#rn-question-list .rn-question").first
    top.locator(".rn-supports", has_text="1").wait_for()
    assert top.locator(".rn-question-text").inner_text() == "Wann fährt der Bus wieder öfter?"
    assert staff_page.evaluate("window.rnNoReload") is True
