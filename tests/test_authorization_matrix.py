"""One authorisation matrix for the whole platform.

Every URL pattern (``get_resolver()``, walked recursively), every websocket route
(``rotesnetz.routing.websocket_urlpatterns``) and every registered ModelAdmin is checked against
a table of roles. A route without an entry fails ``test_every_route_has_an_entry``.

Outcomes (what a person sees):
  ok    2xx                               in    redirect to the login
  nf    404 (forbidden looks like absent) fb    403
  na    405 wrong method                  bad   400 (e.g. a forged link)
  done  redirect, nothing refused         no    redirect with an error message
Each request runs in a savepoint that is rolled back, so a POST by one role never changes what
the next role finds. ``RN_MATRIX_PRINT=1`` prints the observed table (for a new route).
"""

import os
import re
import uuid
from dataclasses import dataclass, field

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import constants
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from konferenzen.models import Contributor
from parteischule import services as school_services
from parteischule.models import CourseSession
from quartier import services as office_services
from quartier.enums import TeamRole
from quartier.models import TeamMember
from quartier.tokens import booking_token, registration_token
from rotesnetz.ideas.models import BehalfRequest
from rotesnetz.members import services as member_services
from rotesnetz.members.models import Membership, MembershipRole, StaffRole
from rotesnetz.privacy import services as privacy_services
from rotesnetz.rooms import services as room_services
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree, make_user
from tests.support.ideas_factories import make_idea, make_process
from tests.support.konferenzen_factories import (
    make_conference,
    make_question,
    make_registration,
    make_series,
)
from tests.support.parteischule_factories import make_course, make_zentrum
from tests.support.quartier_factories import (
    make_concept,
    make_contact_request,
    make_event,
    make_office,
    make_slot,
)

ROLES = (
    "anonymous",
    "citizen",
    "member_outside",
    "member",
    "moderator",
    "vorstand",
    "office_staff",
    "office_staff_other",
    "staff",
    "admin",
)
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # noqa: S105 - a test secret


# --- The world every role meets -------------------------------------------------------------


@dataclass
class World:
    tree: dict
    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _staffed(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    TOTP.activate(user, TOTP_SECRET)
    return user


def build_world() -> World:
    tree = make_tree()
    users = {
        "member_outside": make_member(tree["other_ov"], name="Olaf Outside"),
        "member": make_member(tree["ov"], name="Mia Member"),
        "moderator": make_member(tree["ov"], MembershipRole.MODERATION, name="Mo Moderator"),
        "vorstand": make_member(tree["ov"], MembershipRole.VORSTAND, name="Vera Vorstand"),
        "office_staff": _staffed(make_user(name="Otto Office")),
        "office_staff_other": _staffed(make_user(name="Ole Other Office")),
        "staff": _staffed(make_user(name="Stella Staff")),
        "admin": _staffed(make_user(name="Ada Admin", is_superuser=True)),
    }
    StaffRole.objects.create(user=users["staff"], landesverband=tree["lv"])
    w = World(tree=tree, users=users)
    o = w.objects
    # Rooms: the OV's main room with a message of the member, an invite-only room elsewhere.
    o["room"] = Room.objects.get(gliederung=tree["ov"], is_main=True)
    o["message"] = room_services.message_post(room=o["room"], author=users["member"], text="Hallo")
    o["other_room"] = Room.objects.get(gliederung=tree["other_ov"], is_main=True)
    # Members: a pending request to join the OV, the member's own membership.
    o["request"] = member_services.membership_request_create(
        user=users["member_outside"], gliederung=tree["ov"], message="Hallo"
    )
    o["membership"] = Membership.objects.get(user=users["member"], gliederung=tree["ov"])
    # Quartier: an office in the OV (this) and one in the other LV (other), each with its lead.
    o["office"] = make_office(gliederung=tree["ov"])
    o["other_office"] = make_office(gliederung=tree["other_ov"])
    TeamMember.objects.create(office=o["office"], user=users["office_staff"], role=TeamRole.LEAD)
    TeamMember.objects.create(
        office=o["other_office"], user=users["office_staff_other"], role=TeamRole.LEAD
    )
    o["contact"] = make_contact_request(o["office"])
    o["slot"] = make_slot(o["office"], advisor=users["office_staff"])
    o["free_slot"] = make_slot(o["office"], advisor=users["office_staff"])
    booking = office_services.advice_booking_create(
        slot_id=o["slot"].pk, name="Clara Citizen", email="clara@example.org"
    ).booking
    o["booking_token"] = booking_token(booking)
    o["event"] = make_event(o["office"])
    registration = office_services.event_register(
        event_id=o["event"].pk, name="Clara Citizen", email="clara@example.org"
    )
    o["registration_token"] = registration_token(registration)
    o["concept"] = make_concept(o["office"], by=users["vorstand"])
    # Parteischule: a course of the LV's Regionalzentrum; the member is enrolled.
    zentrum = make_zentrum(landesverband=tree["lv"])
    zentrum.gliederungen.add(tree["ub"])
    o["course"] = make_course(zentrum=zentrum)
    o["session"] = CourseSession.objects.filter(course=o["course"]).first()
    o["enrolment"] = school_services.course_enrol(course=o["course"], user=users["member"])
    # Programmideen: a collecting process of the LV with the member's idea.
    o["process"] = make_process(landesverband=tree["lv"], by=users["staff"])
    o["idea"] = make_idea(o["process"], users["member"])
    o["idea2"] = make_idea(o["process"], users["vorstand"])
    o["behalf"] = BehalfRequest.objects.create(
        idea=o["idea"], gliederung=tree["ov"], requested_by=users["member"]
    )
    # Konferenzen: a series and a conference of the LV; the member and a guest registered.
    o["series"] = make_series(gliederung=tree["lv"])
    o["conference"] = make_conference(gliederung=tree["lv"], series=o["series"])
    o["registration"] = make_registration(o["conference"], user=users["member"])
    o["guest"] = make_registration(o["conference"], email="gast@example.org")
    o["question"] = make_question(o["registration"])
    o["contributor"] = Contributor.objects.create(conference=o["conference"], name="Rednerin")
    # Privacy: an archive of the member.
    export = privacy_services.export_request(user=users["member"])
    o["export"] = privacy_services.export_build(export_id=export.pk)
    return w


# --- Routes ---------------------------------------------------------------------------------


@dataclass
class Route:
    expect: str
    method: str = "GET"
    path: object = None  # a callable (world, role) -> path, or None for routes without params
    data: object = None  # a dict or a callable (world) -> dict

    def codes(self) -> dict[str, str]:
        values = self.expect.split()
        assert len(values) == len(ROLES), self.expect
        return dict(zip(ROLES, values, strict=True))


def P(template: str):
    """A path from a template with ``{name}`` fields read from the world's objects."""

    def build(w: World, role: str) -> str:
        return template.format(**dict(_fields(w).items()))

    return build


def _fields(w: World) -> dict:
    o = w.objects
    return {
        "room": o["room"].pk,
        "message": o["message"].pk,
        "request": o["request"].pk,
        "membership": o["membership"].pk,
        "ov": w.tree["ov"].slug,
        "office": o["office"].slug,
        "contact": o["contact"].pk,
        "slot": o["free_slot"].pk,
        "event": o["event"].pk,
        "course": o["course"].pk,
        "session": o["session"].pk,
        "enrolment": o["enrolment"].pk,
        "process": o["process"].slug,
        "idea": o["idea"].pk,
        "idea2": o["idea2"].pk,
        "behalf": o["behalf"].pk,
        "export": o["export"].pk,
        "member_id": w.users["member"].pk,
        "conference": o["conference"].slug,
        "conference_pk": o["conference"].pk,
        "series": o["series"].slug,
        "lv": w.tree["lv"].slug,
        "question": o["question"].pk,
        "contributor": o["contributor"].pk,
        "idea_ct": ContentType.objects.get_for_model(o["idea"]).pk,
    }


def _token(kind: str):
    def build(w: World, role: str) -> str:
        token = w.objects[f"{kind}_token"] if role == "citizen" else "forged.token"
        prefix = "termin/absagen" if kind == "booking" else "anmeldung/stornieren"
        return f"/buero/{prefix}/{token}/"

    return build


def _guest(suffix: str):
    """A guest's conference link: the citizen holds the real one, everyone else a forged one."""

    def build(w: World, role: str) -> str:
        token = w.objects["guest"].token if role == "citizen" else "gefaelscht-0000"
        return f"/konferenzen/anmeldung/{token}/{suffix.format(**_fields(w))}"

    return build


def _text(w):
    return {"text": "Ein Beitrag"}


# Columns: anonymous citizen member_outside member moderator vorstand office_staff
#          office_staff_other staff admin
ROUTES: dict[str, Route] = {
    # Core pages
    "": Route("ok ok ok ok ok ok ok ok ok ok"),
    "healthz": Route("ok ok ok ok ok ok ok ok ok ok"),
    "branding.css": Route("ok ok ok ok ok ok ok ok ok ok"),
    # The brand's logo: the same redirect for everyone.
    "favicon.ico": Route("done done done done done done done done done done"),
    "i18n/setlang/": Route(
        "done done done done done done done done done done",
        "POST",
        data={"language": "en", "next": "/"},
    ),
    "datenschutz/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "impressum/": Route("ok ok ok ok ok ok ok ok ok ok"),
    # Accounts (allauth)
    "konto/login/": Route("ok ok done done done done done done done done"),
    "konto/logout/": Route("done done ok ok ok ok ok ok ok ok"),
    "konto/inactive/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/signup/": Route("ok ok done done done done done done done done"),
    "konto/reauthenticate/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/email/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/confirm-email/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/password/change/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/password/set/": Route("in in done done done done done done done done"),
    "konto/password/reset/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/login/code/confirm/": Route("in in done done done done done done done done"),
    "konto/^confirm-email/(?P<key>[-:\\w]+)/$": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konto/confirm-email/nokey/")
    ),
    "konto/password/reset/key/done/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konto/password/reset/key/1-forged/")
    ),
    "konto/password/reset/done/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/2fa/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/2fa/authenticate/": Route("in in done done done done done done done done"),
    "konto/2fa/reauthenticate/": Route("in in done done done done ok ok ok ok"),
    "konto/2fa/totp/activate/": Route("in in done done done done done done done done"),
    "konto/2fa/totp/deactivate/": Route("in in nf nf nf nf done done done done"),
    "konto/2fa/recovery-codes/": Route("in in nf nf nf nf nf nf nf nf"),
    "konto/2fa/recovery-codes/generate/": Route("in in done done done done done done done done"),
    "konto/2fa/recovery-codes/download/": Route("in in nf nf nf nf nf nf nf nf"),
    "konto/3rdparty/login/cancelled/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konto/3rdparty/login/error/": Route("auth auth auth auth auth auth auth auth auth auth"),
    "konto/3rdparty/signup/": Route("in in in in in in in in in in"),
    "konto/3rdparty/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/social/login/cancelled/": Route("done done done done done done done done done done"),
    "konto/social/login/error/": Route("done done done done done done done done done done"),
    "konto/social/signup/": Route("done done done done done done done done done done"),
    "konto/social/connections/": Route("done done done done done done done done done done"),
    "konto/sessions/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/profil/": Route("in in ok ok ok ok ok ok ok ok"),
    # Privacy
    "konto/daten/": Route("in in ok ok ok ok ok ok ok ok"),
    "konto/daten/<uuid:pk>/": Route(
        "in in nf ok nf nf nf nf nf nf", path=P("/konto/daten/{export}/")
    ),
    "konto/loeschen/": Route("in in ok ok ok ok ok ok ok ok"),
    # Members
    "mein-netz/": Route("in in ok ok ok ok ok ok ok ok"),
    "gliederungen/": Route("in in ok ok ok ok ok ok ok ok"),
    "gliederungen/<slug:slug>/": Route(
        "in in ok ok ok ok ok ok ok ok", path=P("/gliederungen/{ov}/")
    ),
    "gliederungen/<slug:slug>/beitreten/": Route(
        "in in no no no no done done done done",
        "POST",
        path=P("/gliederungen/{ov}/beitreten/"),
        data={"message": "Hallo"},
    ),
    "anfragen/<int:pk>/entscheiden/": Route(
        "in in nf nf nf done nf nf done done",
        "POST",
        path=P("/anfragen/{request}/entscheiden/"),
        data={"decision": "accept"},
    ),
    "anfragen/<int:pk>/zurueckziehen/": Route(
        "in in done nf nf nf nf nf nf nf", "POST", path=P("/anfragen/{request}/zurueckziehen/")
    ),
    "mitgliedschaften/<int:pk>/rolle/": Route(
        "in in nf nf nf done nf nf done done",
        "POST",
        path=P("/mitgliedschaften/{membership}/rolle/"),
        data={"role": "moderation"},
    ),
    "mitgliedschaften/<int:pk>/beenden/": Route(
        "in in nf done nf done nf nf done done",
        "POST",
        path=P("/mitgliedschaften/{membership}/beenden/"),
        data={"confirm": "yes"},
    ),
    # Rooms
    "raeume/": Route("in in ok ok ok ok ok ok ok ok"),
    "raeume/suche/": Route("in in ok ok ok ok ok ok ok ok", data={"q": "Hallo"}),
    "raeume/<int:pk>/": Route("in in nf ok ok ok nf nf nf ok", path=P("/raeume/{room}/")),
    "raeume/<int:pk>/senden/": Route(
        "in in nf done done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/senden/"),
        data=_text,
    ),
    "raeume/<int:pk>/einstellungen/": Route(
        "in in nf nf ok ok nf nf nf ok", path=P("/raeume/{room}/einstellungen/")
    ),
    "raeume/<int:pk>/archivieren/": Route(
        "in in nf nf no no nf nf nf no", "POST", path=P("/raeume/{room}/archivieren/")
    ),
    "raeume/<int:pk>/export/": Route(
        "in in nf nf ok ok nf nf nf ok", path=P("/raeume/{room}/export/")
    ),
    "raeume/<int:pk>/moderation/": Route(
        "in in nf nf ok ok nf nf nf ok", path=P("/raeume/{room}/moderation/")
    ),
    "raeume/<int:pk>/benachrichtigungen/": Route(
        "in in nf done done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/benachrichtigungen/"),
        data={"enabled": "0"},
    ),
    "raeume/<int:pk>/mitglieder.json": Route(
        "in in nf ok ok ok nf nf nf ok", path=P("/raeume/{room}/mitglieder.json")
    ),
    "raeume/<int:pk>/zustand.json": Route(
        "in in nf ok ok ok nf nf nf ok", path=P("/raeume/{room}/zustand.json")
    ),
    "raeume/<int:pk>/n/<int:message_id>/": Route(
        "in in nf ok ok ok nf nf nf ok", path=P("/raeume/{room}/n/{message}/")
    ),
    "raeume/<int:pk>/n/<int:message_id>/reaktion/": Route(
        "in in nf done done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/n/{message}/reaktion/"),
        data={"emoji": "👍"},
    ),
    "raeume/<int:pk>/n/<int:message_id>/bearbeiten/": Route(
        "in in nf ok no no nf nf nf no", path=P("/raeume/{room}/n/{message}/bearbeiten/")
    ),
    "raeume/<int:pk>/n/<int:message_id>/loeschen/": Route(
        "in in nf done no no nf nf nf no",
        "POST",
        path=P("/raeume/{room}/n/{message}/loeschen/"),
        data={"confirmed": "1"},
    ),
    "raeume/<int:pk>/n/<int:message_id>/ausblenden/": Route(
        "in in nf no done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/n/{message}/ausblenden/"),
        data={"reason": "Spam"},
    ),
    "raeume/<int:pk>/n/<int:message_id>/einblenden/": Route(
        "in in nf no done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/n/{message}/einblenden/"),
    ),
    "raeume/<int:pk>/n/<int:message_id>/anheften/": Route(
        "in in nf no done done nf nf nf done",
        "POST",
        path=P("/raeume/{room}/n/{message}/anheften/"),
    ),
    "gliederungen/<slug:slug>/raeume/neu/": Route(
        "in in nf nf ok ok nf nf nf ok", path=P("/gliederungen/{ov}/raeume/neu/")
    ),
    # Parteischule
    "parteischule/": Route("in in ok ok ok ok ok ok ok ok"),
    "parteischule/kurse/<int:pk>/": Route(
        "in in ok ok ok ok ok ok ok ok", path=P("/parteischule/kurse/{course}/")
    ),
    "parteischule/kurse/<int:pk>/anmelden/": Route(
        "in in done no done done done done done done",
        "POST",
        path=P("/parteischule/kurse/{course}/anmelden/"),
    ),
    "parteischule/kurse/<int:pk>/abmelden/": Route(
        "in in no done no no no no no no", "POST", path=P("/parteischule/kurse/{course}/abmelden/")
    ),
    "parteischule/kurse/<int:pk>/kalender.ics": Route(
        "in in ok ok ok ok ok ok ok ok", path=P("/parteischule/kurse/{course}/kalender.ics")
    ),
    "parteischule/kurse/<int:pk>/feedback/": Route(
        "in in done done done done done done done ok",
        path=P("/parteischule/kurse/{course}/feedback/"),
    ),
    "parteischule/meine-kurse/": Route("in in ok ok ok ok ok ok ok ok"),
    "parteischule/teilnahmen/<int:pk>/bestaetigung.pdf": Route(
        "in in nf nf nf nf nf nf nf nf",
        path=P("/parteischule/teilnahmen/{enrolment}/bestaetigung.pdf"),
    ),
    "parteischule/nachweis/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "parteischule/nachweis/<str:code>/": Route(
        "nf nf nf nf nf nf nf nf nf nf", path=P("/parteischule/nachweis/AAAA-BBBB-CCCC/")
    ),
    "parteischule/lernpfade/": Route("in in ok ok ok ok ok ok ok ok"),
    "parteischule/vielfalt/": Route("in in ok ok ok ok ok ok ok ok"),
    "parteischule/vielfalt/widerrufen/": Route(
        "in in done done done done done done done done", "POST"
    ),
    "parteischule/vielfalt/auswertung/": Route("in in fb fb fb fb fb fb ok ok"),
    "parteischule/verwalten/": Route("in in fb fb fb fb fb fb ok ok"),
    "parteischule/verwalten/neu/": Route("in in fb fb fb fb fb fb ok ok"),
    "parteischule/verwalten/kurse/<int:pk>/": Route(
        "in in fb fb fb fb fb fb ok ok", path=P("/parteischule/verwalten/kurse/{course}/")
    ),
    "parteischule/verwalten/kurse/<int:pk>/bearbeiten/": Route(
        "in in fb fb fb fb fb fb ok ok",
        path=P("/parteischule/verwalten/kurse/{course}/bearbeiten/"),
    ),
    "parteischule/verwalten/kurse/<int:pk>/termine/neu/": Route(
        "in in fb fb fb fb fb fb ok ok",
        path=P("/parteischule/verwalten/kurse/{course}/termine/neu/"),
    ),
    "parteischule/verwalten/kurse/<int:pk>/nachricht/": Route(
        "in in fb fb fb fb fb fb ok ok", path=P("/parteischule/verwalten/kurse/{course}/nachricht/")
    ),
    "parteischule/verwalten/kurse/<int:pk>/feedback/": Route(
        "in in fb fb fb fb fb fb ok ok", path=P("/parteischule/verwalten/kurse/{course}/feedback/")
    ),
    "parteischule/verwalten/termine/<int:pk>/bearbeiten/": Route(
        "in in fb fb fb fb fb fb ok ok",
        path=P("/parteischule/verwalten/termine/{session}/bearbeiten/"),
    ),
    "parteischule/verwalten/termine/<int:pk>/loeschen/": Route(
        "in in fb fb fb fb fb fb done done",
        "POST",
        path=P("/parteischule/verwalten/termine/{session}/loeschen/"),
    ),
    "parteischule/verwalten/termine/<int:pk>/anwesenheit/": Route(
        "in in fb fb fb fb fb fb ok ok",
        path=P("/parteischule/verwalten/termine/{session}/anwesenheit/"),
    ),
    "parteischule/verwalten/teilnahmen/<int:pk>/abmelden/": Route(
        "in in fb fb fb fb fb fb done done",
        "POST",
        path=P("/parteischule/verwalten/teilnahmen/{enrolment}/abmelden/"),
    ),
    # Quartier
    "buero/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "buero/team/": Route("in in ok ok ok ok ok ok ok ok"),
    "buero/konzepte/": Route("in in fb fb fb fb fb fb ok ok"),
    "buero/standortanalyse/": Route("in in fb fb fb fb fb fb ok ok"),
    "buero/termin/absagen/<str:token>/": Route(
        "bad ok bad bad bad bad bad bad bad bad", path=_token("booking")
    ),
    "buero/anmeldung/stornieren/<str:token>/": Route(
        "bad ok bad bad bad bad bad bad bad bad", path=_token("registration")
    ),
    "buero/<slug:slug>/": Route("ok ok ok ok ok ok ok ok ok ok", path=P("/buero/{office}/")),
    "buero/<slug:slug>/kalender.ics": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/buero/{office}/kalender.ics")
    ),
    "buero/<slug:slug>/anliegen/": Route(
        "done done done done done done done done done done",
        "POST",
        path=P("/buero/{office}/anliegen/"),
        data={
            "name": "Clara",
            "email": "clara@example.org",
            "subject": "Frage",
            "message": "Hallo",
            "consent": "on",
        },
    ),
    "buero/<slug:slug>/veranstaltungen/<int:pk>/": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/buero/{office}/veranstaltungen/{event}/")
    ),
    "buero/<slug:slug>/beratung/<int:pk>/": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/buero/{office}/beratung/{slot}/")
    ),
    "buero/<slug:slug>/postfach/": Route(
        "in in nf nf nf ok ok nf ok ok", path=P("/buero/{office}/postfach/")
    ),
    "buero/<slug:slug>/postfach/<int:pk>/": Route(
        "in in nf nf nf ok ok nf ok ok", path=P("/buero/{office}/postfach/{contact}/")
    ),
    "buero/<slug:slug>/beratung-verwalten/": Route(
        "in in nf nf nf ok ok nf ok ok", path=P("/buero/{office}/beratung-verwalten/")
    ),
    "buero/<slug:slug>/beratung-verwalten/<int:pk>/zurueckziehen/": Route(
        "in in nf nf nf done done nf done done",
        "POST",
        path=P("/buero/{office}/beratung-verwalten/{slot}/zurueckziehen/"),
    ),
    "buero/<slug:slug>/bericht/": Route(
        "in in nf nf nf ok ok nf ok ok", path=P("/buero/{office}/bericht/")
    ),
    "buero/<slug:slug>/konzept/": Route(
        "in in nf nf nf ok ok nf ok ok", path=P("/buero/{office}/konzept/")
    ),
    "buero/<slug:slug>/konzept/pruefen/": Route(
        "in in nf nf nf done nf nf done done",
        "POST",
        path=P("/buero/{office}/konzept/pruefen/"),
        data={"action": "comment", "text": "Gut"},
    ),
    "buero/<slug:slug>/eroeffnen/": Route(
        "in in nf nf nf no no nf no no", "POST", path=P("/buero/{office}/eroeffnen/")
    ),
    # The admin site itself (each ModelAdmin has its own table below)
    "admin/": Route("in in in in in in ok ok ok ok"),
    "admin/login/": Route("in in fb fb fb fb done done done done"),
    "admin/logout/": Route("done done done done done done ok ok ok ok", "POST"),
    "admin/password_change/": Route("in in in in in in ok ok ok ok"),
    "admin/password_change/done/": Route("in in in in in in ok ok ok ok"),
    "admin/autocomplete/": Route("in in in in in in fb fb fb fb"),
    "admin/jsi18n/": Route("in in in in in in ok ok ok ok"),
    "admin/r/<path:content_type_id>/<path:object_id>/": Route(
        "in in in in in in done done done done", path=P("/admin/r/{idea_ct}/{idea}/")
    ),
    "admin/<app_label>/": Route("in in in in in in nf nf nf ok", path=P("/admin/members/")),
    "admin/(?P<url>.*)$": Route("in in in in in in nf nf nf nf", path=P("/admin/nirgendwo/")),
    "admin/members/user/<id>/password/": Route(
        "in in in in in in fb fb fb ok", path=P("/admin/members/user/{member_id}/password/")
    ),
    "admin/members/gliederung/import/": Route("in in in in in in done done done ok"),
    # Konferenzen
    "konferenzen/": Route("ok ok ok ok ok ok ok ok ok ok"),
    "konferenzen/verwaltung/": Route("in in nf nf nf nf nf nf ok ok"),
    "konferenzen/verwaltung/neu/": Route("in in nf nf nf nf nf nf ok ok"),
    "konferenzen/verwaltung/reihen/neu/": Route("in in nf nf nf nf nf nf ok ok"),
    "konferenzen/verwaltung/reihen/<slug:slug>/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/verwaltung/reihen/{series}/")
    ),
    "konferenzen/verwaltung/reihen/<slug:slug>/mitwirkende/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/verwaltung/reihen/{series}/mitwirkende/"),
        data={"name": "Gast"},
    ),
    "konferenzen/verwaltung/reihen/<slug:slug>/moderation/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/verwaltung/reihen/{series}/moderation/"),
        data={"email": "x@example.org"},
    ),
    "konferenzen/verwaltung/mitwirkende/<int:pk>/entfernen/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/mitwirkende/{contributor}/entfernen/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/verwaltung/{conference}/")
    ),
    "konferenzen/verwaltung/<slug:slug>/bearbeiten/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/verwaltung/{conference}/bearbeiten/")
    ),
    "konferenzen/verwaltung/<slug:slug>/mails/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/verwaltung/{conference}/mails/")
    ),
    "konferenzen/verwaltung/<slug:slug>/mails/erneut/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/mails/erneut/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/einwahl-jetzt/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/einwahl-jetzt/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/absagen/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/absagen/"),
        data={"reason": "Krank"},
    ),
    "konferenzen/verwaltung/<slug:slug>/nachbereitung/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/nachbereitung/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/jitsi-raum/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/jitsi-raum/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/moderation/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/moderation/"),
        data={"email": "x@example.org"},
    ),
    "konferenzen/verwaltung/<slug:slug>/moderation/<int:user_id>/entfernen/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/moderation/{member_id}/entfernen/"),
    ),
    "konferenzen/verwaltung/<slug:slug>/mitwirkende/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/verwaltung/{conference}/mitwirkende/"),
        data={"name": "Gast"},
    ),
    "konferenzen/reihen/<slug:slug>/": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konferenzen/reihen/{series}/")
    ),
    "konferenzen/reihen/<slug:slug>/kalender.ics": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konferenzen/reihen/{series}/kalender.ics")
    ),
    "konferenzen/landesverband/<slug:slug>/kalender.ics": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konferenzen/landesverband/{lv}/kalender.ics")
    ),
    "konferenzen/anmeldung/<str:token>/": Route("nf ok nf nf nf nf nf nf nf nf", path=_guest("")),
    "konferenzen/anmeldung/<str:token>/bestaetigen/": Route(
        "nf ok nf nf nf nf nf nf nf nf", path=_guest("bestaetigen/")
    ),
    "konferenzen/anmeldung/<str:token>/kalender.ics": Route(
        "nf ok nf nf nf nf nf nf nf nf", path=_guest("kalender.ics")
    ),
    "konferenzen/anmeldung/<str:token>/abmelden/": Route(
        "nf done nf nf nf nf nf nf nf nf", "POST", path=_guest("abmelden/")
    ),
    "konferenzen/anmeldung/<str:token>/fragen/": Route(
        "nf ok nf nf nf nf nf nf nf nf", path=_guest("fragen/")
    ),
    "konferenzen/anmeldung/<str:token>/fragen/<int:pk>/unterstuetzen/": Route(
        "nf done nf nf nf nf nf nf nf nf", "POST", path=_guest("fragen/{question}/unterstuetzen/")
    ),
    "konferenzen/anmeldung/<str:token>/feedback/": Route(
        "nf ok nf nf nf nf nf nf nf nf", path=_guest("feedback/")
    ),
    "konferenzen/<slug:slug>/": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konferenzen/{conference}/")
    ),
    "konferenzen/<slug:slug>/kalender.ics": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/konferenzen/{conference}/kalender.ics")
    ),
    "konferenzen/<slug:slug>/anmelden/": Route(
        "in in done no done done done done done done",
        "POST",
        path=P("/konferenzen/{conference}/anmelden/"),
    ),
    "konferenzen/<slug:slug>/gast/": Route(
        "no no no no no no no no no no",
        "POST",
        path=P("/konferenzen/{conference}/gast/"),
        data={"email": "neu@example.org", "name": "Neu", "consent": "on"},
    ),
    "konferenzen/<slug:slug>/teilnahme/": Route(
        "in in done ok done done done done done done",
        path=P("/konferenzen/{conference}/teilnahme/"),
    ),
    "konferenzen/<slug:slug>/teilnahme/kalender.ics": Route(
        "in in nf ok nf nf nf nf nf nf", path=P("/konferenzen/{conference}/teilnahme/kalender.ics")
    ),
    "konferenzen/<slug:slug>/abmelden/": Route(
        "in in nf done nf nf nf nf nf nf", "POST", path=P("/konferenzen/{conference}/abmelden/")
    ),
    "konferenzen/<slug:slug>/fragen/": Route(
        "in in done ok done done done done done done", path=P("/konferenzen/{conference}/fragen/")
    ),
    "konferenzen/<slug:slug>/fragen/<int:pk>/unterstuetzen/": Route(
        "in in nf no nf nf nf nf nf nf",
        "POST",
        path=P("/konferenzen/{conference}/fragen/{question}/unterstuetzen/"),
    ),
    "konferenzen/<slug:slug>/fragen/moderation/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/{conference}/fragen/moderation/")
    ),
    "konferenzen/<slug:slug>/fragen/<int:pk>/moderieren/": Route(
        "in in nf nf nf nf nf nf no no",
        "POST",
        path=P("/konferenzen/{conference}/fragen/{question}/moderieren/"),
        data={"action": "answered"},
    ),
    "konferenzen/<slug:slug>/fragen/themen/": Route(
        "in in nf nf nf nf nf nf done done",
        "POST",
        path=P("/konferenzen/{conference}/fragen/themen/"),
        data={"name": "Verkehr"},
    ),
    "konferenzen/<slug:slug>/fragen/briefing.<str:kind>": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/konferenzen/{conference}/fragen/briefing.csv")
    ),
    "konferenzen/<slug:slug>/feedback/": Route(
        "in in nf ok nf nf nf nf nf nf", path=P("/konferenzen/{conference}/feedback/")
    ),
    # Programmideen
    "ideen/": Route("in in ok ok ok ok ok ok ok ok"),
    "ideen/neu/": Route("in in nf nf nf nf nf nf ok ok"),
    "ideen/fuersprache/<int:pk>/entscheiden/": Route(
        "in in nf nf nf done nf nf nf nf",
        "POST",
        path=P("/ideen/fuersprache/{behalf}/entscheiden/"),
        data={"decision": "accept"},
    ),
    "ideen/<slug:slug>/": Route("in in ok ok ok ok ok ok ok ok", path=P("/ideen/{process}/")),
    "ideen/<slug:slug>/bearbeiten/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/ideen/{process}/bearbeiten/")
    ),
    "ideen/<slug:slug>/einreichen/": Route(
        "in in no ok ok ok no no no no", path=P("/ideen/{process}/einreichen/")
    ),
    "ideen/<slug:slug>/aehnliche.json": Route(
        "in in ok ok ok ok ok ok ok ok", path=P("/ideen/{process}/aehnliche.json")
    ),
    "ideen/<slug:slug>/ergebnisse/": Route(
        "ok ok ok ok ok ok ok ok ok ok", path=P("/ideen/{process}/ergebnisse/")
    ),
    "ideen/<slug:slug>/vielfalt/": Route(
        "in in nf nf nf nf nf nf ok ok", path=P("/ideen/{process}/vielfalt/")
    ),
    "ideen/<slug:slug>/export.csv": Route(
        "in in no no no no no no ok ok", path=P("/ideen/{process}/export.csv")
    ),
    "ideen/<slug:slug>/export.pdf": Route(
        "in in no no no no no no ok ok", path=P("/ideen/{process}/export.pdf")
    ),
    "ideen/<slug:slug>/<int:pk>/": Route(
        "in in ok ok ok ok ok ok ok ok", path=P("/ideen/{process}/{idea}/")
    ),
    "ideen/<slug:slug>/<int:pk>/unterstuetzen/": Route(
        "in in no no done done no no no no",
        "POST",
        path=P("/ideen/{process}/{idea}/unterstuetzen/"),
    ),
    "ideen/<slug:slug>/<int:pk>/kommentieren/": Route(
        "in in ok done done done ok ok ok ok",
        "POST",
        path=P("/ideen/{process}/{idea}/kommentieren/"),
        data=_text,
    ),
    "ideen/<slug:slug>/<int:pk>/status/": Route(
        "in in no no no no no no done done",
        "POST",
        path=P("/ideen/{process}/{idea}/status/"),
        data={"status": "in_review", "answer": "Wir prüfen."},
    ),
    "ideen/<slug:slug>/<int:pk>/zusammenfuehren/": Route(
        "in in no no no no no no done done",
        "POST",
        path=P("/ideen/{process}/{idea}/zusammenfuehren/"),
        data=lambda w: {"into": str(w.idea2.pk)},
    ),
    "ideen/<slug:slug>/<int:pk>/diskussion/": Route(
        "in in no no done done no no no done", "POST", path=P("/ideen/{process}/{idea}/diskussion/")
    ),
}


# --- Checks ---------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ADMIN_SUFFIXES = (
    "",
    "add/",
    "<path:object_id>/history/",
    "<path:object_id>/delete/",
    "<path:object_id>/change/",
    "<path:object_id>/",
)


def _covered_by_admin_table(route: str) -> bool:
    for model in admin.site._registry:
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        if route.startswith(base) and route[len(base) :] in ADMIN_SUFFIXES:
            return True
    return False


def _key(route: str) -> str:
    # The admin's app index lists every app label in its pattern; one entry stands for it.
    return re.sub(r"^admin/\^\(\?P<app_label>[^)]*\)/\$$", "admin/<app_label>/", route)


def all_routes() -> list[str]:
    return [_key(r) for r in _walk(get_resolver().url_patterns) if not _covered_by_admin_table(r)]


def test_every_route_has_an_entry():
    routes = set(all_routes())

    assert sorted(routes - set(ROUTES)) == []
    assert sorted(set(ROUTES) - routes) == []


def _refused(response) -> bool:
    """Did the view queue an error message (a refusal shown on the page or after a redirect)?"""
    stored = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(stored, "_queued_messages", [])
    return any(message.level >= constants.ERROR for message in queued)


def _outcome(response) -> str:
    status = response.status_code
    if 200 <= status < 300:
        return "no" if _refused(response) else "ok"
    if status in (301, 302, 303):
        location = response["Location"]
        if "/konto/login/" in location or "/admin/login/" in location:
            return "in"
        if "/konto/2fa/" in location:
            return "mfa"
        return "no" if _refused(response) else "done"
    return {400: "bad", 401: "auth", 403: "fb", 404: "nf", 405: "na", 429: "many"}.get(
        status, str(status)
    )


def _client_for(w: World, role: str) -> Client:
    client = Client(raise_request_exception=True)
    if role in w.users:
        client.force_login(w.users[role])
    return client


def _request(client, w, role, route_key, route: Route):
    path = route.path(w, role) if route.path is not None else "/" + route_key
    data = route.data(w) if callable(route.data) else (route.data or {})
    with transaction.atomic():
        response = client.post(path, data) if route.method == "POST" else client.get(path, data)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def relaxed(settings, tmp_path):
    settings.QUARTIER_PUBLIC_FORM_RATE_LIMIT = 100000
    settings.PRIVACY_EXPORT_ROOT = tmp_path
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_routes_answer_each_role_as_the_table_says(role, relaxed):
    w = build_world()
    observed, wrong = {}, []
    for key, route in sorted(ROUTES.items()):
        # A fresh client each time: no logout and no unread message carries over.
        outcome = _outcome(_request(_client_for(w, role), w, role, key, route))
        observed[key] = outcome
        expected = route.codes()[role]
        if outcome != expected:
            wrong.append(f"{route.method} /{key}: expected {expected}, got {outcome}")
    if os.environ.get("RN_MATRIX_PRINT"):
        with open(f"/tmp/matrix-{role}.txt", "w") as handle:
            for key, outcome in sorted(observed.items()):
                handle.write(f"{key}\t{outcome}\n")
    assert wrong == []


# --- Forbidden and absent objects answer alike ----------------------------------------------


def _missing_path(route: Route, w: World, role: str) -> str | None:
    template = getattr(route.path, "template", None)
    if template is None or "{" not in template:
        return None
    values = {}
    for name, value in _fields(w).items():
        if isinstance(value, uuid.UUID):
            values[name] = uuid.uuid4()
        elif isinstance(value, int):
            values[name] = 999_999
        else:
            values[name] = "gibt-es-nicht"
    return template.format(**values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member_outside", "member", "office_staff_other", "staff"])
def test_hidden_objects_answer_like_absent_ones(role, relaxed):
    w = build_world()
    differences = []
    for key, route in sorted(ROUTES.items()):
        if route.codes()[role] != "nf":
            continue
        path = _missing_path(route, w, role)
        if path is None:
            continue
        missing = Route(route.expect, route.method, path=lambda _w, _r, p=path: p, data=route.data)
        outcome = _outcome(_request(_client_for(w, role), w, role, key, missing))
        if outcome != "nf":
            differences.append(f"{route.method} /{key}: hidden nf, absent {outcome}")
    assert differences == []


# --- Every ModelAdmin ---------------------------------------------------------------------
# Per role three letters: changelist, add form, change form of the first row.
# o ok, i login, f 403, n 404, d redirect, - no row to open.

ADMINS: dict[str, str] = {
    "konferenzen.conference": "iii iii iii iii iii iii fff fff fff ooo",
    "konferenzen.feedback": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "konferenzen.question": "iii iii iii iii iii iii fff fff fff ooo",
    "konferenzen.questiontopic": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "konferenzen.registration": "iii iii iii iii iii iii fff fff fff ooo",
    "konferenzen.series": "iii iii iii iii iii iii fff fff fff ooo",
    "account.emailaddress": "iii iii iii iii iii iii fff fff fff ooo",
    "auth.group": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "ideas.behalfrequest": "iii iii iii iii iii iii fff fff fff ooo",
    "ideas.comment": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "ideas.exportlog": "ii- ii- ii- ii- ii- ii- ff- ff- ff- of-",
    "ideas.idea": "iii iii iii iii iii iii fff fff fff ooo",
    "ideas.programmeprocess": "iii iii iii iii iii iii fff fff fff ooo",
    "ideas.statuschange": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "members.gliederung": "iii iii iii iii iii iii ofo ofo ofo ooo",
    "members.membership": "iii iii iii iii iii iii fff fff fff ooo",
    "members.membershiprequest": "iii iii iii iii iii iii fff fff fff ooo",
    "members.qualification": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "members.regionalzentrum": "iii iii iii iii iii iii fff fff fff ooo",
    "members.staffrole": "iii iii iii iii iii iii fff fff fff ooo",
    "members.user": "iii iii iii iii iii iii fff fff fff ooo",
    "mfa.authenticator": "iii iii iii iii iii iii fff fff fff ooo",
    "outbox.outboundmail": "iii iii iii iii iii iii fff fff fff ofo",
    "parteischule.category": "iii iii iii iii iii iii fff fff fff ooo",
    "parteischule.certificate": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "parteischule.course": "iii iii iii iii iii iii fff fff fff ooo",
    "parteischule.coursemessage": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "parteischule.diversityconsentlog": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "parteischule.diversitygoal": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "parteischule.enrolment": "iii iii iii iii iii iii fff fff fff ofo",
    "parteischule.learningpath": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "privacy.auditentry": "iii iii iii iii iii iii fff fff fff ofo",
    "privacy.consentrecord": "ii- ii- ii- ii- ii- ii- ff- ff- ff- of-",
    "privacy.consenttext": "iii iii iii iii iii iii fff fff fff ooo",
    "privacy.legalpage": "iii iii iii iii iii iii fff fff fff ooo",
    "quartier.adviceslot": "iii iii iii iii iii iii ofo ofd ofo ofo",
    "quartier.analysisconfig": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "quartier.contactrequest": "iii iii iii iii iii iii ofo ofd ofo ofo",
    "quartier.district": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "quartier.election": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "quartier.event": "iii iii iii iii iii iii ooo ood ooo ooo",
    "quartier.office": "iii iii iii iii iii iii ofo ofd ooo ooo",
    "quartier.service": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "quartier.usageconcept": "iii iii iii iii iii iii ofo ofd ofo ofo",
    "rooms.message": "iii iii iii iii iii iii fff fff fff ooo",
    "rooms.moderationlog": "ii- ii- ii- ii- ii- ii- ff- ff- ff- of-",
    "rooms.room": "iii iii iii iii iii iii fff fff fff ooo",
    "socialaccount.socialaccount": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "socialaccount.socialapp": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "socialaccount.socialtoken": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
    "usersessions.usersession": "ii- ii- ii- ii- ii- ii- ff- ff- ff- oo-",
}


def _letter(outcome: str) -> str:
    return {"ok": "o", "in": "i", "fb": "f", "nf": "n", "done": "d", "no": "d"}.get(outcome, "?")


def _admin_pages(model) -> list[str | None]:
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    first = model._default_manager.order_by("pk").first()
    return [base, base + "add/", f"{base}{first.pk}/change/" if first else None]


def test_every_model_admin_has_an_entry():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}

    assert sorted(registered - set(ADMINS)) == []
    assert sorted(set(ADMINS) - registered) == []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_model_admins_answer_each_role_as_the_table_says(role, relaxed):
    w = build_world()
    observed, wrong = {}, []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label_lower):
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        letters = ""
        for path in _admin_pages(model):
            if path is None:
                letters += "-"
                continue
            route = Route(" ".join(["x"] * len(ROLES)), path=lambda _w, _r, p=path: p)
            letters += _letter(_outcome(_request(_client_for(w, role), w, role, key, route)))
        observed[key] = letters
        expected = ADMINS.get(key, "").split()
        if len(expected) == len(ROLES) and expected[ROLES.index(role)] != letters:
            wrong.append(f"{key}: expected {expected[ROLES.index(role)]}, got {letters}")
    if os.environ.get("RN_MATRIX_PRINT"):
        with open(f"/tmp/admins-{role}.txt", "w") as handle:
            for key, letters in sorted(observed.items()):
                handle.write(f"{key}\t{letters}\n")
    assert wrong == []
    assert set(observed) == set(ADMINS)


# --- Every websocket route ------------------------------------------------------------------
# Per role: ok (the handshake is accepted) or no (closed before it, like an unknown room).

WEBSOCKETS: dict[str, tuple[str, str]] = {
    "ws/raeume/<int:room_id>/": ("/ws/raeume/{room}/", "no no no ok ok ok no no no ok"),
    "ws/konferenzen/<int:conference_id>/fragen/": (
        "/ws/konferenzen/{conference_pk}/fragen/",
        "no no no no no no no no ok ok",
    ),
}


def _websocket_routes() -> list[str]:
    from rotesnetz.routing import websocket_urlpatterns

    return [str(pattern.pattern) for pattern in _flatten(websocket_urlpatterns)]


def _flatten(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _flatten(pattern.url_patterns)
        else:
            yield pattern


def test_every_websocket_route_has_an_entry():
    assert sorted(_websocket_routes()) == sorted(WEBSOCKETS)


def _session_cookie(w: World, role: str):
    client = _client_for(w, role)
    if "sessionid" not in client.cookies:
        return None
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


@pytest.mark.channels
@pytest.mark.django_db(transaction=True)
async def test_websocket_routes_answer_each_role_as_the_table_says(redis_url, relaxed):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from rotesnetz.asgi import application

    w = await sync_to_async(build_world)()
    fields = await sync_to_async(_fields)(w)
    wrong = []
    for route, (template, expect) in WEBSOCKETS.items():
        for role, expected in zip(ROLES, expect.split(), strict=True):
            headers = [(b"origin", b"http://127.0.0.1")]
            cookie = await sync_to_async(_session_cookie)(w, role)
            if cookie is not None:
                headers.append(cookie)
            communicator = WebsocketCommunicator(
                application, template.format(**fields), headers=headers
            )
            connected, _code = await communicator.connect(timeout=5)
            outcome = "ok" if connected else "no"
            if connected:
                await communicator.disconnect()
            if outcome != expected:
                wrong.append(f"{route} as {role}: expected {expected}, got {outcome}")
    assert wrong == []
