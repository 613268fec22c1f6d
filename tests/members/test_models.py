import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rotesnetz.members.models import Gliederung, GliederungKind, StaffRole, placement_error
from tests.support.factories import make_gliederung, make_tree, make_user

K = GliederungKind


@pytest.mark.parametrize(
    ("kind", "parent", "ok"),
    [
        (K.LANDESVERBAND, None, True),
        (K.LANDESVERBAND, K.BUNDESVERBAND, True),
        (K.KREISVERBAND, K.LANDESVERBAND, True),
        (K.ORTSVEREIN, K.UNTERBEZIRK, True),
        (K.ABTEILUNG, K.KREISVERBAND, True),
        (K.ARBEITSGEMEINSCHAFT, K.LANDESVERBAND, True),
        (K.ORTSVEREIN, K.LANDESVERBAND, False),
        (K.ORTSVEREIN, None, False),
        (K.KREISVERBAND, K.ORTSVEREIN, False),
        (K.ARBEITSGEMEINSCHAFT, None, False),
        (K.ARBEITSGEMEINSCHAFT, K.ARBEITSGEMEINSCHAFT, False),
    ],
)
def test_placement_error_follows_the_party_tree(kind, parent, ok):
    assert (placement_error(kind, parent) is None) == ok


@pytest.mark.django_db
def test_gliederung_path_lists_ancestors_from_the_top():
    tree = make_tree()

    assert tree["ov"].ancestor_ids == [tree["lv"].pk, tree["ub"].pk, tree["ov"].pk]
    assert tree["ov"].depth == 2
    assert list(tree["ub"].subtree()) == [tree["ub"], tree["ov"], tree["ov2"], tree["ag"]]
    assert tree["ov"].landesverband() == tree["lv"]


@pytest.mark.django_db
def test_moving_a_gliederung_moves_its_subtree():
    tree = make_tree()
    kv = make_gliederung(kind=K.KREISVERBAND, parent=tree["other_lv"])

    tree["ov"].parent = kv
    tree["ov"].save()
    tree["ub"].parent = None  # not allowed, but moving the UB under other LV is:
    tree["ub"].parent = tree["other_lv"]
    tree["ub"].save()

    tree["ov2"].refresh_from_db()
    assert tree["ov2"].path == f"/{tree['other_lv'].pk}/{tree['ub'].pk}/{tree['ov2'].pk}/"
    tree["ov"].refresh_from_db()
    assert tree["ov"].ancestor_ids == [tree["other_lv"].pk, kv.pk, tree["ov"].pk]


@pytest.mark.django_db
def test_gliederung_clean_rejects_a_wrong_parent_and_a_cycle():
    tree = make_tree()
    tree["ov"].parent = tree["lv"]
    with pytest.raises(ValidationError):
        tree["ov"].full_clean()

    tree["ub"].parent = tree["ov"]
    with pytest.raises(ValidationError):
        tree["ub"].full_clean()


@pytest.mark.django_db
def test_database_refuses_an_ortsverein_without_parent():
    with pytest.raises(IntegrityError):
        Gliederung.objects.create(name="Lose", slug="lose", kind=K.ORTSVEREIN)


@pytest.mark.django_db
def test_database_refuses_an_ag_type_outside_an_ag():
    tree = make_tree()
    with pytest.raises(IntegrityError):
        Gliederung.objects.create(
            name="Falsch", slug="falsch", kind=K.ORTSVEREIN, parent=tree["ub"], ag_type="Jusos"
        )


@pytest.mark.django_db
def test_database_refuses_a_staff_role_with_two_scopes():
    tree = make_tree()
    from rotesnetz.members.models import Regionalzentrum

    zentrum = Regionalzentrum.objects.create(name="RZ", slug="rz", landesverband=tree["lv"])
    with pytest.raises(IntegrityError):
        StaffRole.objects.create(
            user=make_user(), landesverband=tree["lv"], regionalzentrum=zentrum
        )
