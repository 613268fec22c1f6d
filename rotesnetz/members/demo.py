"""Demo data for the core; other parts add theirs through the ``demo_loaded`` hook list."""

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import (
    Gliederung,
    GliederungKind,
    Membership,
    MembershipRole,
    Regionalzentrum,
    StaffRole,
    User,
)

# Printed on purpose by `manage.py demo`; demo accounts only, never real ones.
DEMO_PASSWORD = "rotesnetz-demo"  # noqa: S105  # nosec B105
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"  # noqa: S105  # nosec B105

K = GliederungKind
# (slug, name, kind, parent slug, ag_type)
STRUCTURE = [
    ("lv-rlp", "SPD Rheinland-Pfalz", K.LANDESVERBAND, None, ""),
    ("ub-ludwigshafen", "UB Ludwigshafen", K.UNTERBEZIRK, "lv-rlp", ""),
    (
        "ov-ludwigshafen-gartenstadt",
        "OV Ludwigshafen-Gartenstadt",
        K.ORTSVEREIN,
        "ub-ludwigshafen",
        "",
    ),
    ("ov-ludwigshafen-mitte", "OV Ludwigshafen-Mitte", K.ORTSVEREIN, "ub-ludwigshafen", ""),
    (
        "ov-ludwigshafen-oggersheim",
        "OV Ludwigshafen-Oggersheim",
        K.ORTSVEREIN,
        "ub-ludwigshafen",
        "",
    ),
    ("ub-mainz", "UB Mainz", K.UNTERBEZIRK, "lv-rlp", ""),
    ("ov-mainz-neustadt", "OV Mainz-Neustadt", K.ORTSVEREIN, "ub-mainz", ""),
    ("jusos-rlp", "Jusos Rheinland-Pfalz", K.ARBEITSGEMEINSCHAFT, "lv-rlp", "Jusos"),
    ("asf-rlp", "ASF Rheinland-Pfalz", K.ARBEITSGEMEINSCHAFT, "lv-rlp", "ASF"),
    (
        "ag60-ludwigshafen",
        "AG 60 plus Ludwigshafen",
        K.ARBEITSGEMEINSCHAFT,
        "ub-ludwigshafen",
        "AG 60 plus",
    ),
    ("lv-bw", "SPD Baden-Württemberg", K.LANDESVERBAND, None, ""),
    ("kv-stuttgart", "KV Stuttgart", K.KREISVERBAND, "lv-bw", ""),
    ("ov-stuttgart-mitte", "OV Stuttgart-Mitte", K.ORTSVEREIN, "kv-stuttgart", ""),
    ("ov-bad-cannstatt", "OV Bad Cannstatt", K.ORTSVEREIN, "kv-stuttgart", ""),
    ("kv-mannheim", "KV Mannheim", K.KREISVERBAND, "lv-bw", ""),
    ("ov-mannheim-neckarstadt", "OV Mannheim-Neckarstadt", K.ORTSVEREIN, "kv-mannheim", ""),
    ("afa-bw", "AfA Baden-Württemberg", K.ARBEITSGEMEINSCHAFT, "lv-bw", "AfA"),
    ("jusos-bw", "Jusos Baden-Württemberg", K.ARBEITSGEMEINSCHAFT, "lv-bw", "Jusos"),
    ("lv-berlin", "SPD Berlin", K.LANDESVERBAND, None, ""),
    ("kreis-neukoelln", "Kreis Neukölln", K.KREISVERBAND, "lv-berlin", ""),
    ("abt-gropiusstadt", "Abteilung Gropiusstadt", K.ABTEILUNG, "kreis-neukoelln", ""),
    ("abt-rollberg", "Abteilung Rollberg", K.ABTEILUNG, "kreis-neukoelln", ""),
    ("kreis-marzahn-hellersdorf", "Kreis Marzahn-Hellersdorf", K.KREISVERBAND, "lv-berlin", ""),
    ("abt-marzahn-nord", "Abteilung Marzahn-Nord", K.ABTEILUNG, "kreis-marzahn-hellersdorf", ""),
    ("abt-hellersdorf", "Abteilung Hellersdorf", K.ABTEILUNG, "kreis-marzahn-hellersdorf", ""),
    ("asf-berlin", "ASF Berlin", K.ARBEITSGEMEINSCHAFT, "lv-berlin", "ASF"),
    ("jusos-berlin", "Jusos Berlin", K.ARBEITSGEMEINSCHAFT, "lv-berlin", "Jusos"),
]

REGIONALZENTREN = [
    ("rz-pfalz", "Regionalzentrum Pfalz", "lv-rlp", ["ub-ludwigshafen"]),
    ("rz-rheinhessen", "Regionalzentrum Rheinhessen", "lv-rlp", ["ub-mainz"]),
    ("rz-nordbaden", "Regionalzentrum Nordbaden", "lv-bw", ["kv-mannheim"]),
    ("rz-stuttgart", "Regionalzentrum Stuttgart", "lv-bw", ["kv-stuttgart"]),
]

R = MembershipRole
# (email local part, display name, [(gliederung slug, role)], staff scope, is admin)
USERS = [
    ("mitglied", "Maria Mitglied", [("ov-ludwigshafen-gartenstadt", R.MITGLIED)], None, False),
    ("vorstand", "Volker Vorstand", [("ov-ludwigshafen-gartenstadt", R.VORSTAND)], None, False),
    (
        "moderation",
        "Mona Moderation",
        [("ov-ludwigshafen-gartenstadt", R.MODERATION), ("ag60-ludwigshafen", R.MITGLIED)],
        None,
        False,
    ),
    ("kreisvorstand", "Karl Kreisvorstand", [("ub-ludwigshafen", R.VORSTAND)], None, False),
    (
        "berlin",
        "Berna Berlin",
        [("abt-gropiusstadt", R.MITGLIED), ("asf-berlin", R.MITGLIED)],
        None,
        False,
    ),
    ("stuttgart", "Stefan Stuttgart", [("ov-stuttgart-mitte", R.VORSTAND)], None, False),
    ("staff", "Sabine Staff", [], ("lv", "lv-rlp"), False),
    ("regionalzentrum", "Rudi Regional", [], ("rz", "rz-pfalz"), False),
    ("admin", "Anna Admin", [], None, True),
]
DEMO_DOMAIN = "demo.rotesnetz.example"


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


@transaction.atomic
def load_core_demo() -> list[tuple[str, str]]:
    """Create or refresh the core demo; returns (email, description) of the demo logins."""
    by_slug: dict[str, Gliederung] = {}
    for slug, name, kind, parent, ag_type in STRUCTURE:
        gliederung, _ = Gliederung.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "parent": by_slug.get(parent) if parent else None,
                "ag_type": ag_type,
            },
        )
        by_slug[slug] = gliederung
    zentren = {}
    for slug, name, lv, served in REGIONALZENTREN:
        zentrum, _ = Regionalzentrum.objects.update_or_create(
            slug=slug, defaults={"name": name, "landesverband": by_slug[lv]}
        )
        zentrum.gliederungen.set([by_slug[s] for s in served])
        zentren[slug] = zentrum

    logins = []
    for local, display_name, memberships, staff, is_admin in USERS:
        email = demo_email(local)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email)
        user.display_name = display_name
        user.is_staff = user.is_superuser = is_admin
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for slug, role in memberships:
            Membership.objects.update_or_create(
                user=user, gliederung=by_slug[slug], defaults={"role": role}
            )
        if staff:
            scope, slug = staff
            if scope == "lv":
                StaffRole.objects.get_or_create(user=user, landesverband=by_slug[slug])
            else:
                StaffRole.objects.get_or_create(user=user, regionalzentrum=zentren[slug])
        if is_admin:
            _ensure_totp(user)
        roles = ", ".join(f"{by_slug[s].name}: {r.label}" for s, r in memberships)
        if staff:
            roles = f"Staff {by_slug.get(staff[1]) or zentren[staff[1]]}"
        if is_admin:
            roles = f"Admin (TOTP-Secret {DEMO_TOTP_SECRET})"
        logins.append((email, f"{display_name} – {roles}"))
    return logins


def _ensure_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
