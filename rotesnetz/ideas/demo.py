"""Demo: a programme process with chapters, a handful of ideas, supports and one adopted idea
with the commission's answer (idempotent)."""

from datetime import timedelta

from django.utils import timezone

from rotesnetz.members.models import Gliederung, User

from . import services
from .models import IdeaStatus, ProgrammeProcess

TITLE = "Regierungsprogramm Landtagswahl 2026"
CHAPTERS = ["Mobilität", "Bildung", "Arbeit im Wandel", "Wohnen", "Klima und Energie"]
# (author, gliederung slug, chapter, title, text, supporters)
IDEAS = [
    (
        "mitglied",
        "ov-ludwigshafen-gartenstadt",
        "Mobilität",
        "Nachtbusse in alle Stadtteile",
        "Wer spät von der Schicht kommt, braucht **einen Bus**. Wir schlagen vor:\n\n"
        "- Nachtbusse im Stundentakt\n- Haltestellen mit Licht und Notruf",
        ["vorstand", "moderation", "kreisvorstand"],
    ),
    (
        "moderation",
        "ov-ludwigshafen-gartenstadt",
        "Bildung",
        "Kostenloses Mittagessen an allen Grundschulen",
        "Kein Kind soll hungrig lernen. Ein warmes Mittagessen für alle, ohne Antrag.",
        ["mitglied", "vorstand"],
    ),
    (
        "kreisvorstand",
        "ub-ludwigshafen",
        "Arbeit im Wandel",
        "Weiterbildungsfonds für die Chemieindustrie",
        "Die Transformation am Standort braucht Qualifizierung **vor** dem Stellenabbau.",
        ["mitglied"],
    ),
    (
        "vorstand",
        "ov-ludwigshafen-gartenstadt",
        "Wohnen",
        "Landeswohnungsbaugesellschaft gründen",
        "Das Land soll selbst bauen: bezahlbare Mieten dauerhaft sichern.",
        [],
    ),
]


def load_ideas_demo(sender, **kwargs) -> list:
    lv = Gliederung.objects.filter(slug="lv-rlp").first()
    if lv is None or ProgrammeProcess.objects.filter(title=TITLE).exists():
        return []
    users = {
        u.email.split("@")[0]: u
        for u in User.objects.filter(email__endswith="@demo.rotesnetz.example")
    }
    now = timezone.now()
    process = services.process_create(
        by=users["staff"],
        landesverband=lv,
        title=TITLE,
        description="Was soll im Regierungsprogramm stehen? Schick uns deine Idee – "
        "und sieh nach, was aus ihr geworden ist.",
        collect_starts_at=now - timedelta(days=14),
        collect_ends_at=now + timedelta(days=30),
        review_ends_at=now + timedelta(days=75),
        chapters=CHAPTERS,
    )
    chapters = {c.title: c for c in process.chapters.all()}
    ideas = []
    for author, slug, chapter, title, text, supporters in IDEAS:
        idea = services.idea_submit(
            process=process,
            author=users[author],
            title=title,
            text=text,
            chapter=chapters[chapter],
            gliederung=Gliederung.objects.get(slug=slug),
        )
        for supporter in supporters:
            services.idea_support(idea=idea, user=users[supporter])
        ideas.append(idea)
    services.idea_status_change(
        idea=ideas[0],
        by=users["staff"],
        status=IdeaStatus.ADOPTED,
        answer="Die Programmkommission hat den Vorschlag übernommen: Ein landesweites "
        "Nachtbusnetz in allen Oberzentren ist jetzt Teil des Programms.",
        programme_chapter="3. Mobilität für alle",
        programme_section="3.2 Bus und Bahn rund um die Uhr",
    )
    services.idea_status_change(idea=ideas[1], by=users["staff"], status=IdeaStatus.IN_REVIEW)
    return []
