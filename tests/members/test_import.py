import pytest
from django.urls import reverse

from rotesnetz.members.imports import StructureImportError, structure_import
from rotesnetz.members.models import Gliederung
from tests.support.factories import make_gliederung, make_user

GOOD = """kind,name,slug,parent,ag_type
Landesverband,SPD Saarland,lv-saar,,
Unterbezirk,UB Saarbrücken,ub-sb,lv-saar,
Ortsverein,OV Malstatt,ov-malstatt,ub-sb,
AG,Jusos Saar,jusos-saar,lv-saar,Jusos
"""


@pytest.mark.django_db
def test_structure_import_creates_the_tree():
    result = structure_import(data=GOOD.encode())

    assert (result.created, result.updated) == (4, 0)
    malstatt = Gliederung.objects.get(slug="ov-malstatt")
    assert [g.slug for g in malstatt.ancestors()] == ["lv-saar", "ub-sb", "ov-malstatt"]


@pytest.mark.django_db
def test_structure_import_twice_updates_instead_of_duplicating():
    structure_import(data=GOOD.encode())
    result = structure_import(data=GOOD.replace("OV Malstatt", "OV Alt-Malstatt").encode())

    assert (result.created, result.updated) == (0, 4)
    assert Gliederung.objects.get(slug="ov-malstatt").name == "OV Alt-Malstatt"


@pytest.mark.django_db
def test_structure_import_accepts_semicolons_and_german_headers():
    data = "art;name;kuerzel;uebergeordnet\nLV;SPD Bremen;lv-hb;\nOV;OV Gröpelingen;;lv-hb\n"

    with pytest.raises(StructureImportError) as error:
        structure_import(data=data.encode())  # an OV directly under an LV is wrong

    assert error.value.errors == [
        "Zeile 3: Ein Ortsverein kann nicht unter einem Landesverband eingeordnet werden."
    ]


@pytest.mark.django_db
def test_structure_import_reports_every_bad_line_and_imports_nothing():
    data = (
        "kind,name,slug,parent\n"
        "Landesverband,SPD Saarland,lv-saar,\n"
        "Ortsgruppe,OV X,ov-x,lv-saar\n"
        "Unterbezirk,,ub-leer,lv-saar\n"
        "Ortsverein,OV Y,ov-y,gibt-es-nicht\n"
        "Landesverband,SPD Saarland 2,lv-saar,\n"
        "Ortsverein,OV Z,kaputt slug!,lv-saar\n"
    )

    with pytest.raises(StructureImportError) as error:
        structure_import(data=data.encode())

    assert [e.split(":")[0] for e in error.value.errors] == [
        "Zeile 3",
        "Zeile 4",
        "Zeile 5",
        "Zeile 6",
        "Zeile 7",
    ]
    assert Gliederung.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00garbage", b"name\nfoo\n", b"kind,name,parent\nLV,x,,extra,more\n"],
)
def test_structure_import_rejects_malformed_files(data):
    with pytest.raises(StructureImportError):
        structure_import(data=data)
    assert Gliederung.objects.count() == 0


@pytest.mark.django_db
def test_structure_import_with_landesverband_places_top_rows_under_it():
    lv = make_gliederung(kind="landesverband", name="SPD Hessen")
    data = (
        "kind,name,slug,parent\n"
        "Unterbezirk,UB Kassel,ub-kassel,\n"
        "Ortsverein,OV Nord,ov-nord,ub-kassel\n"
    )

    structure_import(data=data.encode(), landesverband=lv)

    assert Gliederung.objects.get(slug="ub-kassel").parent == lv


@pytest.mark.django_db
def test_admin_import_shows_errors_by_line(client):
    from allauth.mfa.totp.internal.auth import TOTP

    admin = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXP")
    client.force_login(admin)
    url = reverse("admin:members_gliederung_import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("s.csv", b"kind,name,slug,parent\nOrtsverein,OV,ov,nirgends\n")
    response = client.post(url, {"file": bad})

    assert response.status_code == 200
    assert "Zeile 2" in response.content.decode()
    assert Gliederung.objects.count() == 0

    good = SimpleUploadedFile("s.csv", GOOD.encode())
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Gliederung.objects.count() == 4
