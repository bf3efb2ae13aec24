# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/triage
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test lint messages clean security

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Demo on the embedded default: SQLite and a filesystem broker under var/.
demo: $(VENV)/.runtime
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py demo

# The whole suite on PostgreSQL and Redis (never SQLite).
test: $(VENV)/.dev
	$(BIN)/python tests/ensure_services.py $(TEST_DATABASE_URL) $(TEST_BROKER_URL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) TRIAGE_ENV=test \
		$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) TRIAGE_ENV=test \
		$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) --no-print-directory security

# ---- Security checks (README "Load, faults and security"): bandit fails on medium or
# high findings; pip-audit fails on a known vulnerability (and on an unauditable pin
# with PIP_AUDIT_STRICT=1). ----
security: $(VENV)/.dev
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium -q
	$(BIN)/python tests/security/audit_requirements.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf var/

# Rebuild the Spanish catalogue from locale/translations/*.json (needs gettext's xgettext).
messages: $(VENV)/.dev
	$(BIN)/python locale/build.py
