# Servicedesk: `make run` (everything, embedded defaults) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_PASSWORD ?= servicedesk-demo
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-service test-browser browser-deps lint schema messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Migrate, seed the demo and run the web server plus a supervised Celery worker with
# beat on SQLite and the embedded file-system broker (no REDIS_URL). Ctrl-C stops both.
run: install
	mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --password '$(DEMO_PASSWORD)'
	@echo ""
	@echo "Servicedesk: http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	@echo "Demo logins: admin manager dispatcher engineer1 engineer2 expert customer_a customer_b"
	@echo "Password:    $(DEMO_PASSWORD)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py run_worker --schedule=var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole fast suite on SQLite (service and browser suites: see .ci/run).
test: install
	$(BIN)/pytest -q -n 2

test-service: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/pytest -q -m service

test-browser: install browser-deps
	$(BIN)/pytest -q -m browser

# axe-core for the accessibility tests, from the npm registry at the locked version.
browser-deps: tests/browser/node_modules/axe-core/axe.min.js

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

schema: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/schema.yml

messages:
	for app in servicedesk accounts assets tickets sla inspections spareparts training notifications; do \
		(cd $$app && DJANGO_DEBUG=1 ../$(BIN)/python ../manage.py compilemessages -l zh_Hans); done
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf var/test .pytest_cache
