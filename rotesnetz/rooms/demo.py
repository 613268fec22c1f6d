"""Demo conversations, so a new installation shows living rooms (idempotent)."""

from django.core.cache import cache

from rotesnetz.members.models import Gliederung, User

from . import services
from .models import Message, Room, Visibility

CONVERSATION = [
    (
        "vorstand",
        "Willkommen im digitalen Raum des **OV Ludwigshafen-Gartenstadt**! "
        "Hier besprechen wir alles zwischen den Sitzungen.",
    ),
    ("mitglied", "Danke! Wann ist das nächste Treffen im Quartierbüro?"),
    (
        "vorstand",
        "Am Donnerstag um 18:30 Uhr. Tagesordnung:\n- Infostand am Samstag\n"
        "- Mieterberatung\n- Ideen fürs Wahlprogramm",
    ),
    ("moderation", "Ich bringe Flyer mit. @**Maria Mitglied**, hilfst du beim Infostand?"),
    ("mitglied", "Klar, ich bin ab 10 Uhr da 👍"),
]


def load_rooms_demo(sender, **kwargs) -> list:
    gartenstadt = Gliederung.objects.filter(slug="ov-ludwigshafen-gartenstadt").first()
    if gartenstadt is None:
        return []
    users = {
        u.email.split("@")[0]: u
        for u in User.objects.filter(email__endswith="@demo.rotesnetz.example")
    }
    main = services.room_ensure_main(gliederung=gartenstadt)
    if not Message.objects.filter(room=main).exists():
        for local, text in CONVERSATION:
            services.message_post(room=main, author=users[local], text=text)
    ub = Gliederung.objects.get(slug="ub-ludwigshafen")
    if not Room.objects.filter(gliederung=ub, name="Wahlkampf 2026").exists():
        room = services.room_create(
            gliederung=ub,
            by=users["kreisvorstand"],
            name="Wahlkampf 2026",
            topic="Planung der Landtagswahl im Unterbezirk",
            visibility=Visibility.SUBTREE,
        )
        services.message_post(
            room=room,
            author=users["kreisvorstand"],
            text="Hier sammeln wir Termine für Haustürgespräche in allen Ortsvereinen.",
        )
    lv = Gliederung.objects.get(slug="lv-rlp")
    if not Room.objects.filter(gliederung=lv, name="Ankündigungen").exists():
        room = services.room_create(
            gliederung=lv,
            by=users["admin"],
            name="Ankündigungen",
            topic="Nachrichten des Landesverbands",
            visibility=Visibility.SUBTREE,
            read_only=True,
        )
        message = services.message_post(
            room=room,
            author=users["admin"],
            text="Die Parteischule startet mit neuen Kursen – schau in der Parteischule vorbei!",
        )
        services.message_pin(message_id=message.pk, by=users["admin"], pinned=True)
    cache.clear()
    return []
