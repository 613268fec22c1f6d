"""Services of Programmideen: what they store, refuse (in German) and send."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rotesnetz.ideas import services
from rotesnetz.ideas.models import (
    BehalfStatus,
    Comment,
    Idea,
    IdeaStatus,
    Phase,
    StatusChange,
    Support,
)
from rotesnetz.members.models import MembershipRole
from rotesnetz.outbox.models import OutboundMail
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_staff, make_tree
from tests.support.ideas_factories import make_idea, make_process, set_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def process(tree):
    return make_process(landesverband=tree["lv"])


def _message(error) -> str:
    return " ".join(error.value.messages) if hasattr(error.value, "messages") else str(error.value)


def test_submit_stores_safe_markdown(tree, process):
    author = make_member(tree["ov"])

    idea = make_idea(process, author, text="**Mehr Busse** <script>alert(1)</script>")

    assert idea.html.startswith("<p><strong>Mehr Busse</strong>")
    assert "<script>" not in idea.html
    assert idea.gliederung == tree["ov"]
    assert idea.status == IdeaStatus.SUBMITTED


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("", "Text", "Bitte fülle aus: Titel."),
        ("   ", "Text", "Bitte fülle aus: Titel."),
        ("Titel", "", "Bitte fülle aus: Text."),
        ("x" * 151, "Text", "Titel darf höchstens 150 Zeichen lang sein"),
        ("Titel", "x" * 5001, "Text darf höchstens 5000 Zeichen lang sein"),
    ],
)
def test_submit_refuses_empty_or_oversized_texts(tree, process, title, text, expected):
    author = make_member(tree["ov"])

    with pytest.raises(ValidationError) as error:
        services.idea_submit(
            process=process, author=author, title=title, text=text, chapter=process.chapters.first()
        )

    assert expected in _message(error)
    assert Idea.objects.count() == 0


def test_submit_after_the_collect_phase_is_refused(tree, process):
    author = make_member(tree["ov"])
    set_phase(process, Phase.REVIEW)

    with pytest.raises(ValidationError) as error:
        make_idea(process, author)

    assert "Die Phase zum Sammeln von Ideen ist beendet" in _message(error)
    assert Idea.objects.count() == 0


def test_submit_by_a_member_of_another_landesverband_is_refused(tree, process):
    with pytest.raises(PermissionDenied) as error:
        make_idea(process, make_member(tree["other_ov"]))

    assert "Nur Mitglieder der beteiligten Gliederungen" in _message(error)
    assert Idea.objects.count() == 0


def test_submit_with_a_chapter_of_another_process_is_refused(tree, process):
    other = make_process(landesverband=tree["lv"])

    with pytest.raises(ValidationError):
        make_idea(process, make_member(tree["ov"]), chapter=other.chapters.first())

    assert Idea.objects.count() == 0


def test_support_counts_once_and_can_be_withdrawn(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    supporter = make_member(tree["ov2"])

    services.idea_support(idea=idea, user=supporter)
    with pytest.raises(ValidationError) as error:
        services.idea_support(idea=idea, user=supporter)

    assert "Du unterstützt diese Idee schon." in _message(error)
    idea.refresh_from_db()
    assert (idea.support_count, Support.objects.count()) == (1, 1)

    services.idea_unsupport(idea=idea, user=supporter)

    idea.refresh_from_db()
    assert (idea.support_count, Support.objects.count()) == (0, 0)


def test_support_is_unique_in_the_database(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    supporter = make_member(tree["ov2"])
    Support.objects.create(idea=idea, user=supporter)

    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.create(idea=idea, user=supporter)


def test_support_of_ones_own_idea_is_refused_when_the_process_forbids_it(tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author)

    with pytest.raises(ValidationError) as error:
        services.idea_support(idea=idea, user=author)

    assert "deine eigene Idee nicht unterstützen" in _message(error)
    assert Support.objects.count() == 0


def test_support_after_the_collect_phase_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    set_phase(process, Phase.DECIDED)
    idea.refresh_from_db()

    with pytest.raises(ValidationError):
        services.idea_support(idea=idea, user=make_member(tree["ov2"]))

    assert Support.objects.count() == 0


def test_comment_counts_and_refuses_empty_text(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    member = make_member(tree["ov2"])

    services.comment_post(idea=idea, author=member, text="Gute Idee!")
    with pytest.raises(ValidationError):
        services.comment_post(idea=idea, author=member, text="  \n ")

    idea.refresh_from_db()
    assert (idea.comment_count, Comment.objects.count()) == (1, 1)


def test_comment_after_the_decision_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    set_phase(process, Phase.DECIDED)
    idea.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.comment_post(idea=idea, author=make_member(tree["ov2"]), text="Zu spät")

    assert "entschieden" in _message(error)
    assert Comment.objects.count() == 0


def test_status_change_mails_submitter_and_each_supporter_once(tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author, title="Nachtbusse")
    supporters = [make_member(tree["ov2"]) for _ in range(2)]
    for supporter in supporters:
        services.idea_support(idea=idea, user=supporter)
    staff = make_staff(landesverband=tree["lv"])

    change = services.idea_status_change(
        idea=idea,
        by=staff,
        status=IdeaStatus.ADOPTED,
        answer="Wir übernehmen das.",
        programme_chapter="3. Mobilität",
        programme_section="3.2 Nachtverkehr",
    )

    mails = OutboundMail.objects.filter(purpose="ideas.status").order_by("to")
    assert sorted(mail.to for mail in mails) == sorted(
        [author.email] + [s.email for s in supporters]
    )
    assert all("übernommen" in mail.subject for mail in mails)
    assert "Wir übernehmen das." in mails[0].body
    assert "3.2 Nachtverkehr" in mails[0].body
    idea.refresh_from_db()
    assert (idea.status, idea.programme_chapter) == (IdeaStatus.ADOPTED, "3. Mobilität")
    assert list(StatusChange.objects.values_list("status_from", "status_to")) == [
        (IdeaStatus.SUBMITTED, IdeaStatus.ADOPTED)
    ]
    assert change.changed_by == staff


def test_status_adopted_without_answer_or_place_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    staff = make_staff(landesverband=tree["lv"])

    with pytest.raises(ValidationError):
        services.idea_status_change(idea=idea, by=staff, status=IdeaStatus.ADOPTED)
    with pytest.raises(ValidationError):
        services.idea_status_change(
            idea=idea, by=staff, status=IdeaStatus.ADOPTED, answer="Ja, machen wir."
        )

    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED
    assert StatusChange.objects.count() == 0
    assert OutboundMail.objects.count() == 0


def test_status_change_by_a_member_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))

    with pytest.raises(PermissionDenied):
        services.idea_status_change(
            idea=idea, by=make_member(tree["ov"], MembershipRole.VORSTAND), status="in_review"
        )

    assert StatusChange.objects.count() == 0


def test_status_change_after_the_decision_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))
    set_phase(process, Phase.DECIDED)
    idea.refresh_from_db()

    with pytest.raises(ValidationError):
        services.idea_status_change(
            idea=idea, by=make_staff(landesverband=tree["lv"]), status=IdeaStatus.IN_REVIEW
        )

    assert StatusChange.objects.count() == 0


def test_merge_keeps_supporters_and_comments(tree, process):
    first_author, second_author = make_member(tree["ov"]), make_member(tree["ov2"])
    duplicate = make_idea(process, first_author, title="Mehr Nachtbusse")
    target = make_idea(process, second_author, title="Nachtbusse überall")
    both, only_dup, only_target = (make_member(tree["ov"]) for _ in range(3))
    for user in (both, only_dup):
        services.idea_support(idea=duplicate, user=user)
    for user in (both, only_target):
        services.idea_support(idea=target, user=user)
    services.comment_post(idea=duplicate, author=both, text="Genau!")

    merged = services.idea_merge(
        duplicate=duplicate, into=target, by=make_staff(landesverband=tree["lv"])
    )

    supporters = set(Support.objects.filter(idea=target).values_list("user_id", flat=True))
    assert supporters == {both.pk, only_dup.pk, only_target.pk, first_author.pk}
    assert merged.support_count == 4
    assert merged.comment_count == 1
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target
    assert OutboundMail.objects.filter(purpose="ideas.merged", to=first_author.email).count() == 1


def test_merge_into_itself_is_refused(tree, process):
    idea = make_idea(process, make_member(tree["ov"]))

    with pytest.raises(ValidationError):
        services.idea_merge(duplicate=idea, into=idea, by=make_staff(landesverband=tree["lv"]))


def test_on_behalf_asks_the_vorstand_and_stands_once_confirmed(tree, process):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    author = make_member(tree["ov"])

    idea = make_idea(process, author, on_behalf=True)

    assert idea.behalf.status == BehalfStatus.PENDING
    assert list(
        OutboundMail.objects.filter(purpose="ideas.behalf").values_list("to", flat=True)
    ) == [vorstand.email]
    with pytest.raises(PermissionDenied):
        services.behalf_decide(behalf_id=idea.behalf.pk, by=author, accept=True)

    behalf = services.behalf_decide(behalf_id=idea.behalf.pk, by=vorstand, accept=True)

    assert behalf.status == BehalfStatus.CONFIRMED
    with pytest.raises(ValidationError):
        services.behalf_decide(behalf_id=idea.behalf.pk, by=vorstand, accept=False)


def test_on_behalf_without_a_vorstand_on_the_platform_stores_nothing(tree, process):
    with pytest.raises(ValidationError) as error:
        make_idea(process, make_member(tree["ov"]), on_behalf=True)

    assert "Vorstand" in _message(error)
    assert Idea.objects.count() == 0


def test_on_behalf_of_a_unterbezirk_is_refused(tree, process):
    member = make_member(tree["ub"])

    with pytest.raises(ValidationError):
        make_idea(process, member, on_behalf=True)

    assert Idea.objects.count() == 0


def test_discussion_room_is_created_in_the_gliederung_and_links_back(tree, process):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    idea = make_idea(process, make_member(tree["ov"]), title="Nachtbusse")

    room = services.idea_open_discussion(idea=idea, by=vorstand)

    idea.refresh_from_db()
    assert idea.room == room
    assert room.gliederung == tree["ov"]
    assert room.name == f"Idee #{idea.pk}: Nachtbusse"
    assert room.topic.endswith(idea.get_absolute_url())
    with pytest.raises(ValidationError):
        services.idea_open_discussion(idea=idea, by=vorstand)
    assert Room.objects.filter(gliederung=tree["ov"], is_main=False).count() == 1


def test_discussion_room_by_a_plain_member_is_refused(tree, process):
    author = make_member(tree["ov"])
    idea = make_idea(process, author)

    with pytest.raises(PermissionDenied):
        services.idea_open_discussion(idea=idea, by=author)

    assert Room.objects.filter(is_main=False).count() == 0
