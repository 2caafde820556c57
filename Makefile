# Verbeterbord: `make run` serves the demo, `make test` installs and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# eventlet (default) or gevent: the Socket.IO async mode and the gunicorn worker that runs it
SOCKETIO_ASYNC_MODE ?= eventlet
export FLASK_APP := app

.PHONY: run test install install-dev translations messages chromium bench clean

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

test: install-dev chromium
	$(BIN)/python -m pytest -q

bench: install-dev
	$(BIN)/python bench/realtime.py
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) instance .pytest_cache
