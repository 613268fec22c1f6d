"""The live moderator view over Channels, on the full ASGI app and the Redis layer."""

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from konferenzen import services
from konferenzen.models import Question
from tests.support.factories import make_member, make_tree, make_user
from tests.support.konferenzen_factories import make_conference, make_question, make_registration
from tests.support.websocket import WebsocketClient

pytestmark = [pytest.mark.channels, pytest.mark.django_db(transaction=True)]


def _cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def live(redis_url):
    tree = make_tree()
    conference = make_conference(gliederung=tree["lv"])
    other = make_conference(gliederung=tree["lv"])
    moderator = make_user(name="Mona Moderation")
    conference.moderators.add(moderator)
    other.moderators.add(moderator)
    asker = make_registration(conference, user=make_member(tree["ov"], name="Maria"))
    supporter = make_registration(conference, user=make_member(tree["ov"], name="Volker"))
    early = make_question(supporter, text="Eine frühe Frage")
    return {
        "conference": conference,
        "other": other,
        "moderator": moderator,
        "sessions": {
            "moderator": _cookie(moderator),
            "registrant": _cookie(asker.user),
            "outsider": _cookie(make_user()),
        },
        "asker": asker,
        "supporter": supporter,
        "early": early,
    }


async def _connect(conference_id, session=None):
    from rotesnetz.asgi import application

    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    communicator = WebsocketClient(
        application, f"/ws/konferenzen/{conference_id}/fragen/", headers=headers
    )
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _flush():
    from channels.layers import get_channel_layer

    await get_channel_layer().flush()


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    """The consumers' database work runs in asgiref's sync thread: close its connection, or
    the test database cannot be dropped at the end of the session."""
    yield
    from django.db import connections

    await database_sync_to_async(connections.close_all)()


async def test_moderator_gets_the_list_and_sees_new_questions_and_support_live(live):
    communicator, connected, _ = await _connect(
        live["conference"].pk, live["sessions"]["moderator"]
    )
    assert connected
    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    assert [q["text"] for q in snapshot["questions"]] == ["Eine frühe Frage"]

    question = await database_sync_to_async(services.question_submit)(
        registration=live["asker"], text="Wann kommt der Bus?"
    )
    created = await communicator.receive_json_from(timeout=5)
    await database_sync_to_async(services.question_support)(
        question_id=question.pk, registration=live["supporter"]
    )
    supported = await communicator.receive_json_from(timeout=5)

    assert created["type"] == "question"
    assert created["question"]["text"] == "Wann kommt der Bus?"
    assert created["question"]["supports"] == 0
    assert supported["question"] == {**created["question"], "supports": 1}
    await communicator.disconnect()
    await _flush()


@pytest.mark.parametrize("who", ["outsider", "registrant", None])
async def test_outsider_is_refused_and_receives_nothing(live, who):
    session = live["sessions"][who] if who else None
    communicator, connected, code = await _connect(live["conference"].pk, session)

    await database_sync_to_async(services.question_submit)(
        registration=live["asker"], text="Geheime Moderationsliste?"
    )

    assert connected is False
    assert code == 4403
    assert await communicator.receive_nothing(timeout=0.5)
    await _flush()


async def test_moderator_hides_and_groups_over_the_socket(live):
    communicator, connected, _ = await _connect(
        live["conference"].pk, live["sessions"]["moderator"]
    )
    await communicator.receive_json_from(timeout=5)

    await communicator.send_json_to({"command": "new_topic", "name": "ÖPNV"})
    topic = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to(
        {"command": "topic", "question": live["early"].pk, "topic": topic["topic"]["id"]}
    )
    grouped = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"command": "hide", "question": live["early"].pk})
    hidden = await communicator.receive_json_from(timeout=5)

    assert topic == {"type": "topic", "topic": {"id": topic["topic"]["id"], "name": "ÖPNV"}}
    assert grouped["question"]["topic_name"] == "ÖPNV"
    assert hidden["question"]["hidden"] is True
    early = await database_sync_to_async(Question.objects.get)(pk=live["early"].pk)
    assert early.hidden is True
    await communicator.disconnect()
    await _flush()


async def test_permission_is_checked_again_on_every_command(live):
    communicator, connected, _ = await _connect(
        live["conference"].pk, live["sessions"]["moderator"]
    )
    await communicator.receive_json_from(timeout=5)

    await database_sync_to_async(live["conference"].moderators.remove)(live["moderator"])
    await communicator.send_json_to({"command": "hide", "question": live["early"].pk})
    error = await communicator.receive_json_from(timeout=5)
    closed = await communicator.receive_output(timeout=5)

    assert error["type"] == "error"
    assert closed == {"type": "websocket.close", "code": 4403}
    early = await database_sync_to_async(Question.objects.get)(pk=live["early"].pk)
    assert early.hidden is False
    await _flush()


async def test_question_of_another_conference_cannot_be_moderated_through_this_socket(live):
    foreign = await database_sync_to_async(
        lambda: make_question(make_registration(live["other"]), text="Andere Konferenz")
    )()
    communicator, connected, _ = await _connect(
        live["conference"].pk, live["sessions"]["moderator"]
    )
    await communicator.receive_json_from(timeout=5)

    await communicator.send_json_to({"command": "hide", "question": foreign.pk})
    answer = await communicator.receive_json_from(timeout=5)

    assert answer == {"type": "error", "message": "Diese Frage gibt es nicht (mehr)."}
    foreign = await database_sync_to_async(Question.objects.get)(pk=foreign.pk)
    assert foreign.hidden is False
    await communicator.disconnect()
    await _flush()


async def test_garbage_commands_get_a_german_error(live):
    communicator, connected, _ = await _connect(
        live["conference"].pk, live["sessions"]["moderator"]
    )
    await communicator.receive_json_from(timeout=5)

    await communicator.send_json_to({"command": "drop_table", "question": "x"})
    unknown = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"command": "hide", "question": "kein-id"})
    bad_id = await communicator.receive_json_from(timeout=5)

    assert unknown == {"type": "error", "message": "Unbekannter Befehl."}
    assert bad_id == {"type": "error", "message": "Diese Frage gibt es nicht (mehr)."}
    await communicator.disconnect()
    await _flush()
