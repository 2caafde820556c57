# Verbeterbord: `make run` serves the demo, `make test` installs, lints and runs every test,
# `make check` lints and runs the quick tests (SQLite, no servers, no browser).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# eventlet (default) or gevent: the Socket.IO async mode and the gunicorn worker that runs it
SOCKETIO_ASYNC_MODE ?= eventlet
export FLASK_APP := app
# pytest-xdist workers for the parallel pass: one per core.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q
# Two passes, both always run and both print their summary; the first failing exit code wins.
# First in parallel, each file's tests in one worker (its module-scoped servers start once);
# then, one at a time, the tests marked `serial` (they time things or load the machine).
# $(1): more of the marker expression ("and not browser"), or nothing for every test.
define two_passes
$(PYTEST) -n $(PYTEST_WORKERS) --dist loadfile --durations=10 -m "not serial $(1)"; \
  parallel=$$?; \
  $(PYTEST) --durations=5 -m "serial $(1)"; serial=$$?; \
  [ $$serial -eq 5 ] && serial=0; \
  exit $$(( parallel ? parallel : serial ))
endef

.PHONY: run test check lint install install-dev translations messages chromium bench clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d app/translations

# After changing UI text: refresh the Dutch catalog, then translate the new entries.
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o /tmp/verbeterbord.pot .
	$(BIN)/pybabel update -i /tmp/verbeterbord.pot -d app/translations --no-fuzzy-matching

# Browser tests drive Debian's Chromium; install it when missing and we can.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is missing: install the Debian package 'chromium'"; fi; }

# Demo mode (a generated secret kept in instance/) unless told otherwise.
# dnspython (imported by eventlet) warns about DSA keys at every start; we never use them.
run: install
	export VERBETERBORD_DEMO=$${VERBETERBORD_DEMO:-1} SOCKETIO_ASYNC_MODE=$(SOCKETIO_ASYNC_MODE) \
	  PYTHONWARNINGS="$${PYTHONWARNINGS:-ignore:DSA is deprecated}" \
	  PUBLIC_URL=$${PUBLIC_URL:-http://127.0.0.1:$(PORT)}; \
	$(BIN)/flask db upgrade && \
	$(BIN)/flask seed-demo && \
	exec $(BIN)/gunicorn -k $(SOCKETIO_ASYNC_MODE) -w 1 --no-control-socket --bind 127.0.0.1:$(PORT) app.wsgi:app

# Lint first (ruff.toml), then the two passes; all three run, and the first failure's code wins.
test: install-dev chromium
	@$(BIN)/ruff check app boards tests bench; lint=$$?; \
	  ( $(call two_passes) ); tests=$$?; \
	  exit $$(( lint ? lint : tests ))

# The inner loop: lint, then the domain and API tests on SQLite only (no browser, no server
# processes, no PostgreSQL). Both steps run; either failing fails the target.
check: install-dev
	@$(BIN)/ruff check app boards tests bench; lint=$$?; \
	  ( $(call two_passes,and not browser and not live and not postgres) ); tests=$$?; \
	  exit $$(( lint ? lint : tests ))

lint: install-dev
	$(BIN)/ruff check app boards tests bench

bench: install-dev
	$(BIN)/python bench/realtime.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
