"""Panels on "Mein Netz" that other parts hand over, so the core never imports them.

A part registers a callable ``panel(request) -> dict | None`` in its ``AppConfig.ready``; the
dict names a ``template`` and its ``context``. ``None`` means nothing to show for this user.
"""

from collections.abc import Callable

_panels: list[tuple[int, Callable]] = []


def register(panel: Callable, *, order: int = 50) -> None:
    if all(existing is not panel for _, existing in _panels):
        _panels.append((order, panel))
        _panels.sort(key=lambda item: item[0])


def for_request(request) -> list[dict]:
    shown = []
    for _, panel in _panels:
        result = panel(request)
        if result:
            shown.append(result)
    return shown
