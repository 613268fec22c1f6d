"""The app's clock. Everything that asks "what time is it?" in quartier asks here.

In tests ``time_machine`` moves ``timezone.now``. The browser tier runs the server in its own
process, so there a fixed instant can be set with ``RN_FROZEN_TIME`` (ISO 8601). The server
honours it only when ``RN_TEST_SERVER=1`` and not in production, so it can never leak into a
real deployment.
"""

import os
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")


@lru_cache(maxsize=1)
def _frozen() -> datetime | None:
    value = os.environ.get("RN_FROZEN_TIME", "").strip()
    if not value or os.environ.get("RN_TEST_SERVER") != "1" or settings.PRODUCTION:
        return None
    moment = datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=BERLIN)
    return moment


def now() -> datetime:
    return _frozen() or timezone.now()


def local_now() -> datetime:
    """The current time in Europe/Berlin, where every office is."""
    return now().astimezone(BERLIN)


def today():
    return local_now().date()
