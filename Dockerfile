# One image for the web server, the Celery worker and beat (docker-compose.yml
# runs it all three ways). Settings come from the environment; see .env.example.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/data \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

# gettext compiles the translations; Pango, HarfBuzz and the fonts are what
# WeasyPrint needs to render certificates with Vietnamese text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 app \
    && mkdir -p /data/media \
    && chown -R app:app /data

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY . .
# Build-time settings only: nothing here connects to a database or a broker.
RUN export DEBUG=false SECRET_KEY=build-only-not-a-secret CELERY_BROKER_URL=memory:// \
    && python manage.py compilemessages --ignore=.venv \
    && python manage.py collectstatic --noinput --verbosity 0

USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "scripts/healthcheck.py"]
# Gunicorn reads the number of processes from WEB_CONCURRENCY.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
