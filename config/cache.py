"""Django's Redis cache, with one client per server instead of one per call.

Django builds a new `redis.Redis` client for every cache operation, and each
one fills a table of about 170 response callbacks: about a quarter of a
millisecond of CPU per call here, paid several times per API request. Clients
are thread-safe and share the pool, so one per server is enough.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def redis_client(self):
        """The client of the server that takes writes, for pipelines (see config.throttling)."""
        return self._cache.get_client(write=True)
