"""Standortanalyse: CSV import (every bad line by number, all or nothing) and the ranking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartier.analysis import config_for, rank_districts
from quartier.enums import OfficeStatus
from quartier.imports import ElectionImportError, election_results_import
from quartier.models import AnalysisConfig, District, DistrictResult, Election
from rotesnetz.members.models import MembershipRole
from tests.support.factories import make_member, make_staff, make_tree
from tests.support.quartier_factories import make_office

pytestmark = pytest.mark.django_db

# Three districts, two elections. Gartenstadt: low turnout, high protest, falling, no mandate.
GOOD = """Stadtteil;Ort;Wahl;Wahltag;Wahlberechtigte;Wähler;Mandat;SPD;CDU;AfD
Gartenstadt;Ludwigshafen;BTW 2021;2021-09-26;1000;500;ja;150;200;100
Gartenstadt;Ludwigshafen;BTW 2025;23.02.2025;1000;450;nein;90;160;180
Mitte;Ludwigshafen;BTW 2021;2021-09-26;2000;1400;ja;500;500;200
Mitte;Ludwigshafen;BTW 2025;23.02.2025;2000;1300;ja;450;500;250
Friesenheim;Ludwigshafen;BTW 2025;23.02.2025;1.500;1.200;nein;400;500;100
"""


@pytest.fixture
def tree(db):
    return make_tree()


def test_import_creates_elections_districts_and_results(tree):
    result = election_results_import(
        landesverband=tree["lv"], data=GOOD.encode(), note="SYNTHETISCH"
    )

    assert (result.created, result.updated) == (5, 0)
    assert list(Election.objects.values_list("name", "note")) == [
        ("BTW 2021", "SYNTHETISCH"),
        ("BTW 2025", "SYNTHETISCH"),
    ]
    friesenheim = DistrictResult.objects.get(district__name="Friesenheim")
    assert (friesenheim.eligible, friesenheim.voters, friesenheim.votes) == (
        1500,
        1200,
        {"SPD": 400, "CDU": 500, "AfD": 100},
    )


def test_a_second_import_updates_instead_of_duplicating(tree):
    election_results_import(landesverband=tree["lv"], data=GOOD.encode())

    result = election_results_import(
        landesverband=tree["lv"], data=GOOD.replace(";450;nein;90;", ";460;nein;95;").encode()
    )

    assert (result.created, result.updated) == (0, 5)
    assert District.objects.count() == 3
    assert (
        DistrictResult.objects.get(district__name="Gartenstadt", election__name="BTW 2025").votes[
            "SPD"
        ]
        == 95
    )


def test_every_bad_line_is_reported_by_number_and_nothing_is_imported(tree):
    data = (
        "district,city,election,date,eligible,voters,mandate,SPD,AfD\n"
        "Gartenstadt,Ludwigshafen,BTW 2025,2025-02-23,1000,450,nein,90,180\n"
        ",Ludwigshafen,BTW 2025,2025-02-23,1000,450,nein,90,180\n"
        "Mitte,Ludwigshafen,BTW 2025,gestern,1000,450,nein,90,180\n"
        "Süd,Ludwigshafen,BTW 2025,2025-02-23,1000,1450,nein,90,180\n"
        "Nord,Ludwigshafen,BTW 2025,2025-02-23,1000,450,vielleicht,90,180\n"
        "Ost,Ludwigshafen,BTW 2025,2025-02-23,1000,450,nein,viele,180\n"
        "West,Ludwigshafen,BTW 2025,2025-02-23,1000,100,nein,90,180\n"
        "Gartenstadt,Ludwigshafen,BTW 2025,2025-02-23,1000,450,nein,90,180\n"
        "Hemshof,Ludwigshafen,BTW 2025,2025-02-23,1000,450,nein,90,180,7\n"
    )

    with pytest.raises(ElectionImportError) as error:
        election_results_import(landesverband=tree["lv"], data=data.encode())

    assert [e.split(":")[0] for e in error.value.errors] == [
        "Zeile 3",
        "Zeile 4",
        "Zeile 5",
        "Zeile 6",
        "Zeile 7",
        "Zeile 8",
        "Zeile 9",
        "Zeile 10",
    ]
    assert error.value.errors[0] == "Zeile 3: Der Stadtteil fehlt."
    assert "Gartenstadt bei BTW 2025 steht schon in Zeile 2" in error.value.errors[6]
    assert not DistrictResult.objects.exists()
    assert not Election.objects.exists()


@pytest.mark.parametrize(
    ("data", "first_error"),
    [
        (b"", "Die Datei ist leer."),
        (b"\xff\xfe\x00\x01garbage", "Die Datei ist kein UTF-8-kodierter Text."),
        (b"name;wert\nx;1\n", "Zeile 1: Spalte(n) fehlen"),
        (b"district,city,election,date,eligible,voters,mandate\n", "Zeile 1: Es gibt keine"),
        (b"district,city,election,date,eligible,voters,mandate,SPD\n", "Die Datei enthält keine"),
    ],
)
def test_malformed_files_are_refused_with_a_german_message(tree, data, first_error):
    with pytest.raises(ElectionImportError) as error:
        election_results_import(landesverband=tree["lv"], data=data)

    assert error.value.errors[0].startswith(first_error)
    assert not DistrictResult.objects.exists()


def test_ranking_shows_the_figures_and_puts_the_neediest_first(tree):
    election_results_import(landesverband=tree["lv"], data=GOOD.encode())
    config = AnalysisConfig(landesverband=tree["lv"], own_party="SPD", protest_parties="AfD")

    figures = rank_districts(landesverband=tree["lv"], config=config)

    assert [f.name for f in figures] == ["Gartenstadt", "Friesenheim", "Mitte"]
    gartenstadt = figures[0]
    assert gartenstadt.turnout == pytest.approx(45.0)
    assert gartenstadt.protest_share == pytest.approx(100 * 180 / 430)
    assert gartenstadt.own_share_latest == pytest.approx(100 * 90 / 430)
    assert gartenstadt.own_share_change == pytest.approx(100 * 90 / 430 - 100 * 150 / 450)
    assert gartenstadt.elections == 2
    assert gartenstadt.mandate_holder is False
    assert gartenstadt.score > figures[1].score > figures[2].score
    by_turnout = rank_districts(landesverband=tree["lv"], config=config, sort="turnout")
    assert [f.name for f in by_turnout] == ["Gartenstadt", "Mitte", "Friesenheim"]


def test_protest_parties_are_configurable(tree):
    election_results_import(landesverband=tree["lv"], data=GOOD.encode())
    afd = AnalysisConfig(landesverband=tree["lv"], own_party="SPD", protest_parties="AfD")
    both = AnalysisConfig(landesverband=tree["lv"], own_party="SPD", protest_parties="AfD, CDU")

    share = {f.name: f.protest_share for f in rank_districts(landesverband=tree["lv"], config=afd)}
    wider = {f.name: f.protest_share for f in rank_districts(landesverband=tree["lv"], config=both)}

    assert wider["Mitte"] == pytest.approx(100 * 750 / 1200)
    assert share["Mitte"] == pytest.approx(100 * 250 / 1200)


def test_districts_with_an_office_are_marked(tree):
    election_results_import(landesverband=tree["lv"], data=GOOD.encode())
    make_office(
        gliederung=tree["ov"],
        name="Quartierbüro Gartenstadt",
        city="Ludwigshafen am Rhein",
        district="Gartenstadt",
    )
    make_office(
        gliederung=tree["ov"], name="Altes Büro Mitte", district="Mitte", status=OfficeStatus.CLOSED
    )

    figures = {
        f.name: f for f in rank_districts(landesverband=tree["lv"], config=config_for(tree["lv"]))
    }

    assert figures["Gartenstadt"].offices == ["Quartierbüro Gartenstadt"]
    assert figures["Mitte"].has_office is False


def test_the_page_imports_ranks_and_draws_a_chart(client, tree):
    client.force_login(make_staff(landesverband=tree["lv"]))
    url = reverse("quartier:site_analysis")

    bad = client.post(
        url,
        {
            "action": "import",
            "lv": tree["lv"].pk,
            "file": SimpleUploadedFile("w.csv", b"district,city\nx,y\n"),
        },
    )
    good = client.post(
        url,
        {
            "action": "import",
            "lv": tree["lv"].pk,
            "file": SimpleUploadedFile("w.csv", GOOD.encode()),
        },
        follow=True,
    )

    assert bad.status_code == 400
    assert "Es wurde nichts importiert" in bad.content.decode()
    page = good.content.decode()
    assert "Import abgeschlossen: 5 Ergebnisse hinzugefügt, 0 aktualisiert." in page
    assert "<svg" in page and "Ludwigshafen-Gartenstadt" in page
    assert "45,0 %" in page


def test_the_page_is_for_the_landesvorstand_only(client, tree):
    client.force_login(make_member(tree["ub"], MembershipRole.VORSTAND))

    assert client.get(reverse("quartier:site_analysis")).status_code == 403


def test_settings_are_saved_per_landesverband(client, tree):
    landesvorstand = make_member(tree["lv"], MembershipRole.VORSTAND)
    client.force_login(landesvorstand)

    client.post(
        reverse("quartier:site_analysis"),
        {
            "action": "config",
            "lv": tree["lv"].pk,
            "own_party": "SPD",
            "protest_parties": "AfD,  Die PARTEI , ",
        },
    )

    config = AnalysisConfig.objects.get(landesverband=tree["lv"])
    assert config.protest_list == ["AfD", "Die PARTEI"]
