"""WSGI entry point for gunicorn: `gunicorn -k eventlet -w 1 app.wsgi:app`.

Or `SOCKETIO_ASYNC_MODE=gevent gunicorn -k gevent -w 1 app.wsgi:app`. No monkey patching here:
both workers patch the standard library before they import this module (so no --preload).
"""

import gc
import os
import sys

# psycopg waits for PostgreSQL's answers in C unless told otherwise, which under eventlet stalls
# every socket of the process for each query. Its select-based wait is green once eventlet has
# patched `select` (the gunicorn worker does that before importing this module); gevent is
# detected by psycopg itself. Set before the first `import psycopg` (in create_app).
if os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet") == "eventlet":
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

from . import create_app  # noqa: E402
from .config import ConfigError  # noqa: E402
from .serving import mark_serving  # noqa: E402

try:
    app = create_app()
except ConfigError as error:
    # One line for whoever starts the server, and exit status 3: gunicorn then stops ("worker
    # failed to boot") instead of starting the worker again and again.
    print(f"Verbeterbord cannot start: {error}", file=sys.stderr)
    sys.exit(3)
# `flask restore` refuses to run while a marked server serves this database.
mark_serving(app.instance_path, app.extensions["verbeterbord.db"].url)
# What is loaded now lives as long as the process: keep it out of the collector's full passes,
# which otherwise stall a request for 50-100 ms every dozen or so board renders.
gc.collect()
gc.freeze()
