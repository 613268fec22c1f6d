"""The small in-process store behind the kept room pages (rotesnetz.cache.KeptInProcess)."""

import threading

from rotesnetz.cache import KeptInProcess


def test_the_oldest_goes_when_the_store_is_full():
    kept = KeptInProcess(limit=2, seconds=60)
    kept.keep("a", 1)
    kept.keep("b", 2)
    kept.keep("a", 3)  # a key kept again takes no further place
    kept.keep("c", 4)

    assert (kept.get("a"), kept.get("b"), kept.get("c")) == (None, 2, 4)


def test_a_value_is_gone_after_its_time(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("rotesnetz.cache.time.monotonic", lambda: now[0])
    kept = KeptInProcess(limit=4, seconds=30)
    kept.keep("page", "<html>")

    now[0] += 29.9
    assert kept.get("page") == "<html>"
    now[0] += 0.2
    assert kept.get("page") is None


def test_clear_all_empties_every_store():
    first, second = KeptInProcess(limit=2, seconds=60), KeptInProcess(limit=2, seconds=60)
    first.keep("x", 1)
    second.keep("y", 2)

    KeptInProcess.clear_all()

    assert first.get("x") is None and second.get("y") is None


def test_threads_keeping_at_once_never_fail_and_never_exceed_the_limit():
    kept = KeptInProcess(limit=8, seconds=60)
    errors = []

    def work(offset):
        try:
            for number in range(3000):
                kept.keep((offset, number), number)
                kept.get((offset, number - 1))
        except Exception as error:  # pragma: no cover - what the test looks for
            errors.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(kept._values) <= 8 + len(threads)  # at most one race per thread over the limit
