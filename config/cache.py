"""Django's Redis cache, with one client per server, that fails soft while Redis is down.

Django builds a new `redis.Redis` client for every cache operation, and each
one fills a table of about 170 response callbacks: about a quarter of a
millisecond of CPU per call here, paid several times per API request. Clients
are thread-safe and share the pool, so one per server is enough.

Whatever this cache holds may be lost (throttle and sign-in counters, question
pools, the flag that spaces scoring requests), so when Redis is stopped,
unreachable or too slow to answer, the cache answers like an empty one instead of
failing the request: a read misses, a write is dropped (`add` answers False),
`incr` answers as a new counter would, and a warning is logged. After a failure
Redis is left alone for REST_SECONDS, so that a Redis that hangs costs one
timeout per process every few seconds, not one per cache call.
`"IGNORE_EXCEPTIONS": False` in OPTIONS makes those errors raise instead.
"""

import logging
import time

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import ConnectionError as RedisConnectionError, TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What redis-py raises when Redis is stopped, restarting (BusyLoadingError),
# unreachable or slower than the socket timeouts: a connection error or a timeout.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 10
REST_SECONDS = 5


class Resting(RedisConnectionError):
    """Raised instead of asking Redis, while it rests after a failure."""


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self.resting_until = 0.0

    def rest(self) -> None:
        """Leave Redis alone for REST_SECONDS from now, unless it rests already."""
        now = time.monotonic()
        if now >= self.resting_until:
            self.resting_until = now + REST_SECONDS

    def get_client(self, key=None, *, write=False):
        if time.monotonic() < self.resting_until:
            raise Resting("Redis failed a moment ago; it is asked again in a few seconds")
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoft:
    """`with` it, a Redis outage is logged and swallowed (when `enabled`); the code after the block answers."""

    def __init__(self, enabled: bool, on_outage=lambda: None):
        self.enabled, self.on_outage = enabled, on_outage
        self.warned_at, self.unwarned = -WARN_EVERY_SECONDS, 0

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if not (self.enabled and isinstance(error, REDIS_DOWN)):
            return False
        self.on_outage()
        self.warn(error)
        return True

    def warn(self, error: Exception) -> None:
        """At most one warning every WARN_EVERY_SECONDS per process, with the count of failures since the last."""
        now = time.monotonic()
        if now - self.warned_at < WARN_EVERY_SECONDS:
            self.unwarned += 1
            return
        logger.warning("Redis cache unavailable, answering as an empty cache (%d more failures since the "
                       "last warning): %s: %s", self.unwarned, type(error).__name__, error)
        self.warned_at, self.unwarned = now, 0


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._options = dict(self._options)  # without ours, they go to redis-py's connection pool
        self.fail_soft = FailSoft(self._options.pop("IGNORE_EXCEPTIONS", True), on_outage=lambda: self._cache.rest())

    @property
    def redis_client(self):
        """The client of the server that takes writes, for pipelines (see config.throttling)."""
        return self._cache.get_client(write=True)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self.fail_soft:
            return super().add(key, value, timeout, version)
        return False

    def get(self, key, default=None, version=None):
        with self.fail_soft:
            return super().get(key, default, version)
        return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self.fail_soft:
            super().set(key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with self.fail_soft:
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with self.fail_soft:
            return super().delete(key, version)
        return False

    def get_many(self, keys, version=None):
        with self.fail_soft:
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with self.fail_soft:
            return super().has_key(key, version)
        return False

    def incr(self, key, delta=1, version=None):
        with self.fail_soft:
            return super().incr(key, delta, version)
        return delta

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with self.fail_soft:
            return super().set_many(data, timeout, version)
        return list(data)  # the keys that were not stored

    def delete_many(self, keys, version=None):
        with self.fail_soft:
            super().delete_many(keys, version)

    def clear(self):
        with self.fail_soft:
            return super().clear()
        return False
