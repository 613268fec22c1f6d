"""The quartier clock: a frozen instant for the browser tier's server, never elsewhere."""

from datetime import datetime

import pytest

from quartier import clock
from quartier.clock import BERLIN


@pytest.fixture
def fresh_clock():
    clock._frozen.cache_clear()
    yield
    clock._frozen.cache_clear()


def test_frozen_time_is_honoured_on_the_test_server(monkeypatch, fresh_clock):
    monkeypatch.setenv("RN_TEST_SERVER", "1")
    monkeypatch.setenv("RN_FROZEN_TIME", "2026-06-02T11:00:00")

    assert clock.now() == datetime(2026, 6, 2, 11, 0, tzinfo=BERLIN)
    assert clock.local_now().hour == 11


def test_frozen_time_is_ignored_outside_the_test_server(monkeypatch, fresh_clock):
    monkeypatch.delenv("RN_TEST_SERVER", raising=False)
    monkeypatch.setenv("RN_FROZEN_TIME", "2026-06-02T11:00:00")

    assert clock._frozen() is None
    assert clock.now() != datetime(2026, 6, 2, 11, 0, tzinfo=BERLIN)


def test_frozen_time_is_ignored_in_production(monkeypatch, settings, fresh_clock):
    settings.PRODUCTION = True
    monkeypatch.setenv("RN_TEST_SERVER", "1")
    monkeypatch.setenv("RN_FROZEN_TIME", "2020-01-01T00:00:00+00:00")

    assert clock._frozen() is None
    assert clock.now().year > 2020
