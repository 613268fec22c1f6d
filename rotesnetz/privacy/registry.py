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
"""

from collections.abc import Callable
from dataclasses import dataclass
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


_providers: dict[str, Provider] = {}


def register(
    name: str,
    *,
    label,
    export: Callable | None = None,
    erase: Callable | None = None,
    retain: Callable | None = None,
    order: int = 50,
) -> None:
    """Register (or replace, e.g. after a reload) the provider ``name``."""
    _providers[name] = Provider(
        name=name, label=label, export=export, erase=erase, retain=retain, order=order
    )


def providers() -> list[Provider]:
    """All providers: the parts first (order 50), the core's afterwards, by name within."""
    return sorted(_providers.values(), key=lambda provider: (provider.order, provider.name))


def get(name: str) -> Provider | None:
    return _providers.get(name)
