"""What the Parteischule hands to the privacy registry (wired in ``apps.py``).

Export: the person's enrolments with attendance and certificates, their own feedback, their
voluntary diversity details and consent log, the courses they train. Erasure: seats free up
(the waitlist moves), then enrolments, feedback, certificates and diversity details go; courses
they created or messaged keep their content without them.
"""

from django.utils.translation import gettext_lazy as _

from rotesnetz.privacy.coded import coded

from .models import (
    Attendance,
    Certificate,
    Course,
    CourseMessage,
    DiversityConsentLog,
    DiversityProfile,
    Enrolment,
    Feedback,
)


def export_parteischule(user) -> dict:
    enrolments = Enrolment.objects.filter(user=user).select_related("course")
    attended = {}
    for attendance in Attendance.objects.filter(enrolment__user=user).select_related("session"):
        attended.setdefault(attendance.enrolment_id, []).append(attendance.session.starts_at)
    profile = DiversityProfile.objects.filter(user=user).first()
    return {
        "enrolments": [
            {
                "course": e.course.title,
                "status": coded(e, "status"),
                "reserved_seat": e.reserved_seat,
                "registered_on": e.created_at,
                "enrolled_on": e.enrolled_at,
                "cancelled_on": e.cancelled_at,
                "completed_on": e.completed_at,
                "sessions_attended": attended.get(e.pk, []),
            }
            for e in enrolments
        ],
        "certificates": [
            {"course": c.enrolment.course.title, "code": c.code, "issued_on": c.issued_at}
            for c in Certificate.objects.filter(enrolment__user=user).select_related(
                "enrolment__course"
            )
        ],
        "feedback": [
            {
                "course": f.enrolment.course.title,
                "overall": f.overall,
                "content": f.content,
                "trainers": f.trainers,
                "would_recommend": f.would_recommend,
                "comment": f.comment,
            }
            for f in Feedback.objects.filter(enrolment__user=user).select_related(
                "enrolment__course"
            )
        ],
        "diversity": (
            {
                "age_band": coded(profile, "age_band"),
                "gender": coded(profile, "gender"),
                "consent_version": profile.consent_version,
                "consented_at": profile.consented_at,
            }
            if profile
            else None
        ),
        "diversity_consent_log": [
            {"action": coded(entry, "action"), "version": entry.consent_version, "at": entry.at}
            for entry in DiversityConsentLog.objects.filter(user=user)
        ],
        "courses_as_trainer": [course.title for course in Course.objects.filter(trainers=user)],
        "messages_to_participants": [
            {"course": m.course.title, "subject": m.subject, "text": m.body, "at": m.created_at}
            for m in CourseMessage.objects.filter(author=user).select_related("course")
        ],
    }


def erase_parteischule(user) -> None:
    from .services import enrolments_withdraw

    enrolments_withdraw(user=user)
    Feedback.objects.filter(enrolment__user=user).delete()
    Enrolment.objects.filter(user=user).delete()
    DiversityProfile.objects.filter(user=user).delete()
    DiversityConsentLog.objects.filter(user=user).delete()
    Course.trainers.through.objects.filter(user=user).delete()


def register() -> None:
    from rotesnetz.privacy import registry

    registry.register(
        "parteischule",
        label=_("Party school: enrolments, certificates, feedback, diversity details"),
        export=export_parteischule,
        erase=erase_parteischule,
        audit_actions={"parteischule.participants.view": _("Participant list viewed")},
        mail_purposes={
            "parteischule.completed": _("Course completed"),
            "parteischule.confirm": _("Enrolment confirmed"),
            "parteischule.message": _("Message to the participants"),
            "parteischule.promoted": _("Moved up from the waitlist"),
            "parteischule.reminder": _("Reminder of a date"),
            "parteischule.session_added": _("New date"),
            "parteischule.session_changed": _("Date changed"),
            "parteischule.session_removed": _("Date cancelled"),
            "parteischule.waitlist": _("On the waitlist"),
        },
        named_targets={"parteischule.course"},
    )
