"""Helpers for the keyboard and text-zoom browser tests: moving the focus with the keyboard only
and judging what the focused element looks like."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.factories import PASSWORD

# What the focused element looks like: its outline, the colour behind the outline (the first
# opaque background of its ancestors, since the outline is drawn outside the element), the
# contrast between the two, and whether the element is on screen and not covered by another.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rgba = (value) => {
    const parts = (value.match(/[\\d.]+/g) || []).map(Number);
    const [r = 0, g = 0, b = 0, a = 1] = parts;
    return {r, g, b, a};
  };
  const luminance = ({r, g, b}) => {
    const channel = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let background = 'rgb(255, 255, 255)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (rgba(colour).a >= 0.5) { background = colour; break; }
  }
  const style = getComputedStyle(el);
  const [light, dark] = [luminance(rgba(style.outlineColor)), luminance(rgba(background))]
    .sort((x, y) => y - x);
  const rect = el.getBoundingClientRect();
  const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(rect.top + Math.min(rect.height / 2, 10), 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {
    name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
      (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 40) + '"',
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    contrast: (light + 0.05) / (dark + 0.05),
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 &&
      rect.top < innerHeight && rect.left < innerWidth,
    covered: !(hit && (hit === el || el.contains(hit) || hit.contains(el))),
  };
}"""


@pytest.fixture
def patient_expect():
    """Playwright's expect() gives up after 5 s: too soon on a loaded two-core machine."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=None)


def wait_until(page: Page, function: str, timeout: float = 10) -> None:
    """Poll ``function`` in the page. Playwright's wait_for_function evaluates strings with
    eval while it polls, which the strict CSP forbids."""
    for _ in range(int(timeout * 10)):
        if page.evaluate(function):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout} s: {function}")


def focus_problem(page: Page) -> str | None:
    """Why the focus cannot be seen, or None: a 2px outline with 3:1 contrast against what is
    behind it, on screen and not hidden under another element (WCAG 2.4.7, 2.4.11, 1.4.11)."""
    state = page.evaluate(FOCUS_STATE)
    # Bootstrap scrolls smoothly: give the scroll to the focused element up to 5 s to end.
    for _ in range(50):
        if state is None or (state["onScreen"] and not state["covered"]):
            break
        page.wait_for_timeout(100)
        state = page.evaluate(FOCUS_STATE)
    if state is None:
        return "nothing has the focus"
    if state["outline"] < 2:
        return f"{state['name']}: no visible focus outline"
    if state["contrast"] < 3:
        return f"{state['name']}: focus outline contrast {state['contrast']:.2f}:1 < 3:1"
    if not state["onScreen"]:
        return f"{state['name']}: focused but off screen"
    if state["covered"]:
        return f"{state['name']}: focused but covered by another element"
    return None


def focused(page: Page, predicate: str) -> bool:
    """``predicate`` is a JavaScript expression about ``el``, the focused element."""
    return page.evaluate(
        f"(() => {{ const el = document.activeElement; return !!({predicate}); }})()"
    )


def tab_to(page: Page, predicate: str, *, limit: int = 80, backwards: bool = False) -> list[str]:
    """Press Tab (or Shift+Tab) until the focused element matches ``predicate``; every element
    passed on the way must show where the focus is. Returns the names of the elements passed."""
    key = "Shift+Tab" if backwards else "Tab"
    passed = []
    for _ in range(limit):
        page.keyboard.press(key)
        problem = focus_problem(page)
        assert problem is None, f"{problem} (after {passed})"
        passed.append(page.evaluate(FOCUS_STATE)["name"])
        if focused(page, predicate):
            return passed
    raise AssertionError(f"{limit} × {key} never reached {predicate}: {passed}")


def skip_to_content(page: Page) -> None:
    """The first Tab on a page reaches the skip link; Enter puts the focus on <main>."""
    page.keyboard.press("Tab")
    assert focused(page, "el.classList.contains('skip-link')"), "first Tab is not the skip link"
    assert focus_problem(page) is None, focus_problem(page)
    page.keyboard.press("Enter")
    wait_until(page, "() => document.activeElement && document.activeElement.id === 'main'")


def sign_in_by_keyboard(page: Page, email: str) -> None:
    page.goto("/konto/login/")
    skip_to_content(page)
    tab_to(page, "el.id === 'id_login'")
    page.keyboard.type(email)
    tab_to(page, "el.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/mein-netz/"))
