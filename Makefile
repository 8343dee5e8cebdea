# make run   the quick start: web server, Celery worker and beat on SQLite, in the foreground
# make test  the fast test suite (no real worker, no browser); .ci/run runs everything
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# gettext compiles the translations; the rest is for WeasyPrint's certificate PDFs
# (libharfbuzz-subset0 makes them several times faster) and poppler-utils' pdfsig.
RUN_PACKAGES := gettext --optional libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	poppler-utils
# The tests read PDFs back with poppler-utils and sign with a SoftHSM2 token (a PKCS#11 HSM in software).
TEST_PACKAGES := gettext libpango-1.0-0 libpangoft2-1.0-0 poppler-utils softhsm2 --optional libharfbuzz-subset0 \
	fonts-dejavu-core
PIP_INSTALL := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test messages

run: $(VENV)/.installed-run .env
	@scripts/system-packages.sh $(RUN_PACKAGES)
	$(MANAGE) migrate --noinput
	@# Demo signing keys, clearly named as such, so that the demo's certificates are signed (pdfsig shows it).
	@grep -q '^CERTIFICATE_P12_PATH=' .env || $(MANAGE) make_demo_keys --dir var/keys >> .env
	@$(MAKE) --no-print-directory messages
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo
	@echo
	@echo "  http://127.0.0.1:8000/  ·  API: http://127.0.0.1:8000/api/docs/  ·  Ctrl-C: dừng tất cả (stops everything)"
	@echo
	exec $(BIN)/honcho --procfile Procfile start

test: $(VENV)/.installed-dev
	@scripts/system-packages.sh $(TEST_PACKAGES)
	@$(MAKE) --no-print-directory messages
	$(BIN)/pytest -m "not worker and not e2e" $(PYTEST_ARGS)

# Only the project's own catalogues: without --ignore it would walk the venv too.
# DEBUG=true lets settings load without a SECRET_KEY on a fresh clone.
messages:
	DEBUG=true $(MANAGE) compilemessages --ignore=$(VENV) --verbosity 0

# A fresh Debian needs python3.11-venv first: the script installs it (or says so).
$(BIN)/python:
	@scripts/python-venv.sh $(PYTHON) $(VENV)

# The stamps make a second run skip pip unless a requirements file changed.
$(VENV)/.installed-run: requirements.txt constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt -c constraints.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.txt -c constraints.txt
	@touch $@ $(VENV)/.installed-run

# The quick start's settings; DATABASE_URL and REDIS_URL stay unset, so SQLite
# under var/ and the file-system broker are used, by the servers and manage.py alike.
.env: | $(BIN)/python
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (DEBUG=true and a fresh SECRET_KEY)"
