"""axe-core audits of the main pages, signed out and in, in German and English."""

import re
from pathlib import Path

import pytest

from rotesnetz.members.models import MembershipRole
from rotesnetz.rooms.models import Room
from tests.conftest import require_service
from tests.support.factories import PASSWORD, make_member, make_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC = ["/", "/konto/login/", "/konto/signup/", "/konto/password/reset/", "/datenschutz/"]


def _audit(page, path) -> list[str]:
    page.goto(path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    assert len(result["passes"]) > 10, path  # the audit really ran on a real page
    return [
        f"{path}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def audit_page(chromium, asgi_server):
    require_service("axe-core (npm ci)", AXE.exists())
    contexts = []

    def make(locale):
        # The audit script is injected, so this context alone ignores the page's CSP.
        context = chromium.new_context(base_url=asgi_server, locale=locale, bypass_csp=True)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_main_pages_have_no_serious_accessibility_violations(audit_page, language):
    tree = make_tree()
    member = make_member(tree["ov"], MembershipRole.VORSTAND, email=f"a11y-{language}@example.org")
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    page = audit_page("de-DE" if language == "de" else "en-US")
    page.goto("/")
    page.get_by_label(re.compile("Sprache|Language")).select_option(language)
    page.get_by_role("button", name=re.compile("Wechseln|Switch")).click()

    violations = [v for path in PUBLIC for v in _audit(page, path)]

    page.goto("/konto/login/")
    page.locator("#id_login").fill(member.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile("/mein-netz/"))
    nav_paths = page.locator("#main-nav a.nav-link").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    member_pages = {
        *nav_paths,
        "/mein-netz/",
        f"/raeume/{room.pk}/",
        f"/gliederungen/{tree['ov'].slug}/",
        "/konto/profil/",
        "/konto/email/",
        "/konto/sessions/",
        "/raeume/suche/?q=test",
    }
    violations += [v for path in sorted(member_pages) for v in _audit(page, path)]

    assert violations == []
