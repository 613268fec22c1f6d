"""Text at 200 % on a 1280×800 screen (WCAG 1.4.4 and 1.4.10): the main pages do not scroll
sideways, no control cuts off its text, the main navigation is still there (behind the menu
button) and the main action of each page can be seen and used.

Two ways to make the text bigger, both scale Bootstrap's rem sizes: the browser's font size
setting (what a user sets in Chromium's preferences, here through ``Page.setFontSizes``; it
also changes what ``em`` means in media queries) and 200 % on the root element (what user
style sheets and text-zoom extensions do; media queries keep the default size).
"""

import re

import pytest
from playwright.sync_api import expect

from konferenzen.models import Registration
from parteischule.models import Enrolment
from rotesnetz.members.models import MembershipRole
from rotesnetz.rooms.models import Message, Room
from tests.e2e.a11y import (
    patient_expect,  # noqa: F401 - the fixture, used by name
    wait_until,
)
from tests.support.factories import PASSWORD, make_member, make_tree
from tests.support.ideas_factories import make_process
from tests.support.konferenzen_factories import make_conference
from tests.support.parteischule_factories import make_course
from tests.support.quartier_factories import make_office, make_service, make_slot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

VIEWPORT = {"width": 1280, "height": 800}
BROWSER_SETTING = "browser font size 32px"
ROOT_STYLE = "root font-size 200%"

# What is wrong with the layout: the page scrolls sideways, a control or heading is wider than
# its box (its text is cut off or runs into its neighbour) or sticks out of the viewport.
LAYOUT_PROBLEMS = r"""() => {
  const problems = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${page.scrollWidth}px > ${page.clientWidth}px`);
  }
  const selector = 'a.btn, button, .nav-link, .navbar-brand, .breadcrumb-item, .badge, ' +
    '.page-link, label, .form-check-label, h1, h2, h3, .card-title, .alert, ' +
    'input, select, textarea';
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (!el.getClientRects().length || style.visibility === 'hidden') continue;
    if (el.type === 'hidden' || el.closest('.visually-hidden, .skip-link, .rn-hp')) continue;
    const text = el.tagName === 'SELECT' ? el.value : (el.innerText || el.value || '');
    const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ` +
      `"${text.replace(/\s+/g, ' ').trim().slice(0, 30)}"`;
    const rect = el.getBoundingClientRect();
    if (rect.left < -1 || rect.right > page.clientWidth + 1) {
      problems.push(`${name} sticks out of the viewport (${Math.round(rect.left)}..` +
        `${Math.round(rect.right)}px)`);
    }
    const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
    const ownText = !field && style.display !== 'inline';
    if (ownText && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name} is cut off: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
    }
  }
  return problems;
}"""

# Can the element be used: visible, inside the viewport once scrolled to, not under another
# element, big enough for its text, enabled.
ACTION_PROBLEMS = """(el) => {
  const rect = el.getBoundingClientRect();
  const [left, right, top, bottom] = [rect.left, rect.right, rect.top, rect.bottom].map(Math.round);
  const problems = [];
  if (rect.width < 1 || rect.height < 1) problems.push('has no size');
  if (rect.left < 0 || rect.right > document.documentElement.clientWidth) {
    problems.push(`is outside the viewport (${left}..${right}px)`);
  }
  if (rect.top < 0 || rect.bottom > innerHeight) {
    problems.push(`does not fit the viewport (${top}..${bottom}px)`);
  }
  const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  if (!hit || !(hit === el || el.contains(hit))) {
    const cover = hit ? hit.tagName.toLowerCase() + '.' + hit.className : 'nothing';
    problems.push(`is covered by ${cover}`);
  }
  const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
  if (!field && el.scrollWidth > el.clientWidth + 1) {
    problems.push(`cuts off its text (${el.scrollWidth}px in ${el.clientWidth}px)`);
  }
  if (el.disabled) problems.push('is disabled');
  return problems;
}"""

NAV_ITEMS = "#main-nav a.nav-link, #main-nav button, #main-nav select"


def _zoomed_page(new_page, method):
    page = new_page()
    page.set_viewport_size(VIEWPORT)
    if method == BROWSER_SETTING:
        # Chromium's "font size" preference (default 16px, fixed-width 13px), doubled.
        session = page.context.new_cdp_session(page)
        session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    return page


def _open(page, path, method):
    page.goto(path)
    if method == ROOT_STYLE:
        # CSSOM, not a style attribute: the strict CSP allows it.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
    sizes = page.evaluate(
        "[getComputedStyle(document.documentElement).fontSize,"
        " getComputedStyle(document.body).fontSize]"
    )
    assert sizes == ["32px", "32px"], f"{path}: the text is not at 200 %: {sizes}"


def _check_action(page, path, locator, problems):
    """The main action of the page: there, usable where it is, and it takes the focus."""
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    problems += [f"{path}: main action {p}" for p in locator.evaluate(ACTION_PROBLEMS)]
    locator.focus()
    if not locator.evaluate("el => el === document.activeElement"):
        problems.append(f"{path}: main action cannot take the focus")


def _check_navigation(page, path, method, problems):
    """Every entry of the main navigation can be reached: behind the menu button when the
    navbar has collapsed, and each entry fits the screen with its whole text."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.focus()
        page.keyboard.press("Enter")
        expect(toggler).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    elif method == BROWSER_SETTING:
        problems.append(f"{path}: the navbar does not collapse into the menu at 200 % text")
    items = page.locator(NAV_ITEMS)
    assert items.count() >= 3, f"{path}: no main navigation"
    for index in range(items.count()):
        item = items.nth(index)
        item.scroll_into_view_if_needed()
        problems += [f"{path}: menu entry {p}" for p in item.evaluate(ACTION_PROBLEMS)]
    if toggler.is_visible():
        toggler.focus()
        page.keyboard.press("Enter")
        expect(toggler).to_have_attribute("aria-expanded", "false")


def _check_page(page, path, method, action, problems):
    _open(page, path, method)
    problems += [f"{path}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
    _check_action(page, path, action(page), problems)
    _check_navigation(page, path, method, problems)


@pytest.mark.parametrize("method", [BROWSER_SETTING, ROOT_STYLE])
def test_main_pages_work_with_text_at_200_percent(new_page, method):
    tree = make_tree()
    member = make_member(
        tree["ov"], MembershipRole.VORSTAND, email="gross@example.org", name="Grete Groß"
    )
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    other = make_member(tree["ov"], name="Otto Ortsverein")
    Message.objects.bulk_create(
        Message(room=room, author=other, text=text, html=f"<p>{text}</p>")
        for text in (f"Beitrag Nummer {number} zur Versammlung" for number in range(12))
    )
    office = make_office(name="Quartierbüro Ludwigshafen-Gartenstadt", postcode="67065")
    office.services.add(make_service("Rentenberatung"))
    make_slot(office)
    course = make_course(title="Rhetorik für Einsteigerinnen und Fortgeschrittene")
    conference = make_conference(
        gliederung=tree["lv"], title="Zukunftskonferenz Mobilität im ländlichen Raum"
    )
    process = make_process(landesverband=tree["lv"])
    problems: list[str] = []
    page = _zoomed_page(new_page, method)

    # Signed out: what a citizen sees.
    _check_page(page, "/", method, lambda p: p.locator(".rn-hero a.btn").first, problems)
    _check_page(page, "/buero/", method, lambda p: p.locator("#office-search"), problems)
    page.locator("#office-search").press_sequentially("67065")
    search = page.get_by_role("search").get_by_role("button", name="Suchen")
    _check_action(page, "/buero/", search, problems)
    search.click()
    expect(page.get_by_role("link", name="Quartierbüro Ludwigshafen-Gartenstadt")).to_be_visible()
    _check_page(
        page,
        f"/buero/{office.slug}/",
        method,
        lambda p: p.locator(".rn-slots a.btn").first,
        problems,
    )

    # Signing in at 200 %.
    login_button = lambda p: p.locator("main form button[type=submit]")  # noqa: E731
    _check_page(page, "/konto/login/", method, login_button, problems)
    page.locator("#id_login").press_sequentially(member.email)
    page.locator("#id_password").press_sequentially(PASSWORD)
    login_button(page).click()
    page.wait_for_url(re.compile("/mein-netz/"))

    _check_page(
        page,
        "/raeume/",
        method,
        lambda p: p.locator(f"main a[href='/raeume/{room.pk}/#neueste']"),
        problems,
    )
    # The main navigation behind the menu button leads somewhere.
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        # The check above has just closed the menu: Bootstrap ignores a click while the menu
        # still slides shut, so the menu stayed closed (it failed that way in CI).
        expect(page.locator("#main-nav")).not_to_have_class(re.compile("collapsing"))
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.locator("#main-nav").get_by_role("link", name="Programmideen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmideen")

    _check_page(
        page, "/ideen/", method, lambda p: p.get_by_role("link", name=process.title), problems
    )

    composer = lambda p: p.get_by_label("Deine Nachricht")  # noqa: E731
    _check_page(page, f"/raeume/{room.pk}/", method, composer, problems)
    send = page.locator("#composer button[type=submit]")
    _check_action(page, f"/raeume/{room.pk}/", send, problems)
    # The composer sticks to the bottom only where it leaves room to read the messages.
    try:
        wait_until(
            page,
            "() => { const form = document.getElementById('composer');"
            " return getComputedStyle(form).position !== 'sticky'"
            " || form.offsetHeight < innerHeight * 0.4; }",
            timeout=5,
        )
    except AssertionError:
        problems.append("the sticky composer covers 40 % of the screen or more")
    expect(page.locator("#conn-state")).to_have_attribute("data-state", "online")
    composer(page).press_sequentially("Groß geschrieben")
    send.click()
    expect(page.get_by_role("log").locator("article", has_text="Groß geschrieben")).to_be_visible()

    _check_page(
        page,
        "/parteischule/",
        method,
        lambda p: p.get_by_role("link", name="Rhetorik für Einsteigerinnen und Fortgeschrittene"),
        problems,
    )
    enrol = lambda p: p.locator(".ps-enrol-box button[type=submit]")  # noqa: E731
    _check_page(page, f"/parteischule/kurse/{course.pk}/", method, enrol, problems)
    enrol(page).click()
    expect(page.locator(".ps-enrol-box")).to_contain_text("Du bist angemeldet.")

    _check_page(
        page,
        "/konferenzen/",
        method,
        lambda p: p.get_by_role("link", name="Zukunftskonferenz Mobilität im ländlichen Raum"),
        problems,
    )
    register = lambda p: p.get_by_role("button", name="Jetzt anmelden")  # noqa: E731
    _check_page(page, f"/konferenzen/{conference.slug}/", method, register, problems)
    register(page).click()
    page.wait_for_url(re.compile("/teilnahme/"))

    assert problems == [], "\n".join(problems)
    assert Message.objects.filter(room=room, text="Groß geschrieben", author=member).exists()
    assert Enrolment.objects.filter(course=course, user=member).exists()
    assert Registration.objects.filter(conference=conference, user=member).exists()
