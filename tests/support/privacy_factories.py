"""A person with data in every part of the platform, written through the real services.

``make_world`` builds the places (tree, room, office with slot and event, course);
``make_person`` gives one person a trace everywhere, each piece carrying a marker of the form
``<tag>-<what>`` so that tests can look for exactly that person's data.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from konferenzen.models import Feedback as ConferenceFeedback
from parteischule import services as school_services
from parteischule.models import Feedback
from quartier import services as office_services
from rotesnetz.ideas import services as idea_services
from rotesnetz.members import services as member_services
from rotesnetz.members.models import MembershipRole, User
from rotesnetz.privacy import services as privacy_services
from rotesnetz.rooms import services as room_services
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree
from tests.support.ideas_factories import make_idea, make_process
from tests.support.konferenzen_factories import (
    make_conference,
    make_question,
    make_registration,
)
from tests.support.parteischule_factories import make_course
from tests.support.quartier_factories import make_event, make_office, make_slot

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # noqa: S105 - a test secret


@dataclass
class World:
    tree: dict
    room: Room
    office: object
    course: object
    process: object
    conference: object
    vorstand: User
    admin: User


@dataclass
class Person:
    user: User
    tag: str
    name: str
    email: str
    phone: str
    markers: list[str] = field(default_factory=list)
    message_ids: list[int] = field(default_factory=list)


def make_world() -> World:
    tree = make_tree()
    vorstand = make_member(tree["ov2"], MembershipRole.VORSTAND, name="Vera Vorstand")
    admin = make_member(tree["lv"], name="Adam Admin", is_staff=True, is_superuser=True)
    office = make_office(gliederung=tree["ov"])
    return World(
        tree=tree,
        room=Room.objects.get(gliederung=tree["ov"], is_main=True),
        office=office,
        course=make_course(capacity=5),
        process=make_process(landesverband=tree["lv"], allow_self_support=True),
        conference=make_conference(gliederung=tree["lv"]),
        vorstand=vorstand,
        admin=admin,
    )


def make_person(world: World, *, tag: str, name: str, phone: str) -> Person:
    email = f"{tag.lower()}@example.org"
    user = make_member(world.tree["ov"], name=name, email=email)
    person = Person(user=user, tag=tag, name=name, email=email, phone=phone)

    def mark(what: str) -> str:
        marker = f"{tag}-{what}"
        person.markers.append(marker)
        return marker

    # Members: a request to join the neighbouring OV (the Vorstand there gets a mail).
    member_services.membership_request_create(
        user=user, gliederung=world.tree["ov2"], message=mark("request")
    )
    member_services.qualification_award(user=user, code="moderation", label=mark("qualification"))
    # Rooms: messages, one edited, a reaction, a read marker.
    first = room_services.message_post(room=world.room, author=user, text=mark("message"))
    second = room_services.message_post(room=world.room, author=user, text="Entwurf")
    room_services.message_edit(message_id=second.pk, by=user, text=mark("edited"))
    room_services.reaction_toggle(message_id=first.pk, by=user, emoji="👍")
    room_services.read_mark(room=world.room, user=user, message_id=second.pk)
    person.message_ids += [first.pk, second.pk]
    # Programmideen: an idea with a comment, supported by its author.
    idea = make_idea(world.process, user, title=mark("idea"), text=mark("idea-text"))
    idea_services.comment_post(idea=idea, author=user, text=mark("comment"))
    idea_services.idea_support(idea=idea, user=user)
    # Konferenzen: a registration with a question and feedback.
    registration = make_registration(world.conference, user=user)
    make_question(registration, text=mark("question"))
    ConferenceFeedback.objects.create(
        conference=world.conference, registration=registration, rating=5, comment=mark("praise")
    )
    # Quartier: a booking, a registration and a concern with the account's address.
    slot = make_slot(world.office, starts_at=timezone.now() + timedelta(days=3, hours=len(tag)))
    office_services.advice_booking_create(
        slot_id=slot.pk, name=name, email=email, phone=phone, topic=mark("topic")
    )
    event = make_event(world.office, title=f"Infoabend {tag.lower()}")
    office_services.event_register(event_id=event.pk, name=name, email=email)
    office_services.contact_request_create(
        office=world.office,
        name=name,
        email=email,
        phone=phone,
        subject=mark("subject"),
        message=mark("concern"),
        consent=True,
    )
    # Parteischule: an enrolment with feedback, and the voluntary diversity details.
    enrolment = school_services.course_enrol(course=world.course, user=user)
    Feedback.objects.create(
        enrolment=enrolment,
        overall=5,
        content=4,
        trainers=5,
        would_recommend=True,
        comment=mark("feedback"),
    )
    school_services.diversity_declare(user=user, age_band="25_34", gender="woman", consent=True)
    # Accounts: a second factor, a session, an admin log entry about the person.
    TOTP.activate(user, TOTP_SECRET)
    UserSession.objects.create(
        user=user, ip="192.0.2.7", session_key=f"sess-{tag.lower()}", user_agent=mark("agent")
    )
    LogEntry.objects.create(
        user=world.admin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message=f"Changed {name}",
    )
    privacy_services.audit_record(
        actor=world.admin, action="members.member_list.view", target=user, filters={"q": name}
    )
    return person
