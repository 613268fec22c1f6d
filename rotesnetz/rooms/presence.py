"""Who is in which room, written in batches per process, and told to the room.

A conference start brings a thousand sockets within a second; one INSERT each would keep the
sockets' database thread busy while the next handshakes wait. Joins and leaves are collected
for a moment and written together. Readers of the online list flush first.

After a write the room gets its new online list (one query per room, not one per socket),
at most every ANNOUNCE_SECONDS per room and process, and less often the longer the list (a
list goes to everyone in the room): members see arrivals and departures within seconds
instead of at their next 30-second poll.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from . import selectors, services
from .groups import room_group

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5
ANNOUNCE_SECONDS = 2.0
ANNOUNCE_NAMES_PER_SECOND = 50  # 200 people online: a list every 6 seconds at most


class PresenceBook:
    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.joins: dict[str, tuple[int, int]] = {}  # socket id -> (room id, user id)
        self.leaves: dict[str, int] = {}  # socket id -> room id
        self.timer: asyncio.TimerHandle | None = None
        self.flushing: asyncio.Future | None = None
        self.quiet_until: dict[int, float] = {}  # room id -> monotonic time
        self.to_announce: set[int] = set()
        self.announce_timer: asyncio.TimerHandle | None = None

    def join(self, socket_id: str, room_id: int, user_id: int) -> None:
        self.joins[socket_id] = (room_id, user_id)
        self._schedule()

    def leave(self, socket_id: str, room_id: int) -> None:
        if self.joins.pop(socket_id, None) is None:  # never written: nothing to remove
            self.leaves[socket_id] = room_id
            self._schedule()

    def _schedule(self) -> None:
        if self.timer is None:
            self.timer = self.loop.call_later(FLUSH_SECONDS, self._flush_soon)

    def _flush_soon(self) -> None:
        self.timer = None
        task = asyncio.ensure_future(self.flush())
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def flush(self) -> None:
        while self.flushing is not None:  # one write at a time keeps joins before leaves
            await asyncio.shield(self.flushing)
        if not self.joins and not self.leaves:
            return
        joins, leaves = self.joins, self.leaves
        self.joins, self.leaves = {}, {}
        self.flushing = self.loop.create_future()
        try:
            await database_sync_to_async(services.presence_write)(joins=joins, leaves=set(leaves))
        except Exception:  # presence is a hint; the purge task clears what is stale
            logger.warning("rooms: writing presence failed", exc_info=True)
        else:
            self.to_announce.update(room_id for room_id, _user_id in joins.values())
            self.to_announce.update(leaves.values())
            self._schedule_announce()
        finally:
            self.flushing.set_result(None)
            self.flushing = None

    def _schedule_announce(self) -> None:
        if self.announce_timer is not None or not self.to_announce:
            return
        due = min(self.quiet_until.get(room_id, 0.0) for room_id in self.to_announce)
        delay = max(0.0, due - time.monotonic())
        self.announce_timer = self.loop.call_later(delay, self._announce_soon)

    def _announce_soon(self) -> None:
        self.announce_timer = None
        task = asyncio.ensure_future(self.announce())
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def announce(self) -> None:
        now = time.monotonic()
        due = {room_id for room_id in self.to_announce if self.quiet_until.get(room_id, 0.0) <= now}
        self.to_announce -= due
        layer = get_channel_layer()
        try:
            for room_id in due:
                self.quiet_until[room_id] = time.monotonic() + ANNOUNCE_SECONDS
                names = await database_sync_to_async(selectors.online_names)(room_id=room_id)
                self.quiet_until[room_id] += len(names) / ANNOUNCE_NAMES_PER_SECOND
                text = json.dumps({"type": "presence", "users": names}, ensure_ascii=False)
                await layer.group_send(room_group(room_id), {"type": "chat.presence", "text": text})
        except Exception:  # a hint again: the clients' own poll catches up
            logger.warning("rooms: announcing presence failed", exc_info=True)
        finally:
            self._schedule_announce()


_books: dict[int, tuple] = {}


def book() -> PresenceBook:
    loop = asyncio.get_running_loop()
    entry = _books.get(id(loop))
    if entry is None or entry[0] is not loop:
        entry = _books[id(loop)] = (loop, PresenceBook())
    return entry[1]
