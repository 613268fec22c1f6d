"""Baseline for the fan-out benchmark: a raw ASGI websocket app, no Django, no Channels.

One Redis SUBSCRIBE per process, one PUBLISH per message; it speaks the same frames as a room
so the same client measures both. Run: uvicorn bench.baseline_server:app
"""

import asyncio
import json
import os

import redis.asyncio as redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_sockets: dict[str, set] = {}
_client = None
_listener = None


async def _listen():
    pubsub = _client.pubsub()
    await pubsub.psubscribe("baseline.*")
    async for item in pubsub.listen():
        if item["type"] != "pmessage":
            continue
        room = item["channel"].decode().split(".", 1)[1]
        text = item["data"].decode()
        for send in list(_sockets.get(room, ())):
            try:
                await send({"type": "websocket.send", "text": text})
            except Exception:  # noqa: S112 - a closed socket is dropped by its own task
                continue


async def app(scope, receive, send):
    global _client, _listener
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    if _client is None:
        _client = redis.Redis.from_url(REDIS_URL)
        _listener = asyncio.ensure_future(_listen())
    room = scope["path"].rstrip("/").split("/")[-1]
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    _sockets.setdefault(room, set()).add(send)
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.disconnect":
                break
            frame = json.loads(event.get("text") or "{}")
            if frame.get("type") == "send":
                out = json.dumps({"type": "message", "html": f"<p>{frame['text']}</p>"})
                await _client.publish(f"baseline.{room}", out)
                await send(
                    {
                        "type": "websocket.send",
                        "text": json.dumps({"type": "ack", "ref": frame.get("ref")}),
                    }
                )
    finally:
        _sockets[room].discard(send)
