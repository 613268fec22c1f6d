"""The "Mein Netz" panel: my courses, my waitlist places, my next sessions."""

from django.utils import timezone

from . import selectors
from .enums import EnrolmentStatus


def mein_netz_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    now = timezone.now()
    enrolments = list(selectors.enrolments_of(user=user))
    current = [
        e for e in enrolments if e.course.last_session_at is None or e.course.last_session_at >= now
    ]
    return {
        "template": "parteischule/panels/mein_netz.html",
        "context": {
            "enrolled": [e for e in current if e.status == EnrolmentStatus.ENROLLED],
            "waitlisted": [e for e in current if e.status == EnrolmentStatus.WAITLISTED],
            "sessions": list(selectors.upcoming_sessions_of(user=user, now=now)),
        },
    }
