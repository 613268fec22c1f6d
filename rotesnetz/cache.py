"""A Redis cache that degrades instead of failing when Redis is away.

Cache entries here are rate-limit counters and throw-away values: while Redis restarts, pages
must still work (counting starts again afterwards), so connection errors become misses.
"""

import logging

from django.core.cache.backends.redis import RedisCache
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


class TolerantRedisCache(RedisCache):
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
