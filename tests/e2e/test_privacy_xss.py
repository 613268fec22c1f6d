"""A corpus of XSS payloads through every text input we can reach, rendered in Chromium.

Each payload calls ``window.__xss(n)``; an init script records the calls. The pages are opened
with the Content-Security-Policy bypassed, so the sanitising alone must hold (the CSP is the
second wall, not the first). Besides the calls, the DOM must carry no event-handler attribute,
no ``javascript:`` URL and no element that runs code.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from parteischule.forms import CourseForm
from parteischule.models import Enrolment, Feedback
from quartier.enums import TeamRole
from quartier.models import ContactRequest, TeamMember
from rotesnetz.members.models import MembershipRole
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_staff, make_tree, make_user
from tests.support.ideas_factories import make_process
from tests.support.konferenzen_factories import make_conference
from tests.support.parteischule_factories import make_course, make_zentrum
from tests.support.quartier_factories import make_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2)>",
    "<svg onload=__xss(3)>",
    "<svg><script>__xss(4)</script></svg>",
    "<body onload=__xss(5)>",
    '<iframe src="javascript:__xss(6)"></iframe>',
    "[klick](javascript:__xss(7))",
    "[klick](JaVaScRiPt:__xss(8))",
    '<a href="javascript:__xss(9)">x</a>',
    '<a href="jav&#x09;ascript:__xss(10)">x</a>',
    "<details open ontoggle=__xss(11)>",
    "<input autofocus onfocus=__xss(12)>",
    '"><script>__xss(13)</script>',
    "'><img src=x onerror=__xss(14)>",
    "</textarea><script>__xss(15)</script>",
    "</title><script>__xss(16)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(17)>",
    '<img src="x" onerror="&#95;&#95;xss(18)">',
    '<object data="data:text/html,<script>parent.__xss(19)</script>"></object>',
    "[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MoMjApPC9zY3JpcHQ+)",
    '<embed src="javascript:__xss(21)">',
    "<video><source onerror=__xss(22)></video>",
    "<audio src=x onerror=__xss(23)>",
    "<marquee onstart=__xss(24)>x</marquee>",
    '<div style="background:url(javascript:__xss(25))">x</div>',
    "<style>@import 'javascript:__xss(26)';</style>",
    "<scr<script>ipt>__xss(27)</scr</script>ipt>",
    "<ScRiPt>__xss(28)</sCrIpT>",
    "<img src=x onerror=\\u005f\\u005fxss(29)>",
    '<svg><a xlink:href="javascript:__xss(30)"><text y="20">x</text></a></svg>',
    "<form><button formaction=javascript:__xss(31)>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss(32)">',
    "＜script＞__xss(34)＜/script＞",
    "<img src=x onerror=eval(atob('X194c3MoMzUp'))>",
    '<a href="&#106;avascript:__xss(36)">x</a>',
    '<base href="javascript:__xss(38)//">',
    "`<script>__xss(40)</script>`",
    "@**<img src=x onerror=__xss(41)>**",
    '<a href="java\u200bscript:__xss(42)">x</a>',
    "<isindex type=image src=1 onerror=__xss(43)>",
]

INIT_SCRIPT = """
window.__xss_calls = [];
window.__xss = function (n) { window.__xss_calls.push(String(n)); };
"""

DOM_CHECK = """
() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = (attr.value || '').replace(/[\\s\\u0000]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(el.tagName + ' ' + name);
      const code = /^(javascript|vbscript|data:text\\/html)/.test(value);
      if (code) found.push(el.tagName + ' ' + name);
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'BASE', 'META'].includes(el.tagName) &&
        el.closest('main')) found.push(el.tagName);
  }
  for (const script of document.querySelectorAll('script')) {
    if ((script.textContent || '').includes('__xss')) found.push('SCRIPT with payload');
  }
  return found;
}
"""


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _post(client, path, data, expect=(200, 302)):
    response = client.post(path, data)
    assert response.status_code in expect, (path, response.status_code)
    return response


def _course_form_data(course, staff, **changes) -> dict:
    form = CourseForm(instance=course, user=staff)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        formatted = field.widget.format_value(value)
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = formatted if formatted is not None else value
    data.update(changes)
    return data


@pytest.fixture
def scene(settings):
    settings.QUARTIER_PUBLIC_FORM_RATE_LIMIT = 100000
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    vorstand = make_member(tree["ov2"], MembershipRole.VORSTAND, email="vorstand-xss@example.org")
    reader = make_member(tree["ov"], MembershipRole.VORSTAND, email="leser-xss@example.org")
    admin = make_user(is_staff=True, is_superuser=True, email="admin-xss@example.org")
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    office = make_office(gliederung=tree["ov"])
    lead = make_user(email="lead-xss@example.org")
    TeamMember.objects.create(office=office, user=lead, role=TeamRole.LEAD)
    zentrum = make_zentrum(landesverband=tree["lv"])
    staff = make_staff(regionalzentrum=zentrum)
    course = make_course(zentrum=zentrum)
    ended = make_course(
        zentrum=zentrum,
        trainers=[staff],
        starts_in=timedelta(days=-20),
        enrolment_opens_at=timezone.now() - timedelta(days=40),
    )
    process = make_process(landesverband=tree["lv"])
    conference = make_conference(gliederung=tree["lv"], audience="public")
    conference_staff = make_staff(landesverband=tree["lv"])
    authors = []
    for number, payload in enumerate(PAYLOADS):
        name = payload[:80]
        author = make_member(tree["ov"], email=f"xss{number}@example.org", name=f"Autor {number}")
        client = Client()
        client.force_login(author)
        # Profile: the payload becomes the display name (folded whitespace, at most 80).
        _post(client, "/konto/profil/", {"display_name": name})
        # Rooms: a message.
        _post(client, f"/raeume/{room.pk}/senden/", {"text": payload})
        # Members: a request to join the neighbouring OV with the payload as message.
        _post(client, f"/gliederungen/{tree['ov2'].slug}/beitreten/", {"message": payload})
        # Quartier: a concern through the public form.
        _post(
            Client(),
            f"/buero/{office.slug}/anliegen/",
            {
                "name": name,
                "email": f"buerger{number}@example.org",
                "phone": "",
                "subject": payload[:150],
                "message": payload,
                "consent": "on",
            },
        )
        # Programmideen: an idea and a comment.
        response = _post(
            client,
            f"/ideen/{process.slug}/einreichen/",
            {
                "title": payload[:150],
                "text": payload,
                "chapter": str(process.chapters.first().pk),
                "gliederung": str(tree["ov"].pk),
            },
        )
        idea = author.ideas.first()
        assert idea is not None, response.content.decode()[:500]
        _post(client, f"/ideen/{process.slug}/{idea.pk}/kommentieren/", {"text": payload})
        # Konferenzen: register as a member, then send a question in.
        _post(client, f"/konferenzen/{conference.slug}/anmelden/", {})
        _post(client, f"/konferenzen/{conference.slug}/fragen/", {"text": payload})
        # Parteischule: feedback on an ended course (comments show from five answers on).
        enrolment = Enrolment.objects.create(
            course=ended, user=author, status="enrolled", enrolled_at=timezone.now()
        )
        Feedback.objects.create(
            enrolment=enrolment,
            overall=4,
            content=4,
            trainers=4,
            would_recommend=True,
            comment=payload,
        )
        authors.append(author)
    # Parteischule: the course description, written by its staff through the course form.
    staff_client = Client()
    staff_client.force_login(staff)
    description = "\n\n".join(PAYLOADS)
    _post(
        staff_client,
        f"/parteischule/verwalten/kurse/{course.pk}/bearbeiten/",
        _course_form_data(course, staff, description=description),
        expect=(302,),
    )
    course.refresh_from_db()
    assert course.description.startswith("<script>")
    assert ContactRequest.objects.count() == len(PAYLOADS)
    assert conference.questions.count() == len(PAYLOADS)
    return {
        "tree": tree,
        "room": room,
        "vorstand": vorstand,
        "reader": reader,
        "admin": admin,
        "office": office,
        "lead": lead,
        "staff": staff,
        "course": course,
        "ended": ended,
        "process": process,
        "conference": conference,
        "conference_staff": conference_staff,
        "authors": authors,
    }


def _open(chromium, asgi_server, user):
    context = chromium.new_context(base_url=asgi_server, bypass_csp=True, locale="de-DE")
    context.set_default_timeout(15000)
    context.add_init_script(INIT_SCRIPT)
    if user is not None:
        context.add_cookies([{"name": "sessionid", "value": _session(user), "url": asgi_server}])
    return context


def _check(page, path) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_timeout(150)
    problems = [f"{path}: __xss({n})" for n in page.evaluate("window.__xss_calls")]
    problems += [f"{path}: {item}" for item in page.evaluate(DOM_CHECK)]
    return problems


def test_no_payload_runs_anywhere_it_is_shown(chromium, asgi_server, scene):
    assert len(PAYLOADS) >= 30
    s = scene
    ideas = list(s["process"].ideas.order_by("pk").values_list("pk", flat=True))
    contacts = list(ContactRequest.objects.order_by("pk").values_list("pk", flat=True))
    message_ids = list(s["room"].messages.order_by("pk").values_list("pk", flat=True))
    pages = {
        s["reader"]: [
            f"/raeume/{s['room'].pk}/",
            f"/raeume/{s['room'].pk}/n/{message_ids[0]}/",
            f"/raeume/{s['room'].pk}/n/{message_ids[-1]}/",
            "/raeume/suche/?q=xss",
            f"/gliederungen/{s['tree']['ov'].slug}/",
            f"/ideen/{s['process'].slug}/",
            *[f"/ideen/{s['process'].slug}/{pk}/" for pk in ideas],
            f"/parteischule/kurse/{s['course'].pk}/",
            "/mein-netz/",
        ],
        s["vorstand"]: ["/mein-netz/", f"/gliederungen/{s['tree']['ov2'].slug}/"],
        s["authors"][0]: [f"/konferenzen/{s['conference'].slug}/fragen/"],
        s["conference_staff"]: [
            f"/konferenzen/{s['conference'].slug}/fragen/moderation/",
            f"/konferenzen/verwaltung/{s['conference'].slug}/",
        ],
        s["lead"]: [
            f"/buero/{s['office'].slug}/postfach/",
            *[f"/buero/{s['office'].slug}/postfach/{pk}/" for pk in contacts],
        ],
        s["staff"]: [
            f"/parteischule/verwalten/kurse/{s['ended'].pk}/feedback/",
            f"/parteischule/verwalten/kurse/{s['ended'].pk}/",
        ],
        s["admin"]: [
            "/admin/members/user/",
            f"/admin/members/user/{s['authors'][0].pk}/change/",
            "/admin/members/membershiprequest/",
            "/admin/rooms/message/",
            f"/admin/rooms/message/{message_ids[0]}/change/",
            "/admin/quartier/contactrequest/",
            "/admin/ideas/idea/",
            "/admin/ideas/comment/",
            "/admin/parteischule/course/",
            "/admin/konferenzen/question/",
            "/admin/konferenzen/registration/",
        ],
    }
    problems = []
    for user, paths in pages.items():
        context = _open(chromium, asgi_server, user)
        page = context.new_page()
        for path in paths:
            problems += _check(page, path)
        context.close()
    assert problems == []


def test_no_payload_runs_when_it_arrives_live(chromium, asgi_server, scene):
    s = scene
    context = _open(chromium, asgi_server, s["reader"])
    page = context.new_page()
    page.goto(f"/raeume/{s['room'].pk}/")
    page.locator("#conn-state[data-state='online']").wait_for()
    # Another member writes in the composer; the message goes over the socket and arrives live.
    writer_context = _open(chromium, asgi_server, s["authors"][0])
    writer = writer_context.new_page()
    writer.goto(f"/raeume/{s['room'].pk}/")
    writer.locator("#conn-state[data-state='online']").wait_for()
    batches = [PAYLOADS[start : start + 8] for start in range(0, len(PAYLOADS), 8)]
    for batch in batches:  # eight payloads a message: within the rate limit of the room
        writer.get_by_label("Deine Nachricht").fill("\n\n".join(batch))
        writer.get_by_label("Deine Nachricht").press("Enter")
        page.wait_for_timeout(200)
    # The 40 earlier messages were on the page; the new ones arrive over the socket.
    expect(page.get_by_role("log").locator("article")).to_have_count(
        len(PAYLOADS) + len(batches), timeout=30000
    )
    writer_context.close()
    page.wait_for_timeout(300)

    calls = page.evaluate("window.__xss_calls")
    found = page.evaluate(DOM_CHECK)
    context.close()
    assert calls == []
    assert found == []
