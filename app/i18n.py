"""Language: Dutch by default, English on request (kept in the session)."""

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from boards import notifications

from .redirects import safe_next
from .writes import write

bp = Blueprint("i18n", __name__)


def select_locale():
    """The language chosen in this session, else Dutch."""
    lang = session.get("lang")
    config = current_app.config
    return lang if lang in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the UI language and go back to where the person was."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:  # their e-mail follows the language they read
            write(notifications.set_language, current_user.id, lang)
    return redirect(safe_next(request.form.get("next")))


def translate_error(message, params=None):
    """Domain messages are English msgids; show them in the UI language (with their `params`
    filled in, a line number for one)."""
    return gettext(message, **params) if params else gettext(message)


def init_app(app):
    """Register the language switch and the templates' language_fragment."""
    app.register_blueprint(bp)
    app.jinja_env.globals["language_fragment"] = language_fragment


def language_fragment(template_name):
    """A partial that shows only texts in the UI language and links (no data, nothing of the
    request), rendered once per language and URL prefix and kept per process."""
    key = (template_name, str(get_locale()), request.script_root)
    kept = _FRAGMENTS.get(key)
    if kept is None:
        kept = _FRAGMENTS[key] = Markup(render_template(template_name))
    return kept


_FRAGMENTS = {}
