"""/healthz: the state of database, cache and broker, as JSON for probes and humans."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as error:  # a probe must report, not crash
        return {"ok": False, "error": type(error).__name__}
    result = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result["detail"] = detail
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache():
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return the value")
    if "Redis" in settings.CACHES["default"]["BACKEND"]:
        # The cache itself forgives an absent Redis; the probe must not.
        import redis

        client = redis.Redis.from_url(
            settings.CACHES["default"]["LOCATION"], socket_connect_timeout=2
        )
        try:
            client.ping()
        finally:
            client.close()
        return "redis"
    return "local"


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "redis"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache), "broker": _timed(_broker)}
    if not checks["database"]["ok"]:
        status, code = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
