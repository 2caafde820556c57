"""WSGI entry point for gunicorn: `gunicorn -k eventlet -w 1 app.wsgi:app`."""

import gc

from . import create_app

app = create_app()
# What is loaded now lives as long as the process: keep it out of the collector's full passes,
# which otherwise stall a request for 50-100 ms every dozen or so board renders.
gc.collect()
gc.freeze()
