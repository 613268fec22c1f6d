"""What Programmideen hand to the privacy registry (wired in ``apps.py``).

Export: the person's ideas with the commission's answers, their comments, the ideas they
support, their requests to speak for a Gliederung and their exports. Erasure: ideas and
comments stay as "deleted member" (the process must stay understandable), the person's names
and addresses go from every text; supports go and the counts follow.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from rotesnetz.markup import render_markdown
from rotesnetz.privacy.coded import coded

from .models import BehalfRequest, Comment, ExportLog, Idea, StatusChange, Support


def export_ideas(user) -> dict:
    return {
        "ideas": [
            {
                "process": idea.process.title,
                "title": idea.title,
                "text": idea.text,
                "status": coded(idea, "status"),
                "answer": idea.answer,
                "supporters": idea.support_count,
                "submitted_on": idea.created_at,
            }
            for idea in Idea.objects.filter(author=user).select_related("process")
        ],
        "comments": [
            {"idea": c.idea.title, "text": c.text, "at": c.created_at}
            for c in Comment.objects.filter(author=user).select_related("idea")
        ],
        "supports": [
            {"idea": s.idea.title, "since": s.created_at}
            for s in Support.objects.filter(user=user).select_related("idea")
        ],
        "requests_to_speak_for": [
            {"idea": b.idea.title, "gliederung": b.gliederung.name, "status": coded(b, "status")}
            for b in BehalfRequest.objects.filter(requested_by=user).select_related(
                "idea", "gliederung"
            )
        ],
        "exports": [
            {
                "process": e.process.title,
                "format": coded(e, "format"),
                "rows": e.row_count,
                "at": e.created_at,
            }
            for e in ExportLog.objects.filter(user=user).select_related("process")
        ],
    }


def erase_ideas(user) -> None:
    from rotesnetz.privacy.services import identity_of, rows_naming

    identity = identity_of(user)
    supported = list(Support.objects.filter(user=user).values_list("idea_id", flat=True))
    Support.objects.filter(user=user).delete()
    counts = Support.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Count("id"))
    Idea.objects.filter(pk__in=supported).update(
        support_count=Coalesce(Subquery(counts.values("n")), 0)
    )
    for idea in rows_naming(Idea.objects.all(), identity, ["title", "text", "answer"]):
        text, answer = identity.scrub(idea.text), identity.scrub(idea.answer)
        Idea.objects.filter(pk=idea.pk).update(
            title=identity.scrub(idea.title),
            text=text,
            html=render_markdown(text),
            answer=answer,
            answer_html=render_markdown(answer) if answer else "",
        )
    for comment in rows_naming(Comment.objects.all(), identity, ["text"]):
        text = identity.scrub(comment.text)
        Comment.objects.filter(pk=comment.pk).update(text=text, html=render_markdown(text))
    for change in rows_naming(StatusChange.objects.all(), identity, ["answer"]):
        answer = identity.scrub(change.answer)
        StatusChange.objects.filter(pk=change.pk).update(
            answer=answer, answer_html=render_markdown(answer) if answer else ""
        )
    # Authorship goes with the account (SET_NULL); nothing else names the person.
    BehalfRequest.objects.filter(requested_by=user).update(requested_by=None)


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "ideas",
        label=_("Programme ideas: your ideas, comments and supports"),
        export=export_ideas,
        erase=erase_ideas,
        order=60,
        audit_actions={"ideas.export": _("Ideas exported")},
        mail_purposes={
            "ideas.behalf": _("Idea in the name of a Gliederung"),
            "ideas.merged": _("Idea merged with a similar one"),
            "ideas.status": _("Status of an idea changed"),
        },
        named_targets={"ideas.programmeprocess"},
    )
