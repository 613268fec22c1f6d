"""Who may see and do what with conferences; ``docs/konferenzen.md`` is the table these follow.

Staff of a conference are the staff (Landesverband or Regionalzentrum) responsible for the
Gliederung that organises it, and admins. Question moderators are named per conference or per
series; staff moderate too. Registrants are members with a confirmed registration (guests act
through the secret link in their mail and never through these user predicates).
"""

import rules
from django.db.models import Q

from rotesnetz.members.models import Membership
from rotesnetz.members.rules import is_admin, is_party_staff, is_staff_for

from .enums import Audience, RegistrationStatus
from .models import Registration


@rules.predicate
def is_conference_staff(user, conference) -> bool:
    if not user.is_authenticated or conference is None:
        return False
    if user.is_superuser:
        return True
    return is_staff_for(user, conference.gliederung)


@rules.predicate
def is_series_staff(user, series) -> bool:
    if not user.is_authenticated or series is None:
        return False
    return user.is_superuser or is_staff_for(user, series.gliederung)


@rules.predicate
def can_schedule(user) -> bool:
    """Staff anywhere (they can only pick Gliederungen they are responsible for)."""
    return user.is_authenticated and (user.is_superuser or is_party_staff(user))


@rules.predicate
def is_registrant(user, conference) -> bool:
    if not user.is_authenticated or conference is None:
        return False
    return Registration.objects.filter(
        conference=conference, user=user, status=RegistrationStatus.CONFIRMED
    ).exists()


@rules.predicate
def is_question_moderator(user, conference) -> bool:
    if not user.is_authenticated or conference is None:
        return False
    if conference.moderators.filter(pk=user.pk).exists():
        return True
    if conference.series_id and conference.series.moderators.filter(pk=user.pk).exists():
        return True
    return is_conference_staff(user, conference)


@rules.predicate
def is_in_audience(user, conference) -> bool:
    """May register: a member of the invited Gliederungen (or below them), or anyone signed in
    for a public conference."""
    if not user.is_authenticated or conference is None:
        return False
    if conference.audience == Audience.PUBLIC:
        return True
    if conference.audience == Audience.LANDESVERBAND:
        landesverband = conference.gliederung.landesverband() or conference.gliederung
        paths = [landesverband.path]
    else:
        paths = list(conference.audience_gliederungen.values_list("path", flat=True))
    if not paths:
        return False
    condition = Q()
    for path in paths:
        condition |= Q(gliederung__path__startswith=path)
    return Membership.objects.filter(condition, user=user).exists()


@rules.predicate
def is_open_for_registration(user, conference) -> bool:
    from .services import registration_closed_reason

    return conference is not None and registration_closed_reason(conference) is None


@rules.predicate
def has_ended(user, conference) -> bool:
    return conference is not None and conference.has_ended


can_manage = is_conference_staff | is_admin
can_see_dial_in = is_registrant | is_conference_staff

rules.add_perm("konferenzen.schedule_conference", can_schedule)
rules.add_perm("konferenzen.manage_conference", can_manage)
rules.add_perm("konferenzen.manage_series", is_series_staff)
rules.add_perm("konferenzen.view_dial_in", can_see_dial_in)
rules.add_perm("konferenzen.register", is_in_audience & ~is_registrant)
rules.add_perm("konferenzen.view_questions", is_registrant | is_question_moderator)
rules.add_perm("konferenzen.ask_question", is_registrant)
rules.add_perm("konferenzen.support_question", is_registrant)
rules.add_perm("konferenzen.moderate_questions", is_question_moderator)
rules.add_perm("konferenzen.export_briefing", is_question_moderator)
rules.add_perm("konferenzen.give_feedback", is_registrant & has_ended)
rules.add_perm("konferenzen.view_mail_log", can_manage)
