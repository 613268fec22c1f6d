"""What each part of the platform hands over for privacy: export, erasure, retention.

A part calls ``register(...)`` in its ``AppConfig.ready()``; the core never imports a part.

- ``export(user) -> JSON-able data``: everything the part holds about this person, and nothing
  of anybody else (the person's own rows; other people appear at most as "another member").
- ``erase(user) -> None``: erase or anonymise the part's personal data of the person. It runs
  inside the deletion's transaction, before the account row itself is deleted, so foreign keys
  still resolve. ``rotesnetz.privacy.services.identity_of(user)`` names the person's names and
  addresses, also after the core has removed them elsewhere.
- ``retain(now) -> {what: count}``: apply the part's retention periods (each a setting) and
  say how many rows went. A second call at the same ``now`` removes nothing.

A part also names the codes it stores in the core's tables, so the export's overview shows a
readable label next to each code (as ``coded.py`` does for a field's choices):

- ``audit_actions``: ``{action: label}`` for every ``audit_record(action=...)`` of the part.
- ``mail_purposes``: ``{purpose: label}`` for every mail the part puts in the outbox.
- ``named_targets``: the models (``"app_label.model_name"``) whose name the audit trail may
  show in a person's export, because it names a place or a thing (a Gliederung, a course),
  never a person. Any other target shows only its kind.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Provider:
    name: str
    label: Any
    export: Callable[[Any], Any] | None = None
    erase: Callable[[Any], None] | None = None
    retain: Callable[[datetime], dict[str, int]] | None = None
    order: int = 50
    audit_actions: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    mail_purposes: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    named_targets: frozenset[str] = frozenset()


_providers: dict[str, Provider] = {}


def register(
    name: str,
    *,
    label,
    export: Callable | None = None,
    erase: Callable | None = None,
    retain: Callable | None = None,
    order: int = 50,
    audit_actions: Mapping[str, Any] | None = None,
    mail_purposes: Mapping[str, Any] | None = None,
    named_targets: Iterable[str] = (),
) -> None:
    """Register (or replace, e.g. after a reload) the provider ``name``."""
    _providers[name] = Provider(
        name=name,
        label=label,
        export=export,
        erase=erase,
        retain=retain,
        order=order,
        audit_actions=dict(audit_actions or {}),
        mail_purposes=dict(mail_purposes or {}),
        named_targets=frozenset(named_targets),
    )


def providers() -> list[Provider]:
    """All providers: the parts first (order 50), the core's afterwards, by name within."""
    return sorted(_providers.values(), key=lambda provider: (provider.order, provider.name))


def get(name: str) -> Provider | None:
    return _providers.get(name)


def audit_action_label(action: str):
    """The label a part gave to an audit action, or None."""
    for provider in _providers.values():
        if action in provider.audit_actions:
            return provider.audit_actions[action]
    return None


def mail_purpose_label(purpose: str):
    """The label a part gave to a mail purpose, or None."""
    for provider in _providers.values():
        if purpose in provider.mail_purposes:
            return provider.mail_purposes[purpose]
    return None


def target_is_named(target_type: str) -> bool:
    """Whether a part said that objects of ``target_type`` have names that are no person's."""
    return any(target_type in provider.named_targets for provider in _providers.values())
