"""WSGI entry point for gunicorn: `gunicorn -k eventlet -w 1 app.wsgi:app`.

Or `SOCKETIO_ASYNC_MODE=gevent gunicorn -k gevent -w 1 app.wsgi:app`. No monkey patching here:
both workers patch the standard library before they import this module (so no --preload).
"""

import gc

from . import create_app
from .serving import mark_serving

app = create_app()
# `flask restore` refuses to run while a marked server serves this database.
mark_serving(app.instance_path, app.extensions["verbeterbord.db"].url)
# What is loaded now lives as long as the process: keep it out of the collector's full passes,
# which otherwise stall a request for 50-100 ms every dozen or so board renders.
gc.collect()
gc.freeze()
