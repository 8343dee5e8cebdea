"""`/healthz`: is the database up, is the broker reachable."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # whatever the driver raises, the answer is "down"
        return f"down: {type(error).__name__}"


def broker_status() -> str:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as error:
        return f"down: {type(error).__name__}"


@never_cache
def healthz(request):
    report = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
