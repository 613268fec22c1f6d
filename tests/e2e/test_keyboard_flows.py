"""The main flows with the keyboard only: Tab, Shift+Tab, Enter and Space, no mouse, no
``fill``. Every element the focus passes must show it (outline of 2px with 3:1 contrast, on
screen, not covered), and after sending a form the focus lands on its outcome."""

import re

import pytest
from playwright.sync_api import expect

from konferenzen.enums import RegistrationStatus
from konferenzen.models import Registration
from parteischule.enums import EnrolmentStatus
from parteischule.models import Enrolment
from quartier.enums import AdviceKind
from quartier.models import AdviceBooking
from tests.e2e.a11y import (
    focus_problem,
    focused,
    patient_expect,  # noqa: F401 - the fixture, used by name
    sign_in_by_keyboard,
    skip_to_content,
    tab_to,
)
from tests.support.factories import make_tree, make_user
from tests.support.konferenzen_factories import make_conference
from tests.support.parteischule_factories import make_course
from tests.support.quartier_factories import make_office, make_service, make_slot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def _outcome_has_focus(page, text: str | re.Pattern) -> None:
    """The focus is on the element that reports the outcome, and one can see it there."""
    outcome = page.locator(":focus")
    # The outcome itself (its heading or the status message), not <main> or the whole page.
    expect(outcome).to_have_count(1)
    expect(outcome).to_contain_text(text)
    assert focused(page, "el.matches('h1, [role=status], [role=alert]')"), page.evaluate(
        "document.activeElement.outerHTML.slice(0, 120)"
    )
    assert focus_problem(page) is None, focus_problem(page)


def test_citizen_books_an_advice_appointment_with_the_keyboard_only(new_page):
    office = make_office(name="Kiezbüro Tastatur", postcode="12353", city="Berlin")
    office.services.add(make_service("Mieterberatung"))
    slot = make_slot(office, kind=AdviceKind.TENANT)
    page = new_page()

    # From the very top of the finder through the whole navigation: each stop shows its focus.
    page.goto("/buero/")
    passed = tab_to(page, "el.id === 'office-search'")
    assert len(passed) > 3, passed  # skip link, brand, sign-in, sign-up, language ...
    page.keyboard.type("12353")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/buero/\?q=12353"))

    skip_to_content(page)
    tab_to(page, "el.textContent.trim() === 'Kiezbüro Tastatur'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiezbüro Tastatur")

    skip_to_content(page)
    tab_to(page, f"el.getAttribute('href') === '/buero/{office.slug}/beratung/{slot.pk}/'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mieterberatung")

    skip_to_content(page)
    tab_to(page, "el.name === 'name'")
    page.keyboard.type("Erika Tastatur")
    tab_to(page, "el.name === 'email'")
    page.keyboard.type("erika-tastatur@example.org")
    tab_to(page, "el.name === 'topic'")
    page.keyboard.type("Nebenkosten")
    tab_to(page, "el.name === 'consent'")
    page.keyboard.press("Space")
    assert focused(page, "el.checked")
    # Shift+Tab goes back in the same order; the field keeps what was typed.
    tab_to(page, "el.name === 'topic'", backwards=True)
    assert focused(page, "el.value === 'Nebenkosten'")
    passed = tab_to(page, "el.type === 'submit'")
    assert not any("website" in name for name in passed), "the honeypot is in the tab order"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dein Termin ist gebucht")
    _outcome_has_focus(page, "Dein Termin ist gebucht")
    booking = AdviceBooking.objects.get(slot=slot)
    assert (booking.name, booking.email, booking.topic) == (
        "Erika Tastatur",
        "erika-tastatur@example.org",
        "Nebenkosten",
    )


def test_member_enrols_in_a_course_with_the_keyboard_only(new_page):
    course = make_course(title="Moderation mit der Tastatur", capacity=5, sessions=2)
    member = make_user(email="kurs-tastatur@example.org", name="Kira Kurs")
    page = new_page()
    sign_in_by_keyboard(page, member.email)
    # After signing in the focus is on the message that says so.
    _outcome_has_focus(page, re.compile("angemeldet", re.IGNORECASE))

    # Through the main navigation to the Parteischule.
    page.keyboard.press("Shift+Tab")  # leave the message backwards, into the navigation
    tab_to(page, "el.textContent.trim() === 'Parteischule'", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parteischule")

    skip_to_content(page)
    tab_to(page, "el.textContent.trim() === 'Moderation mit der Tastatur'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderation mit der Tastatur")

    skip_to_content(page)
    tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Anmelden'")
    page.keyboard.press("Enter")

    _outcome_has_focus(page, "Du bist angemeldet.")
    enrolment = Enrolment.objects.get(course=course, user=member)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    expect(page.locator(".ps-enrol-box")).to_contain_text("Du bist angemeldet.")


def test_member_registers_for_a_conference_with_the_keyboard_only(new_page):
    tree = make_tree()
    conference = make_conference(gliederung=tree["lv"], title="Webkonferenz Tastatur")
    member = make_user(email="konferenz-tastatur@example.org", name="Konrad Konferenz")
    page = new_page()
    sign_in_by_keyboard(page, member.email)

    page.keyboard.press("Shift+Tab")
    tab_to(page, "el.textContent.trim() === 'Konferenzen'", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("konferenzen", re.I))

    skip_to_content(page)
    tab_to(page, "el.textContent.trim() === 'Webkonferenz Tastatur'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Webkonferenz Tastatur")

    skip_to_content(page)
    tab_to(page, "el.type === 'submit' && el.textContent.trim() === 'Jetzt anmelden'")
    page.keyboard.press("Space")  # a button works with Space as well as with Enter

    page.wait_for_url(re.compile(f"/konferenzen/{conference.slug}/teilnahme/"))
    _outcome_has_focus(page, "Du bist angemeldet. Wir haben dir eine Bestätigung geschickt.")
    registration = Registration.objects.get(conference=conference, user=member)
    assert registration.status == RegistrationStatus.CONFIRMED
