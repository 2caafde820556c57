"""The NL GOV API Design Rules that hold for every answer under /api/v1, in one place.

- /core/version-header: `API-Version` on every answer (errors and the OpenAPI document too),
  the full semantic version of docs/openapi.json (`info.version`);
- /core/publish-openapi: the OpenAPI document is public and readable from any origin
  (`Access-Control-Allow-Origin: *`); no other answer gets that header, since the rest of the
  API is for token holders (and /me/export also for browser sessions);
- /core/no-trailing-slash: no redirects under /api/v1. Werkzeug answers `//` in a path with a
  308 to the merged path (and would answer a rule ending in `/` likewise): here that is a 404.
Errors as problem details (/core/error-handling/problem-details) are made in app/errors.py.
"""

import json
import re
from pathlib import Path

from flask import request
from werkzeug.exceptions import NotFound
from werkzeug.routing import RequestRedirect

PREFIX = "/api/v1"
OPENAPI = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
OPENAPI_ENDPOINT = "api.openapi"


def api_version(document=OPENAPI):
    """The API's full version: `info.version` of the OpenAPI document (one source of truth)."""
    return json.loads(Path(document).read_text())["info"]["version"]


def is_api_path(path):
    """Whether a request path lies under /api (also when written with doubled slashes)."""
    return re.sub("/{2,}", "/", path).startswith("/api/")


def init_app(app):
    """Check routing before any view and add the headers after every API answer."""
    version = api_version()

    @app.before_request
    def no_redirects():
        # Flask raises the routing result only when it dispatches; refuse the redirect first.
        if is_api_path(request.path) and isinstance(request.routing_exception, RequestRedirect):
            raise NotFound()

    @app.after_request
    def api_headers(response):
        if is_api_path(request.path):
            response.headers["API-Version"] = version
            if request.endpoint == OPENAPI_ENDPOINT:
                response.headers["Access-Control-Allow-Origin"] = "*"
                response.headers["Access-Control-Expose-Headers"] = "API-Version"
        return response
