"""API rate limits counted in fixed windows, one cache round trip per request.

DRF's throttles keep a list of every request time in the cache and rewrite it
on each request: at 6,000 requests an hour that list is a 50 KB pickle read and
written twice per call. A counter per window does the same job: on Redis one
pipelined `SET NX EX` + `INCR`; on other caches `add` + `incr`.

When Redis is down the count is lost, not the request: the request goes through
(see config.cache, which also logs the outage).
"""

import time

from django.core.cache import cache as default_cache
from rest_framework import throttling

from config.cache import RedisCache


class FixedWindowMixin:
    cache = default_cache

    def get_ident(self, request):
        """The caller's address as the audit log reads it: X-Forwarded-For only from TRUSTED_PROXY_COUNT proxies.

        DRF's own reads the whole header when NUM_PROXIES is unset, so a client
        sending a new made-up header with each request would never be counted.
        """
        from accounts.audit import client_ip

        return client_ip(request) or ""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.window_ends = (int(time.time()) // self.duration + 1) * self.duration
        return count_in_window(self.cache, f"{key}:{self.window_ends}", self.duration) <= self.num_requests

    def wait(self):
        return max(0.0, self.window_ends - time.time())


def count_in_window(cache, key: str, duration: int) -> int:
    """Count one more request under `key`, which expires with its window; returns the count so far."""
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(key)
        with cache.fail_soft:
            pipeline = cache.redis_client.pipeline(transaction=False)
            pipeline.set(key, 0, ex=duration, nx=True)
            pipeline.incr(key)
            return pipeline.execute()[1]
        return 0  # Redis is down: nothing is counted
    cache.add(key, 0, duration)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: this request opens the window again
        cache.add(key, 1, duration)
        return 1


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    pass


class VerifyRateThrottle(FixedWindowMixin, throttling.SimpleRateThrottle):
    """Public verification, per address whoever asks: codes cannot be tried by the million."""

    scope = "verify"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
