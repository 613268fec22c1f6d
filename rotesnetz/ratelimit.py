"""A per-IP rate limit in the shared cache for public forms (Quartier contact, booking and
events; guest registrations for Konferenzen).

The client address is ``REMOTE_ADDR``. ``X-Forwarded-For`` is read only when the setting
``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front of the app; then the
address that the outermost of our proxies saw is taken, never one the client made up.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from rotesnetz.cache import counter_hit


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Each of our proxies appends the address it received from; the last `proxies` entries
    # were written by them, the one before is what the first of them saw.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def hit(request, *, scope: str, limit: int, period: int) -> bool:
    """Count one request; False when this address has used up its ``limit`` per ``period``."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    return counter_hit(cache, f"rate:{scope}:{digest[:32]}", period) <= limit
