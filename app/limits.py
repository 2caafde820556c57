"""Request limits (Flask-Limiter): wrong passwords and token requests, per account and address.

Wrong passwords (at login, on the token endpoint, and the current password on a password
change) count per account (the e-mail address tried) and per client address; only
failed attempts count, so people who type their password right are never slowed down. While a
limit is reached every attempt on it is refused with 429 and `Retry-After`, the right password
too: it works again once the window has passed. Token requests also count all together per
address. Counters live in Redis when `RATELIMIT_STORAGE_URI` or `SOCKETIO_MESSAGE_QUEUE` is a
Redis URL (shared by all processes), otherwise in the process's memory. If Redis cannot be
reached, each process counts in its own memory until Redis is back (checked now and then): logins
and tokens keep working, still limited, while the message queue is down.
"""

from flask import current_app, flash, g, render_template, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from boards.errors import N_

from .errors import problem, wants_json
from .request_body import body_value

limiter = Limiter(key_func=get_remote_address, headers_enabled=True,
                  strategy="moving-window")

# Shown on the login page and in the API's 429 body (Dutch by default, English on request).
TOO_MANY = N_("Too many attempts. Wait %(seconds)s seconds and try again.")
# Limited pages that show the message on their own form.
FORM_PAGES = {"auth.login": "auth/login.html", "passwords.change": "passwords/change.html"}


def storage_uri(config):
    """Where the counters live: RATELIMIT_STORAGE_URI, else a Redis message queue, else memory."""
    uri = config.get("RATELIMIT_STORAGE_URI")
    if uri:
        return uri
    queue = config.get("SOCKETIO_MESSAGE_QUEUE") or ""
    if queue.startswith(("redis://", "rediss://", "unix://")):
        return queue
    return "memory://"


def init_app(app):
    """Bind the limiter to the app (storage from the config) and answer 429 in the right form."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error):
        from .auth import security_event
        seconds = retry_after_seconds(error)
        message = _(TOO_MANY, seconds=seconds)
        security_event("token_limited" if request.endpoint == "api.create_token"
                       else "login_limited", outcome="refused", retry_after=seconds,
                       endpoint=request.endpoint)
        if wants_json():
            response = problem(429, "rate_limited", message)
        else:
            from .auth import LoginForm
            if request.endpoint in FORM_PAGES:
                flash(message, "error")
                body = render_template(FORM_PAGES[request.endpoint], form=LoginForm())
            else:
                body = render_template("error.html", status=429, message=message)
            response = current_app.make_response((body, 429))
        response.headers["Retry-After"] = str(seconds)
        return response


def retry_after_seconds(error):
    """Seconds until the breached limit lets an attempt through again (at least 1)."""
    import time
    current = limiter.current_limit
    if current is not None:
        return max(1, int(current.reset_at - time.time()) + 1)
    return max(1, int(error.limit.limit.get_expiry()))


def failed(response):
    """Only refused logins count against the wrong-password limits."""
    return response.status_code == 401


def account_key():
    """The account an attempt is for: the e-mail address tried, lower-case."""
    # Runs before the view: a body that cannot be read must not fail here (Flask-Limiter
    # would take the error for its storage being down); the view refuses that body.
    email = body_value("email")
    if not isinstance(email, str) or not email.strip():
        return "account:-"
    return "account:" + email.strip().lower()[:320]


def address_key():
    """The client address (the proxy's X-Forwarded-For hop when TRUST_PROXY is on)."""
    return "address:" + (get_remote_address() or "-")


def _config(name):
    return lambda: current_app.config[name]


def wrong_passwords(view):
    """Limit wrong passwords on a login route, per account and per client address."""
    # Shared: a wrong password on the login form and on the token endpoint count together.
    view = limiter.shared_limit(_config("LOGIN_LIMIT_ACCOUNT"), "wrong-password-account",
                                key_func=account_key, methods=["POST"], deduct_when=failed)(view)
    return limiter.shared_limit(_config("LOGIN_LIMIT_ADDRESS"), "wrong-password-address",
                                key_func=address_key, methods=["POST"], deduct_when=failed)(view)


def own_account_key():
    """The account of the person asking (a password change): their e-mail, as a login counts it."""
    user = g.get("api_user") or current_user
    email = getattr(user, "email", None)
    return "account:" + email.lower()[:320] if isinstance(email, str) and email else "account:-"


def wrong_current(response):
    """Only a refused current password counts (403) on a password change."""
    return response.status_code == 403


def wrong_current_passwords(view):
    """Limit wrong current passwords on a password change, counted together with wrong logins
    (the same limits, per account and per address): someone at an unlocked screen guesses no
    faster here than on the login page. Put it inside the login check (it needs the person)."""
    view = limiter.shared_limit(_config("LOGIN_LIMIT_ACCOUNT"), "wrong-password-account",
                                key_func=own_account_key, methods=["POST"],
                                deduct_when=wrong_current)(view)
    return limiter.shared_limit(_config("LOGIN_LIMIT_ADDRESS"), "wrong-password-address",
                                key_func=address_key, methods=["POST"],
                                deduct_when=wrong_current)(view)


def token_requests(view):
    """Limit token requests per client address (all of them) and wrong passwords as above."""
    view = wrong_passwords(view)
    return limiter.limit(_config("TOKEN_LIMIT_ADDRESS"), key_func=address_key, methods=["POST"],
                         scope="token-requests")(view)
