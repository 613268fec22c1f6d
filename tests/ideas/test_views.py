"""Pages of Programmideen: query counts, bad input, exports, the public overview."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rotesnetz.ideas import services
from rotesnetz.ideas.models import Comment, ExportLog, Idea, IdeaStatus, Phase, Support
from rotesnetz.members.models import MembershipRole
from tests.support.factories import make_member, make_staff, make_tree
from tests.support.ideas_factories import make_idea, make_process, set_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def process(tree):
    return make_process(landesverband=tree["lv"])


def _queries(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("sort", ["unterstuetzung", "neu", "diskutiert"])
def test_idea_list_queries_do_not_grow_from_1_to_50_ideas(client, tree, process, sort):
    viewer = make_member(tree["ov2"])
    authors = [make_member(tree["ov"]), make_member(tree["ag"])]
    first = make_idea(process, authors[0])
    services.idea_support(idea=first, user=viewer)
    client.force_login(viewer)
    url = reverse("ideas:process", args=[process.slug]) + f"?sortierung={sort}"
    one = _queries(client, url)

    for number in range(49):
        idea = make_idea(process, authors[number % 2], chapter=process.chapters.all()[number % 3])
        if number % 3 == 0:
            services.idea_support(idea=idea, user=viewer)
            services.comment_post(idea=idea, author=viewer, text="Ja!")
    fifty = _queries(client, url)

    assert fifty == one
    assert client.get(url).content.decode().count('class="list-group-item rn-idea"') == 50


def test_idea_list_filters_by_chapter_gliederung_and_status(client, tree, process):
    mobility, education = process.chapters.all()[:2]
    bus = make_idea(process, make_member(tree["ov"]), title="Nachtbusse", chapter=mobility)
    make_idea(process, make_member(tree["ov2"]), title="Schulessen", chapter=education)
    services.idea_status_change(
        idea=bus, by=make_staff(landesverband=tree["lv"]), status=IdeaStatus.IN_REVIEW
    )
    client.force_login(make_member(tree["ov"]))
    url = reverse("ideas:process", args=[process.slug])

    by_chapter = client.get(url, {"kapitel": mobility.pk})
    by_gliederung = client.get(url, {"gliederung": tree["ov2"].pk})
    by_status = client.get(url, {"status": "in_review"})
    nonsense = client.get(url, {"kapitel": "x'; drop", "status": "egal", "sortierung": "?"})

    assert [i.title for i in by_chapter.context["ideas"]] == ["Nachtbusse"]
    assert [i.title for i in by_gliederung.context["ideas"]] == ["Schulessen"]
    assert [i.title for i in by_status.context["ideas"]] == ["Nachtbusse"]
    assert nonsense.status_code == 200
    assert len(nonsense.context["ideas"]) == 2


def test_submit_page_stores_the_idea_and_shows_it(client, tree, process):
    member = make_member(tree["ov"])
    client.force_login(member)

    response = client.post(
        reverse("ideas:submit", args=[process.slug]),
        {
            "title": "Nachtbusse",
            "text": "Für alle *Schichtarbeitenden*.",
            "chapter": process.chapters.first().pk,
            "gliederung": tree["ov"].pk,
        },
        follow=True,
    )

    idea = Idea.objects.get()
    assert response.redirect_chain[-1][0] == idea.get_absolute_url()
    assert "Danke! Deine Idee ist eingereicht." in _messages(response)
    assert "<em>Schichtarbeitenden</em>" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "text": "Text"}, "Bitte gib deiner Idee einen Titel."),
        ({"title": "Titel", "text": ""}, "Bitte beschreibe deine Idee."),
        ({"title": "T" * 151, "text": "Text"}, "höchstens 150 Zeichen"),
        ({"title": "Titel", "text": "x" * 5001}, "höchstens 5000 Zeichen"),
        ({"title": "Titel", "text": "Text", "chapter": "999999"}, "Bitte wähle ein Kapitel"),
        ({"title": "Titel", "text": "Text", "gliederung": "abc"}, "Bitte wähle eine Gliederung"),
    ],
)
def test_submit_page_answers_bad_input_in_german_and_stores_nothing(
    client, tree, process, data, message
):
    client.force_login(make_member(tree["ov"]))
    payload = {"chapter": process.chapters.first().pk, "gliederung": tree["ov"].pk, **data}

    response = client.post(reverse("ideas:submit", args=[process.slug]), payload)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Idea.objects.count() == 0


def test_submit_page_after_the_phase_redirects_with_a_message(client, tree, process):
    client.force_login(make_member(tree["ov"]))
    set_phase(process, Phase.REVIEW)

    response = client.post(
        reverse("ideas:submit", args=[process.slug]),
        {"title": "Zu spät", "text": "Text", "chapter": process.chapters.first().pk},
        follow=True,
    )

    assert "Ideen können nur während der Sammelphase eingereicht werden." in _messages(response)
    assert Idea.objects.count() == 0


def test_support_twice_and_own_idea_give_messages_not_errors(client, tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author)
    supporter = make_member(tree["ov2"])
    url = reverse("ideas:support", args=[process.slug, idea.pk])

    client.force_login(supporter)
    client.post(url, {"action": "support"})
    twice = client.post(url, {"action": "support"}, follow=True)
    client.force_login(author)
    own = client.post(url, {"action": "support"}, follow=True)

    assert "Du unterstützt diese Idee schon." in _messages(twice)
    assert "In diesem Prozess kannst du deine eigene Idee nicht unterstützen." in _messages(own)
    assert Support.objects.count() == 1


def test_comment_too_long_is_refused_in_german(client, tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    client.force_login(make_member(tree["ov2"]))

    response = client.post(
        reverse("ideas:comment", args=[process.slug, idea.pk]), {"text": "x" * 2001}
    )

    assert response.status_code == 200
    assert "höchstens 2000 Zeichen" in response.content.decode()
    assert Comment.objects.count() == 0


def test_status_form_adopts_and_the_page_shows_answer_and_history(client, tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author, title="Nachtbusse")
    client.force_login(make_staff(landesverband=tree["lv"]))

    client.post(
        reverse("ideas:status", args=[process.slug, idea.pk]),
        {
            "status": "adopted",
            "answer": "Wir übernehmen das **gern**.",
            "programme_chapter": "3. Mobilität",
            "programme_section": "3.2 Nachtverkehr",
        },
    )
    client.force_login(author)
    page = client.get(idea.get_absolute_url()).content.decode()

    assert "Wir übernehmen das <strong>gern</strong>." in page
    assert "3.2 Nachtverkehr" in page
    assert page.count("rn-idea-status-adopted") == 2  # the badge and the history entry


def test_status_form_by_a_member_changes_nothing(client, tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))

    response = client.post(
        reverse("ideas:status", args=[process.slug, idea.pk]),
        {"status": "not_adopted", "answer": "Nein."},
        follow=True,
    )

    assert "Nur die Programmkommission kann den Status ändern." in _messages(response)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_status_form_without_answer_shows_the_reason(client, tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    client.force_login(make_staff(landesverband=tree["lv"]))

    response = client.post(
        reverse("ideas:status", args=[process.slug, idea.pk]), {"status": "not_adopted"}
    )

    assert response.status_code == 200
    assert "Bitte schreib eine öffentliche Antwort" in response.content.decode()


def test_similar_titles_are_found_while_typing(client, tree, process):
    make_idea(process, make_member(tree["ov"]), title="Nachtbusse in alle Stadtteile")
    make_idea(process, make_member(tree["ov"]), title="Kostenloses Schulessen")
    client.force_login(make_member(tree["ov2"]))

    response = client.get(
        reverse("ideas:similar", args=[process.slug]), {"titel": "Mehr Nachtbusse"}
    )

    assert [idea["title"] for idea in response.json()["ideas"]] == ["Nachtbusse in alle Stadtteile"]


def test_similar_titles_use_trigrams_on_postgresql(postgres, tree, process):
    from rotesnetz.ideas.selectors import similar_ideas

    make_idea(process, make_member(tree["ov"]), title="Nachtbusse in alle Stadtteile")
    make_idea(process, make_member(tree["ov"]), title="Kostenloses Schulessen")

    # A typo that shares no whole word still finds the idea by its trigrams.
    found = similar_ideas(process=process, title="Nachtbuse in alle Stadteile")

    assert [idea.title for idea in found] == ["Nachtbusse in alle Stadtteile"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


def test_export_csv_is_logged_with_its_filter(client, tree, process):
    make_idea(process, make_member(tree["ov"]), title="=HYPERLINK(evil)")
    staff = make_staff(landesverband=tree["lv"])
    client.force_login(staff)
    chapter = process.chapters.first()

    response = client.get(reverse("ideas:export_csv", args=[process.slug]), {"kapitel": chapter.pk})

    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert text.splitlines()[0].startswith("Nummer;Kapitel;Titel;")
    assert ";'=HYPERLINK(evil);" in text
    log = ExportLog.objects.get()
    assert (log.user, log.format, log.filters["chapter"], log.row_count) == (
        staff,
        "csv",
        chapter.pk,
        1,
    )


def test_export_pdf_is_a_pdf_and_logged(client, tree, process):
    idea = make_idea(process, make_member(tree["ov"]), title="Bus „rund um die Uhr“ – 24/7 €")
    staff = make_staff(landesverband=tree["lv"])
    services.idea_status_change(
        idea=idea, by=staff, status=IdeaStatus.NOT_ADOPTED, answer="Leider nicht 🙁"
    )
    client.force_login(staff)

    response = client.get(reverse("ideas:export_pdf", args=[process.slug]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert ExportLog.objects.get().format == "pdf"


@pytest.mark.parametrize("fmt", ["export_csv", "export_pdf"])
def test_export_without_the_right_is_refused_and_not_logged(client, tree, process, fmt):
    make_idea(process, make_member(tree["ov"]))
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))

    response = client.get(reverse(f"ideas:{fmt}", args=[process.slug]), follow=True)

    assert "Nur die Programmkommission kann die Ideen exportieren." in _messages(response)
    assert ExportLog.objects.count() == 0


def test_overview_is_public_and_counts_per_chapter(client, tree, process):
    staff = make_staff(landesverband=tree["lv"])
    ideas = [make_idea(process, make_member(tree["ov"])) for _ in range(3)]
    services.idea_status_change(
        idea=ideas[0],
        by=staff,
        status=IdeaStatus.ADOPTED,
        answer="Steht drin.",
        programme_chapter="Kapitel 1",
    )

    response = client.get(reverse("ideas:overview", args=[process.slug]))

    results = response.context["results"]
    assert response.status_code == 200
    assert (results[0].total, results[0].counts["adopted"], results[0].counts["submitted"]) == (
        3,
        1,
        2,
    )
    assert "Steht drin." in response.content.decode()


def test_diversity_shows_counts_to_staff_and_nothing_to_members(client, tree, process):
    supporter = make_member(tree["ov2"], name="Geheime Unterstützerin")
    for gliederung in ("ov", "ov", "ag"):
        idea = make_idea(process, make_member(tree[gliederung]))
        services.idea_support(idea=idea, user=supporter)
    url = reverse("ideas:diversity", args=[process.slug])

    client.force_login(make_member(tree["ov"]))
    assert client.get(url).status_code == 404
    client.force_login(make_staff(landesverband=tree["lv"]))
    response = client.get(url)

    figures = response.context["figures"]
    assert [(row.name, row.ideas, row.submitters) for row in figures["by_gliederung"]] == [
        ("OV Test", 2, 2),
        ("AG 60 plus Test", 1, 1),
    ]
    assert "Geheime Unterstützerin" not in response.content.decode()


def test_idea_page_never_lists_supporters(client, tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    services.idea_support(idea=idea, user=make_member(tree["ov2"], name="Stille Stimme"))
    client.force_login(make_member(tree["ov"]))

    page = client.get(idea.get_absolute_url()).content.decode()

    assert "1 Unterstützung" in page
    assert "Stille Stimme" not in page


def test_mein_netz_panel_shows_my_ideas_and_requests_to_decide(client, tree, process):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    make_idea(process, make_member(tree["ov"]), title="Im Namen des OV", on_behalf=True)
    client.force_login(vorstand)

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert "Meine Programmideen" in page
    assert "Im Namen des OV" in page
    assert "Zustimmen" in page


def test_unknown_process_and_idea_are_404(client, tree, process):
    client.force_login(make_member(tree["ov"]))

    assert client.get(reverse("ideas:process", args=["gibt-es-nicht"])).status_code == 404
    assert client.get(reverse("ideas:idea", args=[process.slug, 999999])).status_code == 404


def test_process_can_be_opened_by_landesverband_staff_only(client, tree):
    url = reverse("ideas:process_create")
    data = {
        "title": "Kommunalwahlprogramm",
        "landesverband": tree["lv"].pk,
        "participation": "landesverband",
        "collect_starts_at": "2026-01-01T10:00",
        "collect_ends_at": "2026-02-01T10:00",
        "review_ends_at": "2026-03-01T10:00",
        "chapters": "Mobilität\nBildung\n\nMobilität",
    }
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))
    assert client.post(url, data).status_code == 404

    client.force_login(make_staff(landesverband=tree["lv"]))
    response = client.post(url, data)

    from rotesnetz.ideas.models import ProgrammeProcess

    process = ProgrammeProcess.objects.get()
    assert response.status_code == 302
    assert list(process.chapters.values_list("title", flat=True)) == ["Mobilität", "Bildung"]


def test_process_with_phases_out_of_order_is_refused(client, tree):
    client.force_login(make_staff(landesverband=tree["lv"]))

    response = client.post(
        reverse("ideas:process_create"),
        {
            "title": "Falsch herum",
            "landesverband": tree["lv"].pk,
            "participation": "landesverband",
            "collect_starts_at": "2026-03-01T10:00",
            "collect_ends_at": "2026-02-01T10:00",
            "review_ends_at": "2026-01-01T10:00",
            "chapters": "Bildung",
        },
    )

    assert response.status_code == 200
    assert "Die Phasen müssen aufeinander folgen" in response.content.decode()


def test_process_edit_adds_chapters_and_moves_dates_for_the_commission_only(client, tree, process):
    url = reverse("ideas:process_edit", args=[process.slug])
    data = {
        "title": "Neuer Titel",
        "description": "",
        "collect_starts_at": "2026-01-01T10:00",
        "collect_ends_at": "2026-02-01T10:00",
        "review_ends_at": "2026-03-01T10:00",
        "chapters": "Wohnen\nMobilität",
    }
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))
    assert client.post(url, data).status_code == 404

    client.force_login(make_staff(landesverband=tree["lv"]))
    response = client.post(url, data)

    process.refresh_from_db()
    assert response.status_code == 302
    assert process.title == "Neuer Titel"
    assert process.phase == Phase.DECIDED
    assert list(process.chapters.values_list("title", flat=True)) == [
        "Mobilität",
        "Bildung",
        "Arbeit im Wandel",
        "Wohnen",
    ]


def test_mein_netz_panel_lists_my_ideas_with_their_status(client, tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author, title="Meine eigene Idee")
    services.idea_status_change(
        idea=idea, by=make_staff(landesverband=tree["lv"]), status=IdeaStatus.IN_REVIEW
    )
    client.force_login(author)

    page = client.get(reverse("members:mein_netz")).content.decode()

    assert "Meine eigene Idee" in page
    assert "rn-idea-status-in_review" in page


def test_similar_and_export_do_not_query_per_idea(client, tree, process):
    staff = make_staff(landesverband=tree["lv"])
    client.force_login(staff)
    make_idea(process, make_member(tree["ov"]), title="Nachtbusse eins")
    csv_url = reverse("ideas:export_csv", args=[process.slug])
    similar_url = reverse("ideas:similar", args=[process.slug]) + "?titel=Nachtbusse"
    few = (_queries(client, csv_url), _queries(client, similar_url))

    for number in range(4):
        make_idea(process, make_member(tree["ov"]), title=f"Nachtbusse {number}")
    many = (_queries(client, csv_url), _queries(client, similar_url))

    assert many == few
