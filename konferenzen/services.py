"""Writes of the conference app. Views, the consumer, tasks and the admin call these.

Every write checks, saves under the right row lock and leaves its side effects (mails through
the outbox, live events, signals) for after the commit.
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rotesnetz.dates import format_moment
from rotesnetz.members.models import Gliederung, User
from rotesnetz.members.rules import is_staff_for
from rotesnetz.outbox.models import MailStatus, OutboundMail
from rotesnetz.outbox.services import mail_enqueue, mail_enqueue_many, outbound_retry

from . import groups, mails, scheduling
from .briefing import briefing_csv
from .enums import (
    Audience,
    ConferenceStatus,
    ContributorRole,
    DialInTiming,
    Format,
    Provider,
    QuestionStatus,
    RegistrationStatus,
)
from .models import (
    QUESTION_MAX_LENGTH,
    Conference,
    Contributor,
    DialIn,
    Feedback,
    Question,
    QuestionSupport,
    QuestionTopic,
    Registration,
    Series,
)
from .rules import can_schedule, is_conference_staff, is_in_audience, is_question_moderator
from .signals import conference_registration_changed
from .validators import (
    normalize_phone_numbers,
    validate_access_code,
    validate_join_url,
    validate_meeting_number,
    validate_password,
)

logger = logging.getLogger(__name__)

CONFERENCE_FIELDS = (
    "title",
    "topic",
    "description",
    "format",
    "series",
    "gliederung",
    "starts_at",
    "ends_at",
    "audience",
    "capacity",
    "registration_deadline",
    "venue",
    "dial_in_timing",
    "dial_in_days_before",
    "dial_in_custom_at",
    "send_reminder",
)
DIAL_IN_FIELDS = (
    "provider",
    "join_url",
    "meeting_number",
    "password",
    "phone_numbers",
    "access_code",
)
CHUNK = 500
MAX_QUESTIONS_PER_REGISTRANT = 20


# --- Helpers --------------------------------------------------------------------------------


def _after_commit_task(task, **kwargs) -> None:
    """Queue a task after commit; if the broker is down, the periodic task catches up."""

    def send():
        try:
            task.delay(**kwargs)
        except Exception:
            logger.warning(
                "konferenzen: broker unreachable, %s waits for the periodic run", task.name
            )

    transaction.on_commit(send)


def _broadcast(conference_id: int, event: dict) -> None:
    """Tell the live moderator view, after commit. A missing layer never breaks the write."""

    def send():
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                groups.moderation(conference_id), {"type": "questions.event", "event": event}
            )
        except Exception:
            logger.exception("konferenzen: live event for conference %s not sent", conference_id)

    transaction.on_commit(send)


def _registration_changed(registration: Registration, active: bool) -> None:
    conference_id, registration_id, user_id = (
        registration.conference_id,
        registration.pk,
        registration.user_id,
    )
    transaction.on_commit(
        lambda: conference_registration_changed.send(
            sender=Registration,
            conference_id=conference_id,
            registration_id=registration_id,
            user_id=user_id,
            active=active,
        )
    )


def _when(moment) -> str:
    return format_moment(moment, "day_datetime")


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _unique_slug(conference: Conference) -> str:
    day = timezone.localtime(conference.starts_at).date().isoformat()
    base = f"{slugify(conference.title)[:90] or 'konferenz'}-{day}"
    slug, number = base, 2
    while Conference.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def jitsi_url(title: str) -> str:
    """An unguessable room on the configured Jitsi domain (about 190 bits of randomness)."""
    room = f"{slugify(title)[:40] or 'konferenz'}-{secrets.token_urlsafe(24)}"
    return f"https://{settings.JITSI_DOMAIN}/{room}"


def _require_manage(user: User, conference: Conference) -> None:
    if not is_conference_staff(user, conference):
        raise PermissionDenied


# --- Scheduling -----------------------------------------------------------------------------


def _prepare(
    conference: Conference,
    dial_in: DialIn,
    audience_gliederungen: Iterable[Gliederung],
    *,
    creating: bool,
) -> None:
    """Normalise and check a conference and its dial-in data; raise one ValidationError with
    a clear German message per field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    conference.title = " ".join((conference.title or "").split())
    conference.topic = " ".join((conference.topic or "").split())
    conference.venue = (conference.venue or "").strip()
    if not conference.title:
        add("title", _("Please enter a title."))
    for name, validator in (
        ("meeting_number", validate_meeting_number),
        ("password", validate_password),
        ("access_code", validate_access_code),
        ("phone_numbers", normalize_phone_numbers),
    ):
        try:
            setattr(dial_in, name, validator(getattr(dial_in, name) or ""))
        except ValidationError as error:
            add(name, error.messages[0])

    if conference.format == Format.ZUKUNFT:
        for name in DIAL_IN_FIELDS:
            setattr(dial_in, name, "")
    else:
        if dial_in.provider not in Provider.values or not dial_in.provider:
            add("provider", _("A web or hybrid conference needs a video provider."))
        elif dial_in.provider == Provider.JITSI and not (dial_in.join_url or "").strip():
            dial_in.join_url = jitsi_url(conference.title)
        try:
            dial_in.join_url = validate_join_url(dial_in.join_url or "", dial_in.provider)
        except ValidationError as error:
            add("join_url", error.messages[0])
        if dial_in.provider and not dial_in.join_url and "join_url" not in errors:
            add("join_url", _("Please enter the join link (https://…)."))
    if conference.has_venue and not conference.venue:
        add("venue", _("Please enter the venue."))

    starts, ends = conference.starts_at, conference.ends_at
    if starts and ends and ends <= starts:
        add("ends_at", _("The end must be after the start."))
    if creating and starts and starts <= timezone.now():
        add("starts_at", _("The start lies in the past."))
    deadline = conference.registration_deadline
    if deadline and ends and deadline >= ends:
        add("registration_deadline", _("The registration deadline must be before the end."))
    if conference.capacity is not None and conference.capacity < 1:
        add("capacity", _("The capacity must be at least 1 (or empty for no limit)."))
    if conference.audience == Audience.GLIEDERUNGEN and not list(audience_gliederungen):
        add("audience_gliederungen", _("Please choose at least one Gliederung."))
    if conference.dial_in_timing == DialInTiming.CUSTOM and not conference.dial_in_custom_at:
        add("dial_in_custom_at", _("Please choose when the dial-in data is sent."))
    if conference.dial_in_days_before is None or conference.dial_in_days_before > 60:
        add("dial_in_days_before", _("Please choose between 0 and 60 days."))
    if starts and not conference.dial_in_released_at and "dial_in_custom_at" not in errors:
        conference.dial_in_send_at = scheduling.dial_in_send_at(
            starts_at=starts,
            timing=conference.dial_in_timing,
            days_before=conference.dial_in_days_before or 0,
            custom_at=conference.dial_in_custom_at,
        )
        if conference.dial_in_send_at >= starts:
            add(
                "dial_in_timing",
                _("The dial-in data must go out before the conference starts (%(when)s).")
                % {"when": _when(conference.dial_in_send_at)},
            )
    if errors:
        raise ValidationError(errors)


def conference_create(
    *,
    by: User,
    fields: dict,
    dial_in: dict,
    audience_gliederungen: Iterable[Gliederung] = (),
) -> Conference:
    if not can_schedule(by):
        raise PermissionDenied
    conference = Conference(**{k: v for k, v in fields.items() if k in CONFERENCE_FIELDS})
    conference.created_by = by
    gliederung = conference.gliederung
    if not (by.is_superuser or is_staff_for(by, gliederung)):
        raise ValidationError({"gliederung": _("You are not staff for this Gliederung.")})
    if conference.series_id and not (
        by.is_superuser or is_staff_for(by, conference.series.gliederung)
    ):
        raise ValidationError({"series": _("You cannot add conferences to this series.")})
    data = DialIn(**{k: v for k, v in dial_in.items() if k in DIAL_IN_FIELDS})
    audience_gliederungen = list(audience_gliederungen)
    _prepare(conference, data, audience_gliederungen, creating=True)
    with transaction.atomic():
        conference.slug = _unique_slug(conference)
        conference.save()
        data.conference = conference
        data.save()
        conference.audience_gliederungen.set(audience_gliederungen)
    logger.info("conference %s scheduled by user %s", conference.pk, by.pk)
    return conference


def _dial_in_values(data: DialIn) -> tuple:
    return tuple(getattr(data, name) for name in DIAL_IN_FIELDS)


def _mark_changed(conference: Conference) -> None:
    """Raise the calendar SEQUENCE; the change mails go out from a task after commit."""
    conference.sequence += 1
    conference.changed_at = timezone.now()
    from . import tasks

    _after_commit_task(tasks.notify_changes, conference_id=conference.pk)


def conference_update(
    *,
    conference_id: int,
    by: User,
    fields: dict,
    dial_in: dict,
    audience_gliederungen: Iterable[Gliederung] = (),
) -> Conference:
    audience_gliederungen = list(audience_gliederungen)
    with transaction.atomic():
        conference = (
            Conference.objects.select_for_update(of=("self",))
            .select_related("gliederung", "series")
            .get(pk=conference_id)
        )
        _require_manage(by, conference)
        if conference.is_cancelled:
            raise ValidationError(_("A cancelled conference cannot be changed any more."))
        data, _created = DialIn.objects.get_or_create(conference=conference)
        old_time = (conference.starts_at, conference.ends_at)
        old_venue = conference.venue
        old_dial_in = _dial_in_values(data)
        for name, value in fields.items():
            if name in CONFERENCE_FIELDS and name != "gliederung":
                setattr(conference, name, value)
        if "gliederung" in fields and fields["gliederung"] != conference.gliederung:
            if not (by.is_superuser or is_staff_for(by, fields["gliederung"])):
                raise ValidationError({"gliederung": _("You are not staff for this Gliederung.")})
            conference.gliederung = fields["gliederung"]
        for name, value in dial_in.items():
            if name in DIAL_IN_FIELDS:
                setattr(data, name, value)
        if data.provider == Provider.JITSI and old_dial_in[0] == Provider.JITSI:
            # Keep the generated room unless staff entered another link.
            data.join_url = data.join_url or old_dial_in[1]
        _prepare(conference, data, audience_gliederungen, creating=False)
        time_changed = (conference.starts_at, conference.ends_at) != old_time
        venue_changed = conference.has_venue and conference.venue != old_venue
        dial_in_changed = _dial_in_values(data) != old_dial_in
        if time_changed or venue_changed or (dial_in_changed and conference.dial_in_released_at):
            _mark_changed(conference)
        conference.save()
        data.save()
        conference.audience_gliederungen.set(audience_gliederungen)
    logger.info(
        "conference %s changed by user %s (time %s, dial-in %s)",
        conference.pk,
        by.pk,
        time_changed,
        dial_in_changed,
    )
    return conference


def jitsi_room_renew(*, conference_id: int, by: User) -> Conference:
    with transaction.atomic():
        conference = Conference.objects.select_for_update(of=("self",)).get(pk=conference_id)
        _require_manage(by, conference)
        data = DialIn.objects.select_for_update().get(conference=conference)
        if data.provider != Provider.JITSI:
            raise ValidationError(_("Only a Jitsi conference gets a generated room."))
        data.join_url = jitsi_url(conference.title)
        data.save(update_fields=["join_url"])
        if conference.dial_in_released_at:
            _mark_changed(conference)
            conference.save(update_fields=["sequence", "changed_at", "updated_at"])
    return conference


def conference_cancel(*, conference_id: int, by: User, reason: str = "") -> Conference:
    reason = reason.strip()
    if len(reason) > 1000:
        raise ValidationError(_("The reason may be at most 1000 characters long."))
    with transaction.atomic():
        conference = Conference.objects.select_for_update(of=("self",)).get(pk=conference_id)
        _require_manage(by, conference)
        if conference.is_cancelled:
            raise ValidationError(_("This conference has already been cancelled."))
        if conference.has_ended:
            raise ValidationError(_("This conference is already over."))
        conference.status = ConferenceStatus.CANCELLED
        conference.cancel_reason = reason
        _mark_changed(conference)
        conference.save(
            update_fields=["status", "cancel_reason", "sequence", "changed_at", "updated_at"]
        )
    logger.info("conference %s cancelled by user %s", conference.pk, by.pk)
    return conference


def conference_follow_up(
    *,
    conference_id: int,
    by: User,
    recording_url: str,
    summary: str,
    attendance_count: int | None,
) -> Conference:
    errors: dict[str, list[str]] = {}
    recording_url = (recording_url or "").strip()
    if recording_url:
        try:
            validate_join_url(recording_url)
        except ValidationError:
            errors["recording_url"] = [_("The recording link must be a valid https:// link.")]
    if len(summary or "") > 10000:
        errors["summary"] = [_("The summary may be at most 10,000 characters long.")]
    if attendance_count is not None and not 0 <= attendance_count <= 1_000_000:
        errors["attendance_count"] = [_("Please enter a number between 0 and 1,000,000.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conference = Conference.objects.select_for_update(of=("self",)).get(pk=conference_id)
        _require_manage(by, conference)
        conference.recording_url = recording_url
        conference.summary = (summary or "").strip()
        conference.attendance_count = attendance_count
        conference.save(
            update_fields=["recording_url", "summary", "attendance_count", "updated_at"]
        )
    return conference


def moderator_add(*, conference_id: int, by: User, email: str) -> User:
    conference = Conference.objects.select_related("gliederung").get(pk=conference_id)
    _require_manage(by, conference)
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise ValidationError(_("There is no account with this email address."))
    conference.moderators.add(user)
    return user


def moderator_remove(*, conference_id: int, by: User, user_id: int) -> None:
    conference = Conference.objects.select_related("gliederung").get(pk=conference_id)
    _require_manage(by, conference)
    conference.moderators.remove(user_id)


def series_moderator_add(*, series_id: int, by: User, email: str) -> User:
    series = Series.objects.select_related("gliederung").get(pk=series_id)
    if not (by.is_superuser or is_staff_for(by, series.gliederung)):
        raise PermissionDenied
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise ValidationError(_("There is no account with this email address."))
    series.moderators.add(user)
    return user


def series_moderator_remove(*, series_id: int, by: User, user_id: int) -> None:
    series = Series.objects.select_related("gliederung").get(pk=series_id)
    if not (by.is_superuser or is_staff_for(by, series.gliederung)):
        raise PermissionDenied
    series.moderators.remove(user_id)


def contributor_add(
    *,
    by: User,
    name: str,
    role: str,
    description: str = "",
    conference: Conference | None = None,
    series: Series | None = None,
) -> Contributor:
    owner = conference.gliederung if conference else series.gliederung
    if not (by.is_superuser or is_staff_for(by, owner)):
        raise PermissionDenied
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise ValidationError({"name": [_("Please enter a name (at most 120 characters).")]})
    if role not in ContributorRole.values:
        raise ValidationError({"role": [_("Please choose a role.")]})
    if len(description or "") > 300:
        raise ValidationError({"description": [_("At most 300 characters, please.")]})
    parent = {"conference": conference} if conference else {"series": series}
    order = Contributor.objects.filter(**parent).count()
    return Contributor.objects.create(
        name=name, role=role, description=(description or "").strip(), order=order, **parent
    )


def contributor_remove(*, contributor_id: int, by: User) -> None:
    contributor = Contributor.objects.select_related(
        "conference__gliederung", "series__gliederung"
    ).get(pk=contributor_id)
    owner = (
        contributor.conference.gliederung
        if contributor.conference_id
        else (contributor.series.gliederung)
    )
    if not (by.is_superuser or is_staff_for(by, owner)):
        raise PermissionDenied
    contributor.delete()


def series_save(
    *, by: User, title: str, description: str, gliederung: Gliederung, series: Series | None = None
) -> Series:
    if not (by.is_superuser or is_staff_for(by, gliederung)):
        raise ValidationError({"gliederung": [_("You are not staff for this Gliederung.")]})
    if series is not None and not (by.is_superuser or is_staff_for(by, series.gliederung)):
        raise PermissionDenied
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": [_("Please enter a title.")]})
    if series is None:
        base = slugify(title)[:100] or "reihe"
        slug, number = base, 2
        while Series.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        series = Series(slug=slug)
    series.title = title
    series.description = (description or "").strip()
    series.gliederung = gliederung
    series.save()
    return series


# --- Registration ---------------------------------------------------------------------------


def registration_closed_reason(conference: Conference) -> str | None:
    """Why nobody can register right now, or None."""
    now = timezone.now()
    if conference.is_cancelled:
        return _("This conference has been cancelled.")
    if conference.ends_at <= now:
        return _("This conference is already over.")
    if conference.registration_deadline and conference.registration_deadline < now:
        return _("The registration deadline passed on %(when)s.") % {
            "when": _when(conference.registration_deadline)
        }
    return None


def _lock_conference(conference_id: int) -> Conference:
    return (
        Conference.objects.select_for_update(of=("self",))
        .select_related("gliederung", "series")
        .get(pk=conference_id)
    )


def _check_open(conference: Conference) -> None:
    reason = registration_closed_reason(conference)
    if reason:
        raise ValidationError(reason)
    if conference.capacity is not None:
        # Decided under the conference's row lock: two people cannot take the last seat.
        taken = Registration.objects.filter(
            conference=conference, status=RegistrationStatus.CONFIRMED
        ).count()
        if taken >= conference.capacity:
            raise ValidationError(
                _("Sorry, all %(capacity)d places are taken.") % {"capacity": conference.capacity}
            )


def _welcome(conference: Conference, registration: Registration) -> None:
    """The one mail after registering: once the dial-in data has gone out, it is that mail."""
    if conference.dial_in_released_at:
        data = DialIn.objects.filter(conference=conference).first()
        mail_enqueue(mails.dial_in_batch(conference, data).spec(registration))
    else:
        mail_enqueue(mails.registered(registration, conference))


def registration_register_member(*, conference_id: int, user: User) -> Registration:
    with transaction.atomic():
        conference = _lock_conference(conference_id)
        if not is_in_audience(user, conference):
            raise ValidationError(
                _("This conference is open to members of %(name)s only.")
                % {"name": conference.gliederung.name}
            )
        registration = Registration.objects.filter(conference=conference, user=user).first()
        if registration and registration.status == RegistrationStatus.CONFIRMED:
            raise ValidationError(_("You are already registered."))
        _check_open(conference)
        now = timezone.now()
        if registration is None:
            registration = Registration.objects.create(
                conference=conference,
                user=user,
                token=_new_token(),
                status=RegistrationStatus.CONFIRMED,
                confirmed_at=now,
            )
        else:
            registration.status = RegistrationStatus.CONFIRMED
            registration.round += 1
            registration.confirmed_at = now
            registration.cancelled_at = None
            registration.save(update_fields=["status", "round", "confirmed_at", "cancelled_at"])
        _welcome(conference, registration)
        _registration_changed(registration, True)
    logger.info("conference %s: member %s registered", conference_id, user.pk)
    return registration


def registration_register_guest(*, conference_id: int, email: str, name: str) -> Registration:
    """A guest of a public conference asks to register; the mail asks them to confirm.

    The answer is the same whether or not the address is registered already (no enumeration).
    """
    email = (email or "").strip().lower()
    name = " ".join((name or "").split())
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({"email": [_("Please enter a valid email address.")]}) from None
    if not name or len(name) > 80:
        raise ValidationError({"name": [_("Please enter your name (at most 80 characters).")]})
    with transaction.atomic():
        conference = _lock_conference(conference_id)
        if conference.audience != Audience.PUBLIC:
            raise ValidationError(_("Guests can only register for public conferences."))
        _check_open(conference)
        registration = Registration.objects.filter(
            conference=conference, user__isnull=True, email=email
        ).first()
        if registration is None:
            registration = Registration.objects.create(
                conference=conference,
                email=email,
                name=name,
                token=_new_token(),
                status=RegistrationStatus.PENDING,
            )
        elif registration.status == RegistrationStatus.CANCELLED:
            registration.status = RegistrationStatus.PENDING
            registration.round += 1
            registration.name = name
            registration.cancelled_at = None
            registration.save(update_fields=["status", "round", "name", "cancelled_at"])
        else:
            return registration  # pending or confirmed: one mail was enough
        mail_enqueue(mails.guest_confirm(registration, conference))
    logger.info("conference %s: guest registration %s pending", conference_id, registration.pk)
    return registration


def registration_confirm_guest(*, token: str) -> Registration:
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(token=token)
        conference = _lock_conference(registration.conference_id)
        if registration.status == RegistrationStatus.CONFIRMED:
            return registration
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration has been cancelled."))
        _check_open(conference)
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = timezone.now()
        registration.save(update_fields=["status", "confirmed_at"])
        _welcome(conference, registration)
        _registration_changed(registration, True)
    logger.info("conference %s: guest registration %s confirmed", conference.pk, registration.pk)
    return registration


def registration_cancel(*, registration_id: int) -> Registration:
    """The registrant cancels (the caller made sure it is theirs)."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("conference")
            .get(pk=registration_id)
        )
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration was cancelled already."))
        if registration.conference.has_ended:
            raise ValidationError(_("This conference is already over."))
        was_active = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if was_active:
            _registration_changed(registration, False)
    logger.info("registration %s cancelled", registration.pk)
    return registration


# --- Mails to every registrant --------------------------------------------------------------


def _enqueue_per_registrant(
    conference: Conference, batch: mails.Batch, *, only: Q | None = None
) -> int:
    """Enqueue one mail per confirmed registrant, in chunks that commit one by one so the
    worker starts sending while the next chunk is prepared. The batch renders its templates
    once; keys that exist are skipped by the outbox, so running it again sends nothing."""
    created, last_id = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(
                Registration.objects.filter(
                    only or Q(),
                    conference=conference,
                    status=RegistrationStatus.CONFIRMED,
                    id__gt=last_id,
                )
                .select_related("user")
                .order_by("id")[:CHUNK]
            )
            if not chunk:
                break
            # Keys already in the outbox are skipped there: nothing is sent twice.
            created += len(mail_enqueue_many([batch.spec(registration) for registration in chunk]))
        last_id = chunk[-1].pk
    return created


def dial_in_dispatch(*, conference_id: int) -> int:
    """Send the dial-in mail to every registrant, exactly once. Safe to run any number of times.

    First the release is recorded under the conference's row lock: a registration that commits
    after it sends its own dial-in mail, one that committed before it is seen by the loop below.
    """
    with transaction.atomic():
        conference = _lock_conference(conference_id)
        if conference.is_cancelled:
            return 0
        if conference.dial_in_released_at is None:
            conference.dial_in_released_at = timezone.now()
            conference.save(update_fields=["dial_in_released_at"])
    data = DialIn.objects.filter(conference=conference).first()
    created = _enqueue_per_registrant(conference, mails.dial_in_batch(conference, data))
    Conference.objects.filter(pk=conference_id, dial_in_enqueued_at__isnull=True).update(
        dial_in_enqueued_at=timezone.now()
    )
    logger.info("conference %s: %d dial-in mails queued", conference_id, created)
    return created


def changes_notify(*, conference_id: int) -> int:
    """One change (or cancellation) mail per registrant for the latest SEQUENCE."""
    conference = Conference.objects.select_related("gliederung", "series").get(pk=conference_id)
    sequence = conference.sequence
    if conference.notified_sequence >= sequence:
        return 0
    if conference.is_cancelled:
        created = _enqueue_per_registrant(conference, mails.cancelled_batch(conference))
    else:
        released = conference.dial_in_released_at is not None
        data = DialIn.objects.filter(conference=conference).first() if released else None
        # Who registered after the change already has the new state in their mail.
        only = Q(confirmed_at__lte=conference.changed_at) if conference.changed_at else None
        created = _enqueue_per_registrant(
            conference, mails.changed_batch(conference, data), only=only
        )
    Conference.objects.filter(pk=conference_id, notified_sequence__lt=sequence).update(
        notified_sequence=sequence
    )
    logger.info(
        "conference %s: %d change mails queued (sequence %d)", conference_id, created, sequence
    )
    return created


def reminders_send(*, conference_id: int) -> int:
    conference = Conference.objects.select_related("gliederung").get(pk=conference_id)
    if conference.is_cancelled or not conference.send_reminder:
        return 0
    data = (
        DialIn.objects.filter(conference=conference).first()
        if conference.dial_in_released_at
        else None
    )
    created = _enqueue_per_registrant(conference, mails.reminder_batch(conference, data))
    Conference.objects.filter(pk=conference_id, reminder_sent_at__isnull=True).update(
        reminder_sent_at=timezone.now()
    )
    return created


def briefing_send(*, conference_id: int) -> int:
    """The questions as CSV to the question moderators, the day before."""
    conference = Conference.objects.select_related("series").get(pk=conference_id)
    if conference.is_cancelled:
        return 0
    questions = list(
        Question.objects.filter(conference=conference, hidden=False).select_related("topic")
    )
    text = briefing_csv(questions)
    people = {user.pk: user for user in conference.moderators.all()}
    if conference.series_id:
        people.update({user.pk: user for user in conference.series.moderators.all()})
    with transaction.atomic():
        ids = mail_enqueue_many(
            [
                mails.briefing(
                    user=user, conference=conference, csv_text=text, question_count=len(questions)
                )
                for user in people.values()
            ]
        )
        Conference.objects.filter(pk=conference_id).update(briefing_sent_at=timezone.now())
    return len(ids)


def due_work(*, now=None) -> dict[str, list[int]]:
    """What the periodic task hands out: due dial-in mails, unsent changes, reminders, briefings.

    Every piece is idempotent, so handing it out twice (a slow run, a second beat) is harmless.
    """
    now = now or timezone.now()
    scheduled = Conference.objects.filter(status=ConferenceStatus.SCHEDULED)
    work = {
        "dial_in": list(
            scheduled.filter(
                dial_in_send_at__lte=now, dial_in_enqueued_at__isnull=True, ends_at__gt=now
            ).values_list("id", flat=True)
        ),
        "changes": list(
            Conference.objects.filter(
                notified_sequence__lt=F("sequence"), ends_at__gt=now
            ).values_list("id", flat=True)
        ),
        "reminders": list(
            scheduled.filter(
                send_reminder=True,
                reminder_sent_at__isnull=True,
                starts_at__lte=now + scheduling.REMINDER_BEFORE,
                starts_at__gt=now,
            ).values_list("id", flat=True)
        ),
        "briefings": [
            pk
            for pk, starts_at in scheduled.filter(
                briefing_sent_at__isnull=True,
                starts_at__gt=now,
                starts_at__lte=now + timedelta(days=2),
            ).values_list("id", "starts_at")
            if scheduling.briefing_send_at(starts_at) <= now
        ],
    }
    return work


def mails_resend_failed(*, conference_id: int, by: User) -> int:
    conference = Conference.objects.select_related("gliederung").get(pk=conference_id)
    _require_manage(by, conference)
    ids = list(
        OutboundMail.objects.filter(
            related=conference.related_key, status=MailStatus.FAILED
        ).values_list("id", flat=True)
    )
    return outbound_retry(ids=ids) if ids else 0


# --- Questions ------------------------------------------------------------------------------


def question_payload(question: Question) -> dict:
    return {
        "id": question.pk,
        "text": question.text,
        "supports": question.support_count,
        "status": question.status,
        "hidden": question.hidden,
        "topic": question.topic_id,
        "topic_name": question.topic.name if question.topic_id else "",
        "author": question.registration.display_name,
        "created": question.created_at.isoformat(),
    }


def _broadcast_question(question_id: int, conference_id: int) -> None:
    def send():
        question = (
            Question.objects.select_related("topic", "registration__user")
            .filter(pk=question_id)
            .first()
        )
        if question is None:
            return
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                groups.moderation(conference_id),
                {
                    "type": "questions.event",
                    "event": {"kind": "question", "question": question_payload(question)},
                },
            )
        except Exception:
            logger.exception("konferenzen: live event for question %s not sent", question_id)

    transaction.on_commit(send)


def _clean_question_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Please write down your question."))
    if len(text) > QUESTION_MAX_LENGTH:
        raise ValidationError(
            _("Your question is too long: at most %(max)d characters, it has %(count)d.")
            % {"max": QUESTION_MAX_LENGTH, "count": len(text)}
        )
    if "\x00" in text:
        raise ValidationError(_("The question contains characters that are not allowed."))
    return text


def question_submit(*, registration: Registration, text: str) -> Question:
    text = _clean_question_text(text)
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("conference")
            .get(pk=registration.pk)
        )
        conference = registration.conference
        if registration.status != RegistrationStatus.CONFIRMED:
            raise ValidationError(_("Only registered participants can send in questions."))
        if conference.is_cancelled or conference.has_ended:
            raise ValidationError(_("Questions can be sent in until the conference ends."))
        if registration.questions.count() >= MAX_QUESTIONS_PER_REGISTRANT:
            raise ValidationError(
                _("You have already sent in %(count)d questions – that is the limit.")
                % {"count": MAX_QUESTIONS_PER_REGISTRANT}
            )
        question = Question.objects.create(
            conference=conference, registration=registration, text=text
        )
        _broadcast_question(question.pk, conference.pk)
    logger.info("conference %s: question %s sent in", conference.pk, question.pk)
    return question


def question_support(*, question_id: int, registration: Registration) -> Question:
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(of=("self",))
            .filter(pk=question_id, conference_id=registration.conference_id, hidden=False)
            .first()
        )
        if question is None:
            raise ValidationError(_("This question does not exist (any more)."))
        if not Registration.objects.filter(
            pk=registration.pk, status=RegistrationStatus.CONFIRMED
        ).exists():
            raise ValidationError(_("Only registered participants can support questions."))
        if question.registration_id == registration.pk:
            raise ValidationError(_("You cannot support your own question."))
        if question.status == QuestionStatus.ANSWERED:
            raise ValidationError(_("This question has already been answered."))
        try:
            with transaction.atomic():
                QuestionSupport.objects.create(question=question, registration=registration)
        except IntegrityError:
            raise ValidationError(_("You already support this question.")) from None
        Question.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
        question.refresh_from_db(fields=["support_count"])
        _broadcast_question(question.pk, question.conference_id)
    return question


MODERATION_ACTIONS = ("hide", "show", "answer", "reopen", "topic")


def question_moderate(
    *, question_id: int, by: User, action: str, topic_id: int | None = None
) -> Question:
    if action not in MODERATION_ACTIONS:
        raise ValidationError(_("Unknown action."))
    with transaction.atomic():
        question = (
            Question.objects.select_for_update(of=("self",))
            .select_related("conference__series", "conference__gliederung")
            .get(pk=question_id)
        )
        if not is_question_moderator(by, question.conference):
            raise PermissionDenied
        if action == "hide":
            question.hidden = True
        elif action == "show":
            question.hidden = False
        elif action == "answer":
            question.status = QuestionStatus.ANSWERED
            question.answered_at = timezone.now()
        elif action == "reopen":
            question.status = QuestionStatus.OPEN
            question.answered_at = None
        elif action == "topic":
            if (
                topic_id is not None
                and not QuestionTopic.objects.filter(
                    pk=topic_id, conference_id=question.conference_id
                ).exists()
            ):
                raise ValidationError(_("This topic does not belong to the conference."))
            question.topic_id = topic_id
        question.save(update_fields=["hidden", "status", "answered_at", "topic"])
        _broadcast_question(question.pk, question.conference_id)
    return question


def topic_create(*, conference_id: int, by: User, name: str) -> QuestionTopic:
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ValidationError(_("Please enter a topic (at most 80 characters)."))
    conference = Conference.objects.select_related("series", "gliederung").get(pk=conference_id)
    if not is_question_moderator(by, conference):
        raise PermissionDenied
    with transaction.atomic():
        topic, _created = QuestionTopic.objects.get_or_create(conference=conference, name=name)
        _broadcast(conference_id, {"kind": "topic", "topic": {"id": topic.pk, "name": topic.name}})
    return topic


# --- Afterwards -----------------------------------------------------------------------------


def feedback_submit(*, registration: Registration, rating, comment: str = "") -> Feedback:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Please choose a rating from 1 to 5.")]})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": [_("At most 1000 characters, please.")]})
    conference = registration.conference
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(_("Only participants can give feedback."))
    if not conference.has_ended:
        raise ValidationError(_("Feedback is possible once the conference is over."))
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                conference=conference, registration=registration, rating=rating, comment=comment
            )
    except IntegrityError:
        raise ValidationError(_("You have already given feedback. Thank you!")) from None
