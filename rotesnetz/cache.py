"""A Redis cache that degrades instead of failing when Redis is away.

Cache entries here are rate-limit counters and throw-away values: while Redis restarts, pages
must still work (counting starts again afterwards), so connection errors become misses.
"""

import contextlib
import logging
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


def _tolerant(default):
    def wrap(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _DOWN as error:
                logger.warning("cache unavailable (%s): %s", method.__name__, error)
                return default(*args, **kwargs) if callable(default) else default

        call.__name__ = method.__name__
        return call

    return wrap


class _ClientPerPool(RedisCacheClient):
    """Django builds a new redis-py client object for every cache call; one per connection
    pool is enough (they are thread-safe), and building it cost more than the call's round
    trip on the chat path (rate limit, page version)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Django makes a cache object per thread and per request context, and each built its own
# client: a new connection pool (a new connection to Redis) and a package-metadata lookup in
# redis-py (about a tenth of a page's CPU here). The client is thread-safe: one per process.
_clients: dict[tuple, _ClientPerPool] = {}
_clients_lock = threading.Lock()


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ClientPerPool

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    add = _tolerant(True)(RedisCache.add)
    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _tolerant(None)(RedisCache.set)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    get_many = _tolerant({})(RedisCache.get_many)
    set_many = _tolerant([])(RedisCache.set_many)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    incr = _tolerant(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    clear = _tolerant(False)(RedisCache.clear)


# --- counters -------------------------------------------------------------------------------
# Rate limits sit on a hot path (every chat message): on Redis they take one round trip
# instead of the two or three of add + incr through the cache API.


def _redis_client(cache, key: str):
    get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if get_client is None:
        return None, key
    full_key = cache.make_and_validate_key(key)
    return get_client(full_key, write=True), full_key


def counter_hit(cache, key: str, window: int) -> int:
    """Count one hit in a counter that lives ``window`` seconds from its first hit."""
    client, full_key = _redis_client(cache, key)
    if client is None:
        if cache.add(key, 1, timeout=window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            return 1
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(full_key, 0, ex=window, nx=True)
        pipe.incr(full_key)
        return int(pipe.execute()[1])
    except _DOWN as error:
        logger.warning("cache unavailable (counter_hit): %s", error)
        return 1


class KeptInProcess:
    """A few values kept in this process for a short while, the oldest dropped first.

    For what every request of a busy moment asks for alike (a room's page when a conference
    starts): no round trip, nothing to unpickle. The keys carry the versions that change with
    the content; the short life bounds how long what no key names (a member's changed display
    name) stays as it was.
    Threads share it: a lost race costs a render, never a wrong value under a key.
    """

    _all: "list[KeptInProcess]" = []

    def __init__(self, limit: int, seconds: float):
        self.limit = limit
        self.seconds = seconds
        self._values: OrderedDict = OrderedDict()
        KeptInProcess._all.append(self)

    def get(self, key):
        kept = self._values.get(key)
        if kept is None or kept[0] < time.monotonic():
            return None
        return kept[1]

    def keep(self, key, value) -> None:
        if key not in self._values and len(self._values) >= self.limit:
            with contextlib.suppress(KeyError):  # another thread emptied it meanwhile
                self._values.popitem(last=False)  # one step: no iterator another thread breaks
        self._values[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        self._values.clear()

    @classmethod
    def clear_all(cls) -> None:
        """What the cache's clear is for the shared cache (tests start empty)."""
        for kept in cls._all:
            kept.clear()
