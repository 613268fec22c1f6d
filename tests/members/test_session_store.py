"""The session store's one-statement read behaves as Django's database store."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from rotesnetz.sessions import SessionStore


@pytest.mark.django_db
def test_a_stored_session_reads_back():
    store = SessionStore()
    store["answer"] = 42
    store.create()

    again = SessionStore(store.session_key)

    assert again["answer"] == 42
    assert again.session_key == store.session_key


@pytest.mark.django_db
def test_an_expired_or_unknown_session_reads_empty_and_gets_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (store.session_key, "x" * 32):
        again = SessionStore(key)
        assert again.load() == {}
        assert again.session_key is None
