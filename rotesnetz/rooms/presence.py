"""Who is in which room, written in batches per process.

A conference start brings a thousand sockets within a second; one INSERT each would keep the
sockets' database thread busy while the next handshakes wait. Joins and leaves are collected
for a moment and written together. Readers of the online list flush first.
"""

import asyncio
import logging

from channels.db import database_sync_to_async

from . import services

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 0.5


class PresenceBook:
    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.joins: dict[str, tuple[int, int]] = {}  # socket id -> (room id, user id)
        self.leaves: set[str] = set()
        self.timer: asyncio.TimerHandle | None = None
        self.flushing: asyncio.Future | None = None

    def join(self, socket_id: str, room_id: int, user_id: int) -> None:
        self.joins[socket_id] = (room_id, user_id)
        self._schedule()

    def leave(self, socket_id: str) -> None:
        if self.joins.pop(socket_id, None) is None:  # never written: nothing to remove
            self.leaves.add(socket_id)
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
        self.joins, self.leaves = {}, set()
        self.flushing = self.loop.create_future()
        try:
            await database_sync_to_async(services.presence_write)(joins=joins, leaves=leaves)
        except Exception:  # presence is a hint; the purge task clears what is stale
            logger.warning("rooms: writing presence failed", exc_info=True)
        finally:
            self.flushing.set_result(None)
            self.flushing = None


_books: dict[int, tuple] = {}


def book() -> PresenceBook:
    loop = asyncio.get_running_loop()
    entry = _books.get(id(loop))
    if entry is None or entry[0] is not loop:
        entry = _books[id(loop)] = (loop, PresenceBook())
    return entry[1]
