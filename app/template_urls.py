"""The templates' url_for, with each link kept once built.

A board page builds about 45 links (scripts, menu, tabs, forms) and Werkzeug builds each anew
(10-20 µs). A link depends only on its endpoint and values and on the request's host and path
prefix, so those are the key. Anything else (`_external`, `_anchor`, a blueprint-relative
endpoint, no request) is built as usual.
"""

from flask import has_request_context, request, url_for

MAX_LINKS = 4096


def init_app(app):
    """Replace Flask's url_for in this app's templates."""
    kept = {}

    def template_url_for(endpoint, **values):
        if not has_request_context() or endpoint[0] == "." or any(name[0] == "_" for name in values):
            return url_for(endpoint, **values)
        environ = request.environ
        try:
            key = (environ.get("HTTP_HOST"), environ.get("SCRIPT_NAME"), endpoint,
                   *sorted(values.items()))
            url = kept.get(key)
        except TypeError:  # a list of values for one name: not hashable
            return url_for(endpoint, **values)
        if url is None:
            if len(kept) >= MAX_LINKS:
                kept.clear()
            url = kept[key] = url_for(endpoint, **values)
        return url

    app.jinja_env.globals["url_for"] = template_url_for
