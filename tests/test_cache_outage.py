"""A Redis cache that is down costs speed, never a request: the cache answers like an empty one."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.throttling import UserRateThrottle
from quizzes import services
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quizzes.conftest import bank, course, enrolled, instructor, quiz  # noqa: F401 (fixtures)

NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def redis_is_down(settings, **options) -> None:
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": NOTHING_LISTENS,
                                   "OPTIONS": options}}


def token_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_a_learner_starts_saves_and_submits_while_redis_is_down_and_is_scored_once_it_is_back(
    quiz, enrolled, settings, django_capture_on_commit_callbacks
):
    cache_settings = settings.CACHES
    redis_is_down(settings)
    api = token_client(enrolled)

    started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert started.status_code == 201, started.content
    attempt_id = started.json()["id"]
    question = started.json()["questions"][2]  # true or false
    saved = api.patch(f"/api/v1/attempts/{attempt_id}/answers/", {"answers": {question["id"]: True}})
    assert saved.status_code == 200, saved.content
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert submitted.status_code == 202, submitted.content

    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "submitted" and attempt.submitted_at is not None
    assert attempt.answers == {str(question["id"]): True}

    settings.CACHES = cache_settings  # Redis is back: the periodic sweep enqueues what waits
    services.requeue_unscored(now=timezone.now() + timedelta(seconds=settings.QUIZ_RESCORE_AFTER_SECONDS + 1))
    assert Attempt.objects.get(pk=attempt_id).status == "scored"


def test_the_throttle_lets_requests_through_when_redis_is_down(db, settings, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "1/hour"})
    redis_is_down(settings)
    api = token_client(UserFactory())
    assert [api.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]


def test_the_cache_answers_like_an_empty_one_and_warns_when_redis_is_down(settings, caplog):
    redis_is_down(settings)
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("pool", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("flag", True) is False
        assert cache.set("pool", [1, 2]) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.incr("counter") == 1 and cache.decr("counter") == -1
        assert cache.has_key("pool") is False and cache.touch("pool") is False and cache.delete("pool") is False
        assert cache.get_or_set("pool", [3]) == [3]
    assert caplog.records and all(record.levelno == logging.WARNING for record in caplog.records)
    assert "127.0.0.1:1" in caplog.records[0].getMessage()


def test_a_cache_told_not_to_ignore_a_redis_outage_raises(settings):
    from redis.exceptions import ConnectionError

    redis_is_down(settings, IGNORE_EXCEPTIONS=False)
    with pytest.raises(ConnectionError):
        cache.get("pool")


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(settings, monkeypatch):
    """A Redis that hangs then costs one timeout every REST_SECONDS, not one per cache call."""
    from types import SimpleNamespace

    from config import cache as cache_module

    redis_is_down(settings)
    now = [1000.0]
    monkeypatch.setattr(cache_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    asked = []
    original = cache_module.RedisCacheClient._get_connection_pool
    monkeypatch.setattr(cache_module.RedisCacheClient, "_get_connection_pool",
                        lambda client, write: asked.append(write) or original(client, write))

    assert cache.get("pool") is None and len(asked) == 1
    now[0] += cache_module.REST_SECONDS - 1
    assert cache.get("pool") is None and cache.add("flag", True) is False and cache.incr("counter") == 1
    assert len(asked) == 1, "resting: Redis was not asked"
    now[0] += 2
    assert cache.get("pool") is None and len(asked) == 2, "asked again once the rest is over"
