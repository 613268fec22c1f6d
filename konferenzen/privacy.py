"""What the Konferenzen part hands to the privacy registry (wired in ``apps.py``).

Export: the person's registrations (as member, or as guest with one of their addresses) with
their questions, supports and feedback, and the conferences they moderate. Erasure: the
registrations go with everything hanging on them; supported questions are recounted.
Retention: after a conference (plus ``KONFERENZEN_RETENTION_DAYS``) its participant list and
its dial-in data go; the counts the conference keeps stay.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from rotesnetz.privacy.coded import coded

from .enums import MailPurpose
from .models import (
    Conference,
    DialIn,
    Feedback,
    Question,
    QuestionSupport,
    Registration,
    Series,
)


def _registrations(user):
    from rotesnetz.privacy.services import identity_of

    return Registration.objects.filter(
        Q(user=user) | Q(user__isnull=True, email__in=identity_of(user).emails)
    )


def export_konferenzen(user) -> dict:
    registrations = _registrations(user).select_related("conference")
    return {
        "registrations": [
            {
                "conference": r.conference.title,
                "starts_at": r.conference.starts_at,
                "status": coded(r, "status"),
                "name": r.name,
                "email": r.email,
                "registered_on": r.created_at,
                "confirmed_on": r.confirmed_at,
                "cancelled_on": r.cancelled_at,
            }
            for r in registrations
        ],
        "questions": [
            {
                "conference": q.conference.title,
                "text": q.text,
                "status": coded(q, "status"),
                "at": q.created_at,
            }
            for q in Question.objects.filter(registration__in=registrations).select_related(
                "conference"
            )
        ],
        "questions_supported": [
            {"conference": s.question.conference.title, "at": s.created_at}
            for s in QuestionSupport.objects.filter(registration__in=registrations).select_related(
                "question__conference"
            )
        ],
        "feedback": [
            {"conference": f.conference.title, "rating": f.rating, "comment": f.comment}
            for f in Feedback.objects.filter(registration__in=registrations).select_related(
                "conference"
            )
        ],
        "moderating": [c.title for c in Conference.objects.filter(moderators=user)]
        + [s.title for s in Series.objects.filter(moderators=user)],
    }


def _recount(question_ids) -> None:
    counts = (
        QuestionSupport.objects.filter(question=OuterRef("pk"))
        .values("question")
        .annotate(n=Count("id"))
        .values("n")
    )
    Question.objects.filter(pk__in=question_ids).update(support_count=Coalesce(Subquery(counts), 0))


def erase_konferenzen(user) -> None:
    registrations = _registrations(user)
    supported = list(
        QuestionSupport.objects.filter(registration__in=registrations).values_list(
            "question_id", flat=True
        )
    )
    registrations.delete()  # questions, supports and feedback hang on the registration
    _recount(supported)
    Conference.moderators.through.objects.filter(user=user).delete()
    Series.moderators.through.objects.filter(user=user).delete()


def retain_konferenzen(now) -> dict[str, int]:
    """Participant lists and dial-in data of conferences that ended the period ago."""
    cutoff = now - timedelta(days=settings.KONFERENZEN_RETENTION_DAYS)
    ended = Conference.objects.filter(ends_at__lt=cutoff)
    registrations = Registration.objects.filter(conference__in=ended)
    supported = list(
        QuestionSupport.objects.filter(registration__in=registrations).values_list(
            "question_id", flat=True
        )
    )
    removed, _rows = registrations.delete()
    _recount(supported)
    dial_ins, _rows = DialIn.objects.filter(conference__in=ended).delete()
    return {"registrations": removed, "dial_in_data": dial_ins}


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "konferenzen",
        label=_("Conferences: registrations, questions, feedback"),
        export=export_konferenzen,
        erase=erase_konferenzen,
        retain=retain_konferenzen,
        audit_actions={
            "konferenzen.briefing.export": _("Briefing exported"),
            "konferenzen.mail_log.view": _("Mails of a conference viewed"),
            "konferenzen.participants.view": _("Participant list viewed"),
        },
        # The purposes' labels are the ones the mail log shows.
        mail_purposes=dict(MailPurpose.choices),
        named_targets={"konferenzen.conference"},
    )
