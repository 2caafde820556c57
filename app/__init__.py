"""Verbeterbord web app: the factory."""

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from boards.overview import Tally

from . import database
from .config import Config, database_url, secret_key
from .extensions import babel, csrf, login_manager, socketio
from .inputs import IdConverter
from .i18n import event_labels


def create_app(config=None):
    """Build the app; `config` is a dict of overrides (tests) on top of the environment."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    app.config.from_object(Config)
    if config:
        app.config.update(config)
    app.config["SECRET_KEY"] = secret_key(app)
    # Ids in paths must fit a database key: larger numbers do not match a route (404).
    app.url_map.converters["int"] = IdConverter
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    database.init_app(app, database_url(app))

    from . import i18n, live, security
    from .auth import init_auth
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    init_auth(app, login_manager)
    security.init_app(app)
    live.init_app(app)

    from . import admin, api, cycles, displays, errors, escalations, exports, overview, pages
    app.register_blueprint(pages.bp)
    app.register_blueprint(cycles.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(displays.bp)
    app.register_blueprint(escalations.bp)
    app.register_blueprint(overview.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    csrf.exempt(api.bp)  # bearer tokens, no cookies
    from . import notifications
    notifications.init_app(app, csrf)
    errors.init_app(app)

    @app.context_processor
    def template_helpers():
        return {"current_locale": lambda: str(get_locale()), "event_labels": event_labels(),
                "empty": Tally(), "display": None, "format_datetime": format_datetime,
                "format_date": format_date, "card_text": i18n.card_text}

    from . import cli, sockets
    sockets.init_app(app, socketio)
    cli.init_app(app)
    return app
