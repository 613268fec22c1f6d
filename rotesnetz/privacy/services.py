"""Writes of the privacy core: audit trail, own-data archives, account deletion, retention,
consent. Views, admin, tasks and the parts call these; nothing else writes these tables.
"""

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rotesnetz.logging import request_id as current_request_id

from . import registry
from .models import (
    AuditEntry,
    ConsentAction,
    ConsentRecord,
    ConsentText,
    DataExport,
    ExportStatus,
    FormerMember,
)
from .overview import overview_html

logger = logging.getLogger(__name__)


# --- Audit trail ----------------------------------------------------------------------------


def _describe(target) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, models.Model):
        meta = target._meta
        return f"{meta.app_label}.{meta.model_name}", str(target.pk), str(target)[:200]
    return "", "", str(target)[:200]


def audit_record(
    *,
    actor,
    action: str,
    target=None,
    filters: dict | None = None,
    count: int | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (e.g. ``rooms.export``) on ``target`` (a model
    instance or a label) with ``filters`` (the query that chose the rows) and ``count`` rows."""
    target_type, target_id, target_label = _describe(target)
    entry = AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action[:80],
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        filters=json.loads(json.dumps(filters or {}, cls=DjangoJSONEncoder)),
        count=count,
        request_id=current_request_id.get() if current_request_id.get() != "-" else "",
    )
    logger.info(
        "audit: %s by user %s on %s:%s",
        action,
        entry.actor_id,
        target_type or "-",
        target_id or "-",
    )
    return entry


# --- Identity of a person (for erasure and scrubbing) ---------------------------------------


@dataclass
class Identity:
    """The strings that name a person: display names and email addresses.

    Display names of two words or more ("Erika Mustermann") are replaced wherever they stand;
    a one-word name ("Erika") only where it is a mention (``@**Erika**``), because the same
    word is also other people's name.
    """

    user_id: int
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)

    def needles(self) -> list[str]:
        """What a search for this person would look for (for filtering rows to scrub)."""
        return [n for n in self.names if " " in n] + self.emails + self.phones

    def mention_needles(self) -> list[str]:
        return [f"@**{name}**" for name in self.names]

    def scrub(self, text: str) -> str:
        if not text:
            return text
        replacement = erased_name()
        for name in self.names:
            text = re.sub(
                r"@\*\*\s*" + re.escape(name) + r"\s*\*\*",
                f"@**{replacement}**",
                text,
                flags=re.IGNORECASE,
            )
            if " " in name:
                text = re.sub(
                    r"(?<!\w)" + re.escape(name) + r"(?!\w)", replacement, text, flags=re.IGNORECASE
                )
        for value in self.emails + self.phones:
            text = re.sub(re.escape(value), replacement, text, flags=re.IGNORECASE)
        return text

    def appears_in(self, text: str) -> bool:
        return bool(text) and self.scrub(text) != text


def erased_name() -> str:
    """How a deleted person is shown; stored data is in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("deleted member")


def identity_of(user) -> Identity:
    """The person's names and addresses, taken once and kept on the instance, so that erasers
    running after the addresses are gone still know them."""
    cached = getattr(user, "_privacy_identity", None)
    if cached is not None:
        return cached
    from allauth.account.models import EmailAddress

    emails = {user.email.lower()} if user.email else set()
    addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    emails |= {address.lower() for address in addresses}
    names = [" ".join(user.display_name.split())] if user.display_name.strip() else []
    identity = Identity(user_id=user.pk, names=names, emails=sorted(emails))
    user._privacy_identity = identity
    return identity


def rows_naming(queryset, identity: Identity, fields: list[str]):
    """The rows of ``queryset`` whose ``fields`` contain one of the person's strings."""
    condition = models.Q()
    for needle in identity.needles() + identity.mention_needles():
        for name in fields:
            condition |= models.Q(**{f"{name}__icontains": needle})
    if not condition:
        return queryset.none()
    return queryset.filter(condition)


def scrub_rows(queryset, identity: Identity, fields: list[str]) -> int:
    """Replace the person's names and addresses in ``fields`` of the matching rows."""
    changed = 0
    for row in rows_naming(queryset, identity, fields):
        updates = {}
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, str):
                cleaned = identity.scrub(value)
                if cleaned != value:
                    updates[name] = cleaned
        if updates:
            type(row).objects.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


# --- Own data: the archive ------------------------------------------------------------------


def private_storage() -> FileSystemStorage:
    """Where archives lie: outside MEDIA_ROOT and never served under a URL."""
    return FileSystemStorage(location=settings.PRIVACY_EXPORT_ROOT)


def export_data(*, user) -> dict:
    """Everything every part holds about the person, as one JSON-able dict per part."""
    data = {}
    for provider in registry.providers():
        if provider.export is not None:
            data[provider.name] = provider.export(user)
    return data


def export_request(*, user) -> DataExport:
    """Ask for an archive; it is built after commit (by a worker, or at once without one)."""
    export = DataExport.objects.create(user=user)
    audit_record(actor=user, action="privacy.export.requested", target=export)
    from . import tasks

    # The overview page speaks the language the person asked in.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: tasks.build_export.delay(export_id=str(export.pk), language=language)
    )
    return export


def export_build(*, export_id, language: str | None = None) -> DataExport | None:
    """Write the archive (one JSON file per part, and an overview page of the same data for
    people) and make it available."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.PENDING:
        return export
    now = timezone.now()
    try:
        data = export_data(user=export.user)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            manifest = {
                "platform": settings.BRAND_NAME,
                "generated_at": now,
                "parts": sorted(data),
                "format": "one JSON file per part of the platform",
            }
            archive.writestr("manifest.json", _json(manifest))
            for name, part in data.items():
                archive.writestr(f"{name}.json", _json(part))
            with translation.override(language or settings.LANGUAGE_CODE):
                labels = {provider.name: str(provider.label) for provider in registry.providers()}
                overview = overview_html(
                    parts=[(name, labels.get(name, name), part) for name, part in data.items()],
                    platform=settings.BRAND_NAME,
                    generated_at=now,
                )
            archive.writestr("uebersicht.html", overview)
        file_name = f"{export.pk}.zip"
        storage = private_storage()
        if storage.exists(file_name):
            storage.delete(file_name)
        storage.save(file_name, ContentFile(buffer.getvalue()))
    except Exception:
        logger.exception("privacy: export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    DataExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        file_name=file_name,
        size=len(buffer.getvalue()),
        ready_at=now,
        expires_at=now + timedelta(hours=settings.PRIVACY_EXPORT_HOURS),
    )
    export.refresh_from_db()
    return export


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def export_open(*, export: DataExport, by):
    """The archive's file for its owner (the download is recorded)."""
    audit_record(actor=by, action="privacy.export.downloaded", target=export)
    return private_storage().open(export.file_name, "rb")


def _export_files_delete(exports) -> int:
    storage = private_storage()
    removed = 0
    for export in exports:
        if export.file_name and storage.exists(export.file_name):
            storage.delete(export.file_name)
        removed += 1
    return removed


# --- Account deletion -----------------------------------------------------------------------


def account_delete(*, user, by=None) -> None:
    """Erase a person: every part's eraser, then the core's own traces, then the account.

    Messages in rooms stay as "deleted member"; mentions of the person in other people's texts
    are replaced; sessions, devices, tokens, mail rows, admin log and audit entries about the
    person go or lose the person. Sockets close after commit.
    """
    from django.contrib.sessions.models import Session

    identity = identity_of(user)
    user_id = user.pk
    session_keys = _session_keys_of(user)
    exports = list(DataExport.objects.filter(user=user))
    with transaction.atomic():
        for provider in registry.providers():
            if provider.erase is not None:
                provider.erase(user)
        Session.objects.filter(session_key__in=session_keys).delete()
        _export_files_delete(exports)
        user.delete()
        audit_record(
            actor=by if by is not None and by.pk != user_id else None,
            action="privacy.account.deleted",
            target=f"#{user_id}",
        )
        transaction.on_commit(lambda: _after_deletion(user_id, session_keys, identity))
    logger.info("privacy: account %s deleted", user_id)


def _session_keys_of(user) -> list[str]:
    """The person's Django sessions: those allauth knows, and any other that names the user."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    now = timezone.now()
    for session in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500):
        try:
            data = session.get_decoded()
        # An unreadable session (other key, corrupt) names nobody: skip it.
        except Exception:  # noqa: S112  # nosec B112
            continue
        if str(data.get("_auth_user_id")) == str(user.pk):
            keys.add(session.session_key)
    return sorted(keys)


def _after_deletion(user_id: int, session_keys: list[str], identity: Identity) -> None:
    from rotesnetz.rooms.services import sockets_close_session, sockets_recheck_user

    for key in session_keys:
        sockets_close_session(session_key=key)
    sockets_recheck_user(user_id=user_id)
    _forget_in_cache(identity)


def _forget_in_cache(identity: Identity) -> None:
    """Rate-limit counters keyed by the person's address (hashed) go at once."""
    import hashlib

    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    get_client = getattr(client, "get_client", None)
    if get_client is None:
        return
    try:
        redis = get_client(write=True)
        for email in identity.emails:
            digest = hashlib.sha256(email.encode()).hexdigest()
            for key in redis.scan_iter(match=f"*{digest}*", count=500):
                redis.delete(key)
    except Exception:  # the counters expire within minutes anyway
        logger.warning("privacy: could not clear rate-limit counters", exc_info=True)


# --- Former members -------------------------------------------------------------------------


def former_member_mark(*, user_id: int, now: datetime | None = None) -> None:
    """Called when a membership ended: note the date if it was the person's last one."""
    from rotesnetz.members.models import Membership, User

    if Membership.objects.filter(user_id=user_id).exists():
        return
    if not User.objects.filter(pk=user_id).exists():
        return  # the account itself was deleted
    FormerMember.objects.get_or_create(user_id=user_id, defaults={"since": now or timezone.now()})


def former_member_clear(*, user_id: int) -> None:
    FormerMember.objects.filter(user_id=user_id).delete()


# --- Retention ------------------------------------------------------------------------------


def retention_run(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every retention period of every part; returns ``{"part.what": count}``."""
    now = now or timezone.now()
    report: dict[str, int] = {}
    for provider in registry.providers():
        if provider.retain is None:
            continue
        for what, count in provider.retain(now).items():
            report[f"{provider.name}.{what}"] = count
    removed = sum(report.values())
    if removed:
        audit_record(
            actor=None,
            action="privacy.retention",
            filters={key: value for key, value in report.items() if value},
            count=removed,
        )
    logger.info("privacy retention: %s", report)
    return report


def exports_expire(*, now: datetime) -> int:
    """Archives past their time, and failed or forgotten requests older than a day."""
    stale = list(
        DataExport.objects.filter(
            models.Q(expires_at__lte=now)
            | models.Q(status__in=[ExportStatus.PENDING, ExportStatus.FAILED])
            & models.Q(created_at__lte=now - timedelta(days=1))
        )
    )
    _export_files_delete(stale)
    DataExport.objects.filter(pk__in=[export.pk for export in stale]).delete()
    return len(stale)


# --- Consent --------------------------------------------------------------------------------


def consent_text_current(*, kind: str, default) -> ConsentText:
    """The wording in force for ``kind``; the first time, ``default`` (a lazy translation)
    becomes version 1 in both languages."""
    text = ConsentText.objects.filter(kind=kind).order_by("-version").first()
    if text is not None:
        return text
    with translation.override("de"):
        text_de = str(default)
    with translation.override("en"):
        text_en = str(default)
    text, _created = ConsentText.objects.get_or_create(
        kind=kind, version=1, defaults={"text_de": text_de, "text_en": text_en}
    )
    return text


def consent_record(
    *,
    text: ConsentText,
    user=None,
    reference: str = "",
    action: str = ConsentAction.GIVEN,
) -> ConsentRecord:
    """Record consent given (or withdrawn) to exactly this wording."""
    if user is None and not reference:
        raise ValueError("A consent needs a person or a reference.")
    return ConsentRecord.objects.create(
        text=text, user=user, reference=reference[:100], action=action
    )


def consent_text_new_version(*, kind: str, text_de: str, text_en: str = "") -> ConsentText:
    """A changed wording: always a new version, so earlier consents keep what they agreed to."""
    with transaction.atomic():
        latest = (
            ConsentText.objects.select_for_update().filter(kind=kind).order_by("-version").first()
        )
        return ConsentText.objects.create(
            kind=kind,
            version=(latest.version + 1) if latest else 1,
            text_de=text_de.strip(),
            text_en=text_en.strip(),
        )


def consent_records_delete(*, references: list[str]) -> int:
    deleted, _rows = ConsentRecord.objects.filter(reference__in=references).delete()
    return deleted
