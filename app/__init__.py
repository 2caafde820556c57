"""Verbeterbord web app: the factory."""

from datetime import datetime, timezone

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from boards.directory import team_links
from boards.overview import Tally

from . import database, request_body
from .config import Config, database_url, secret_key, secure_cookies
from .extensions import babel, csrf, login_manager, socketio
from .inputs import IdConverter
from .public_url import configured_public_url


def create_app(config=None):
    """Build the app; `config` is a dict of overrides (tests) on top of the environment."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    app.config["SECRET_KEY"] = secret_key(app)
    app.config["PUBLIC_URL"] = configured_public_url(app.config)
    secure = secure_cookies(app.config)
    app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure
    # Ids in paths must fit a database key: larger numbers do not match a route (404).
    app.url_map.converters["int"] = IdConverter
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    request_body.init_app(app)
    database.init_app(app, database_url(app))

    from . import (
        api_conventions,
        card_cache,
        i18n,
        limits,
        live,
        security,
        security_log,
        security_txt,
        socket_session,
        wire,
    )
    from .auth import init_auth
    socket_session.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    card_cache.init_app(app)
    init_auth(app, login_manager)
    security.init_app(app)
    security_txt.init_app(app)
    api_conventions.init_app(app)
    security_log.init_app(app)
    wire.init_app(app)
    limits.init_app(app)
    live.init_app(app)

    # These add their routes to the admin and SCIM blueprints above when imported.
    from . import (  # noqa: F401
        accessibility,
        admin,
        admin_api,
        admin_sections,
        api,
        branding,
        cycles,
        displays,
        errors,
        escalations,
        exports,
        goals,
        ideas,
        ideas_api,
        overview,
        pages,
        passwords,
        scim,
        scim_discovery,
        scim_groups,
        scim_log,
        security_pages,
        tokens,
    )
    app.register_blueprint(pages.bp)
    app.register_blueprint(accessibility.bp)
    app.register_blueprint(branding.bp)
    app.register_blueprint(cycles.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(displays.bp)
    app.register_blueprint(escalations.bp)
    app.register_blueprint(overview.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(goals.bp)
    app.register_blueprint(security_pages.bp)
    app.register_blueprint(passwords.bp)
    app.register_blueprint(admin_api.bp)
    app.register_blueprint(ideas.bp)
    app.register_blueprint(ideas_api.bp)
    app.register_blueprint(scim.bp)
    app.register_blueprint(tokens.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies
    csrf.exempt(admin_api.bp)
    csrf.exempt(ideas_api.bp)
    csrf.exempt(scim.bp)
    from . import goal_page, indicator_exports, indicators_api, notifications
    indicators_api.init_app(app, csrf)
    app.register_blueprint(indicator_exports.bp)
    app.register_blueprint(goal_page.bp)
    notifications.init_app(app, csrf)
    errors.init_app(app)
    from . import oidc
    oidc.init_app(app)

    # Globals, not the context processor's per-render values: imported macros see them too.
    app.jinja_env.globals.update(format_datetime=format_datetime, format_date=format_date)

    @app.context_processor
    def template_helpers():
        return {"current_locale": lambda: str(get_locale()), "empty": Tally(), "display": None,
                "now_utc": lambda: datetime.now(timezone.utc),
                "now_iso": lambda: datetime.now(timezone.utc).isoformat(),
                "my_teams": _my_teams, "organisation_look": branding.organisation_look,
                "organisation_name": branding.organisation_name}

    from . import cli, sockets
    sockets.init_app(app, socketio)
    cli.init_app(app)
    return app


def _my_teams():
    """The logged-in person's teams (for the header); read only when a page shows them."""
    if not current_user.is_authenticated:
        return []
    return team_links(database.reader(), current_user.id)
