"""Deleting an account closes the person's open sockets (session and access checks)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from rotesnetz.asgi import application
from rotesnetz.privacy import services
from rotesnetz.rooms.models import Room
from tests.support.factories import make_member, make_tree

pytestmark = [pytest.mark.channels, pytest.mark.django_db(transaction=True)]
ORIGIN = (b"origin", b"http://127.0.0.1")


def _arrange():
    tree = make_tree()
    room = Room.objects.get(gliederung=tree["ov"], is_main=True)
    person = make_member(tree["ov"], name="Sonja Socket")
    other = make_member(tree["ov"], name="Olga Offen")
    cookies = {}
    for user in (person, other):
        client = Client()
        client.force_login(user)
        cookies[user.pk] = (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())
    return room, person, other, cookies


async def test_deleting_an_account_closes_its_sockets(redis_url):
    room, person, other, cookies = await sync_to_async(_arrange)()
    sockets = {}
    for user in (person, other):
        communicator = WebsocketCommunicator(
            application, f"/ws/raeume/{room.pk}/", headers=[ORIGIN, cookies[user.pk]]
        )
        connected, _code = await communicator.connect(timeout=5)
        assert connected
        sockets[user.pk] = communicator

    person_id = person.pk

    await sync_to_async(services.account_delete)(user=person)

    closed = await sockets[person_id].receive_output(timeout=5)
    while closed["type"] != "websocket.close":
        closed = await sockets[person_id].receive_output(timeout=5)
    assert closed["code"] in (4401, 4403)
    # The other member stays connected: a ping is still answered.
    await sockets[other.pk].send_json_to({"type": "ping"})
    frame = await sockets[other.pk].receive_json_from(timeout=5)
    while frame["type"] != "pong":
        frame = await sockets[other.pk].receive_json_from(timeout=5)
    assert frame == {"type": "pong"}
    await sockets[other.pk].disconnect()
