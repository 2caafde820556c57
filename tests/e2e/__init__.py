"""Browser tests: headless Chromium against a real gunicorn server on the seeded demo."""
