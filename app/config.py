"""Configuration from the environment."""

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """A setting the app cannot start without is missing or unusable (said in one line)."""


def _bool(name, default=False):
    value = os.environ.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def _int(name, default):
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


class Config:
    """Settings read once at start-up; tests pass overrides to create_app."""

    DEMO = _bool("VERBETERBORD_DEMO")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL")
    # Database connections per process (and as many more in a burst); empty: SQLAlchemy's 5 + 10.
    DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE") or 0) or None
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE")
    # The Redis pub/sub channel of the queue: distinct per installation sharing one Redis.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "socketio")
    # eventlet in production (gunicorn -k eventlet); "threading" or "gevent" are a switch away.
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    # Comma-separated origins allowed to open a socket; empty means the app's own origin only.
    ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("ALLOWED_ORIGINS", "").split(",")
                       if o.strip()]
    # Secure cookies and HSTS: on unless in demo mode; SECURE_COOKIES=0 turns them off (plain
    # http on a closed network), SECURE_COOKIES=1 forces them on in demo mode too.
    SECURE_COOKIES = os.environ.get("SECURE_COOKIES", os.environ.get("SESSION_COOKIE_SECURE"))
    # Browser logins end after this long without a request, and this long after logging in.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 8 * 60)
    SESSION_MAX_DAYS = _int("SESSION_MAX_DAYS", 7)
    # A deleted card can be brought back ("Ongedaan maken") this many seconds after its delete:
    # the page offers it for 10 s, the rest allows for a slow network.
    UNDO_SECONDS = _int("UNDO_SECONDS", 60)
    # A function returning the current aware UTC time; tests freeze it. None: the real clock.
    CLOCK = None
    # Flask-Limiter: counters in Redis when this (or SOCKETIO_MESSAGE_QUEUE) is a Redis URL.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    # Wrong passwords (login form and token endpoint together) per account and per address,
    # and token requests per address. Syntax: "10 per 15 minutes".
    LOGIN_LIMIT_ACCOUNT = os.environ.get("LOGIN_LIMIT_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_ADDRESS = os.environ.get("LOGIN_LIMIT_ADDRESS", "50 per 15 minutes")
    TOKEN_LIMIT_ADDRESS = os.environ.get("TOKEN_LIMIT_ADDRESS", "30 per minute")
    # Password checks (argon2) at the same time per process, in a thread pool; empty: half the
    # cores (1 to 4), so that the event loop keeps a core for everyone else.
    PASSWORD_HASH_THREADS = _int("PASSWORD_HASH_THREADS", 0)
    # Socket events per socket: a token bucket (rate per second, burst); a socket whose events
    # keep being refused (SOCKET_FLOOD_DISCONNECT refusals in a row) is disconnected.
    SOCKET_EVENT_RATE = float(os.environ.get("SOCKET_EVENT_RATE", "20"))
    SOCKET_EVENT_BURST = _int("SOCKET_EVENT_BURST", 40)
    SOCKET_FLOOD_DISCONNECT = _int("SOCKET_FLOOD_DISCONNECT", 100)
    # Seconds a socket cut off for flooding (its person, token, or a wall screen's address) is
    # refused on connect; 0: no cool-down.
    SOCKET_FLOOD_COOLDOWN = float(os.environ.get("SOCKET_FLOOD_COOLDOWN", "30"))
    # Sockets open at once per person (all their tabs and tokens), per bearer token and per
    # display link; one more is refused at connect (docs/protocol.md), to try again after
    # SOCKET_LIMIT_RETRY_SECONDS. Counted across processes in Redis when configured.
    SOCKETS_PER_PERSON = _int("SOCKETS_PER_PERSON", 20)
    SOCKETS_PER_TOKEN = _int("SOCKETS_PER_TOKEN", 20)
    SOCKET_LIMIT_RETRY_SECONDS = _int("SOCKET_LIMIT_RETRY_SECONDS", 30)
    # Socket connects per client address (a whole office behind one NAT address reloading its
    # pages after a network blip stays well under it). Syntax: "60 per minute".
    SOCKET_CONNECT_LIMIT_ADDRESS = os.environ.get("SOCKET_CONNECT_LIMIT_ADDRESS", "60 per minute")
    # How often a process renews its sockets' counts in Redis; a dead process's stop counting
    # after three times this (seconds).
    SOCKET_COUNT_RENEW_SECONDS = float(os.environ.get("SOCKET_COUNT_RENEW_SECONDS", "20"))
    # How often each process checks that its sockets' logins and tokens still work (seconds).
    SOCKET_SESSION_CHECK_SECONDS = float(os.environ.get("SOCKET_SESSION_CHECK_SECONDS", "60"))
    # Behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host (links, QR codes).
    TRUST_PROXY = _bool("TRUST_PROXY")
    # Sign-in with an OpenID Connect provider (Microsoft Entra ID): on when OIDC_ISSUER is set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES")
    OIDC_DISPLAY_NAME = os.environ.get("OIDC_DISPLAY_NAME", "Microsoft")
    # Create an account for an unknown person with a provider-verified e-mail address.
    OIDC_AUTO_CREATE = _bool("OIDC_AUTO_CREATE")
    # LOCAL_LOGIN=0: no password login, except for admins marked break-glass.
    LOCAL_LOGIN = _bool("LOCAL_LOGIN", True)
    # The bearer secret of the directory's SCIM client (/scim/v2); unset: no SCIM endpoint.
    SCIM_TOKEN = os.environ.get("SCIM_TOKEN") or None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a board stays open all day; the token is tied to the session
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    MAX_CONTENT_LENGTH = 1024 * 1024
    # The address people reach the app at (QR codes, display links); see app/public_url.py.
    PUBLIC_URL = os.environ.get("PUBLIC_URL")
    # Where to report a vulnerability (/.well-known/security.txt, RFC 9116): mailto:, https: or
    # tel: URIs separated by spaces; unset: no security.txt (a placeholder in demo mode).
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT")
    # Webhook receivers must resolve to public internet addresses; 1: private, loopback and
    # link-local ones are allowed too (an installation on a closed network).
    WEBHOOK_ALLOW_PRIVATE_TARGETS = _bool("WEBHOOK_ALLOW_PRIVATE_TARGETS")
    # A function (host, port) → list of address strings; None: the system's resolver. Tests
    # give one that never touches the network.
    WEBHOOK_RESOLVER = None
    # Where people report an accessibility problem (the statement at /toegankelijkheid), and
    # within how many working days they get an answer. The default is the demo's address.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "toegankelijkheid@abg.example")
    ACCESSIBILITY_RESPONSE_DAYS = _int("ACCESSIBILITY_RESPONSE_DAYS", 5)
    # Days the security log keeps its rows.
    SECURITY_LOG_DAYS = int(os.environ.get("SECURITY_LOG_DAYS", "365"))


def secure_cookies(config):
    """Secure cookies and HSTS: explicit SECURE_COOKIES wins, otherwise on outside demo mode."""
    value = config.get("SECURE_COOKIES")
    if value is None or value == "":
        return not config.get("DEMO")
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def database_url(app):
    """DATABASE_URL, or a SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return url.replace("postgres://", "postgresql+psycopg://", 1) \
                  .replace("postgresql://", "postgresql+psycopg://", 1)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'verbeterbord.db'}"


def secret_key(app):
    """The configured secret; only demo mode may make one up (kept in the instance folder)."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    if not app.config.get("DEMO"):
        raise ConfigError("SECRET_KEY is not set. Set it, or run in demo mode "
                          "(VERBETERBORD_DEMO=1).")
    path = Path(app.instance_path) / "demo_secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Created readable by its owner only, from the first byte (no chmod afterwards).
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip()
