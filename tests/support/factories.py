"""Factories as plain functions: readable arrange steps without fixture files."""

import itertools

from allauth.account.models import EmailAddress

from rotesnetz.members.models import (
    Gliederung,
    GliederungKind,
    Membership,
    MembershipRole,
    Regionalzentrum,
    StaffRole,
    User,
)

_counter = itertools.count(1)
PASSWORD = "ein-sicheres-passwort-42"


def make_user(*, email: str | None = None, name: str = "", verified: bool = True, **extra) -> User:
    number = next(_counter)
    email = email or f"person{number}@example.org"
    user = User.objects.create_user(
        email=email, password=PASSWORD, display_name=name or f"Person {number}", **extra
    )
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_gliederung(*, kind: str, parent: Gliederung | None = None, name: str = "", **extra):
    number = next(_counter)
    name = name or f"{GliederungKind(kind).label} {number}"
    return Gliederung.objects.create(
        name=name, slug=f"g-{number}", kind=kind, parent=parent, **extra
    )


def make_tree() -> dict[str, Gliederung]:
    """LV → UB → two OVs, plus an AG at the UB and a second LV."""
    lv = make_gliederung(kind=GliederungKind.LANDESVERBAND, name="LV Test")
    ub = make_gliederung(kind=GliederungKind.UNTERBEZIRK, parent=lv, name="UB Test")
    ov = make_gliederung(kind=GliederungKind.ORTSVEREIN, parent=ub, name="OV Test")
    ov2 = make_gliederung(kind=GliederungKind.ORTSVEREIN, parent=ub, name="OV Nachbar")
    ag = make_gliederung(
        kind=GliederungKind.ARBEITSGEMEINSCHAFT,
        parent=ub,
        name="AG 60 plus Test",
        ag_type="AG 60 plus",
    )
    other_lv = make_gliederung(kind=GliederungKind.LANDESVERBAND, name="LV Anderswo")
    other_ov = make_gliederung(
        kind=GliederungKind.ORTSVEREIN,
        parent=make_gliederung(kind=GliederungKind.KREISVERBAND, parent=other_lv),
        name="OV Anderswo",
    )
    return {
        "lv": lv,
        "ub": ub,
        "ov": ov,
        "ov2": ov2,
        "ag": ag,
        "other_lv": other_lv,
        "other_ov": other_ov,
    }


def make_member(gliederung: Gliederung, role: str = MembershipRole.MITGLIED, **kwargs) -> User:
    user = make_user(**kwargs)
    Membership.objects.create(user=user, gliederung=gliederung, role=role)
    return user


def make_staff(
    *, landesverband: Gliederung | None = None, regionalzentrum: Regionalzentrum | None = None
) -> User:
    user = make_user()
    StaffRole.objects.create(
        user=user, landesverband=landesverband, regionalzentrum=regionalzentrum
    )
    return user
