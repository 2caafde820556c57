"""What goes over the wire: compressed responses and static files cached for a year.

Static URLs carry a hash of the file's content (`?v=...`, added by `url_for('static', ...)`), so a
changed file gets a new URL and a browser may keep the old one without asking again. Pages
(HTML) are never stored: they show live data and a person's session.
"""

import hashlib
import mimetypes
from functools import lru_cache
from pathlib import Path

from flask import request, send_from_directory
from flask_compress import Compress

compress = Compress()
mimetypes.add_type("application/manifest+json", ".webmanifest")
YEAR = 365 * 24 * 3600
# Only text is worth compressing; Socket.IO traffic never passes Flask's after_request.
COMPRESSED_TYPES = ["text/html", "text/css", "text/csv", "text/plain", "text/javascript",
                    "application/javascript", "application/json", "application/manifest+json",
                    "image/svg+xml"]


@lru_cache(maxsize=256)
def content_hash(path):
    """The first 12 hex digits of the file's SHA-256 ('' for a missing file)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def init_app(app):
    """Compression, versioned static URLs and the cache headers that go with them."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)  # a board page: brotli 5 beats gzip 6, as fast
    # Static files and the activity export are streamed: compressed chunk by chunk.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    compress.init_app(app)
    static_root = Path(app.static_folder)

    @app.url_defaults
    def version_static(endpoint, values):
        if endpoint == "static" and "v" not in values:
            values["v"] = content_hash(static_root / values["filename"])

    @app.route("/sw.js", endpoint="wire_sw")
    def service_worker():
        """The service worker, served from the root so that it may look after every page."""
        response = send_from_directory(static_root / "js", "sw.js", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @app.after_request
    def cache_headers(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        elif response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
