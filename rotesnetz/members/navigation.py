"""Main-menu entries that parts hand over, so base.html never names a part.

A part calls ``register(...)`` in its ``AppConfig.ready``. ``label`` is a lazy translation.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    login_required: bool = True


_items: list[NavItem] = []


def register(*, label, url_name: str, order: int = 50, login_required: bool = True) -> None:
    item = NavItem(label=label, url_name=url_name, order=order, login_required=login_required)
    if all(existing.url_name != url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda entry: entry.order)


def for_request(request) -> list[dict]:
    authenticated = request.user.is_authenticated
    shown = []
    for item in _items:
        if item.login_required and not authenticated:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        shown.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return shown
