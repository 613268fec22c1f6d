"""The privacy core's own providers: accounts (allauth), sessions, the admin log, the audit
trail and this app's records. Registered in ``PrivacyConfig.ready``."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import registry
from .coded import coded, with_label
from .models import AuditEntry, ConsentRecord, DataExport, FormerMember
from .services import (
    account_delete,
    exports_expire,
    identity_of,
    scrub_rows,
)

# --- allauth: addresses, second factors, sessions, social accounts --------------------------


def export_account(user) -> dict:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession

    return {
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # What kind of second factor and when: never the secrets or recovery codes.
        "second_factors": [
            {"type": coded(a, "type"), "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "created_at": s.created_at,
                "last_seen_at": s.last_seen_at,
                "ip": s.ip,
                "user_agent": s.user_agent,
            }
            for s in UserSession.objects.filter(user=user).order_by("pk")
        ],
        "social_accounts": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "date_joined": s.date_joined,
                "last_login": s.last_login,
                "extra_data": s.extra_data,
            }
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
    }


def erase_account(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount, SocialToken
    from allauth.usersessions.models import UserSession

    identity_of(user)  # remember the addresses before they go
    SocialToken.objects.filter(account__user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    UserSession.objects.filter(user=user).delete()
    # Confirmation keys go with their addresses.
    EmailAddress.objects.filter(user=user).delete()


def retain_accounts(now) -> dict[str, int]:
    """Accounts never confirmed within the period are deleted like any other account."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    User = get_user_model()
    cutoff = now - timedelta(days=settings.PRIVACY_UNCONFIRMED_ACCOUNT_DAYS)
    unconfirmed = (
        User.objects.filter(
            date_joined__lt=cutoff,
            last_login__isnull=True,
            is_staff=False,
            is_superuser=False,
        )
        .annotate(confirmed=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .filter(confirmed=False)
    )
    removed = 0
    for user in unconfirmed:
        account_delete(user=user)
        removed += 1
    expired_sessions, _rows = Session.objects.filter(expire_date__lt=now).delete()
    return {"unconfirmed_accounts": removed, "expired_sessions": expired_sessions}


# --- Django admin log -----------------------------------------------------------------------


def export_admin_log(user) -> list[dict]:
    """What the person did in the admin: when, which kind of object, which action – not the
    objects' names, which may name other people."""
    from django.contrib.admin.models import LogEntry

    return [
        {
            "action_time": entry.action_time,
            "content_type": f"{entry.content_type.app_label}.{entry.content_type.model}"
            if entry.content_type
            else "",
            "object_id": entry.object_id,
            "action_flag": entry.get_action_flag_display(),
        }
        for entry in LogEntry.objects.filter(user=user).select_related("content_type")
    ]


def erase_admin_log(user) -> None:
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    identity = identity_of(user)
    LogEntry.objects.filter(user=user).delete()
    user_type = ContentType.objects.get_for_model(get_user_model())
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).delete()
    scrub_rows(LogEntry.objects.all(), identity, ["object_repr", "change_message"])


# --- Audit trail and this app's records -----------------------------------------------------


def _kind_of(target_type: str):
    """``members.gliederung`` with the model's name ("Gliederung"), where the model exists."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return with_label(target_type, capfirst(model._meta.verbose_name))


def _audit_target(entry: AuditEntry) -> dict:
    """What an entry was about: the kind of object, and its name where that names a place or
    a thing (``registry.target_is_named``), never another person (a concern's sender, a
    member). The stored label is a snapshot of the object, not written for people to read."""
    if not entry.target_type:
        # A plain label given by the caller ("offices"), or nothing (a retention run).
        return {"target_type": "", "target": entry.target_label or None}
    named = registry.target_is_named(entry.target_type)
    return {
        "target_type": _kind_of(entry.target_type),
        "target": (entry.target_label or None) if named else None,
    }


def export_privacy(user) -> dict:
    return {
        "audit_entries_as_actor": [
            {
                "created_at": entry.created_at,
                "action": with_label(entry.action, registry.audit_action_label(entry.action)),
                **_audit_target(entry),
                "filters": entry.filters,
                "count": entry.count,
            }
            for entry in AuditEntry.objects.filter(actor=user)
        ],
        "consents": [
            {
                "consent": record.text.kind,
                "version": record.text.version,
                "wording": record.text.text_de,
                "action": coded(record, "action"),
                "at": record.at,
            }
            for record in ConsentRecord.objects.filter(user=user).select_related("text")
        ],
        "data_exports": [
            {"requested": e.created_at, "status": coded(e, "status"), "expires_at": e.expires_at}
            for e in DataExport.objects.filter(user=user)
        ],
        "former_member_since": FormerMember.objects.filter(user=user)
        .values_list("since", flat=True)
        .first(),
    }


def erase_privacy(user) -> None:
    identity = identity_of(user)
    AuditEntry.objects.filter(actor=user).update(actor=None)
    # Entries about the person: the target stays a number, the name goes.
    scrub_rows(AuditEntry.objects.all(), identity, ["target_label"])
    for entry in AuditEntry.objects.filter(filters__isnull=False).exclude(filters={}):
        text = str(entry.filters)
        if identity.appears_in(text):
            import json

            cleaned = json.loads(identity.scrub(json.dumps(entry.filters, ensure_ascii=False)))
            AuditEntry.objects.filter(pk=entry.pk).update(filters=cleaned)
    ConsentRecord.objects.filter(user=user).delete()
    FormerMember.objects.filter(user=user).delete()


def retain_privacy(now) -> dict[str, int]:
    cutoff = now - timedelta(days=settings.PRIVACY_AUDIT_RETENTION_DAYS)
    audit, _rows = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
    return {"export_archives": exports_expire(now=now), "audit_entries": audit}


def register_core_providers() -> None:
    registry.register(
        "accounts",
        label=_("Account, email addresses, second factors and sessions"),
        export=export_account,
        erase=erase_account,
        retain=retain_accounts,
        order=90,
    )
    registry.register(
        "admin_log",
        label=_("Administration log"),
        export=export_admin_log,
        erase=erase_admin_log,
        order=95,
    )
    registry.register(
        "privacy",
        label=_("Consents, data exports and audit trail"),
        export=export_privacy,
        erase=erase_privacy,
        retain=retain_privacy,
        order=99,
        audit_actions={
            "privacy.account.deleted": _("Account deleted"),
            "privacy.export.downloaded": _("Data export downloaded"),
            "privacy.export.requested": _("Data export requested"),
            "privacy.retention": _("Retention periods applied"),
        },
    )
