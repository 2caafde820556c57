"""WSGI entry point for gunicorn: `gunicorn -k eventlet -w 1 app.wsgi:app`."""

from . import create_app

app = create_app()
