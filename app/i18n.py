"""Language: Dutch by default, English on request (kept in the session)."""

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import gettext

bp = Blueprint("i18n", __name__)


def select_locale():
    """The language chosen in this session, else Dutch."""
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the UI language and go back to where the person was."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("pages.home")
    return redirect(target)


def translate_error(message):
    """Domain messages are English msgids; show them in the UI language."""
    return gettext(message)


def event_labels():
    """Activity log kinds in the UI language."""
    return {"created": gettext("created"), "moved": gettext("moved"), "edited": gettext("edited"),
            "deleted": gettext("deleted"), "help_requested": gettext("asked for help"),
            "help_resolved": gettext("help resolved"), "carried_over": gettext("carried over")}


def init_app(app):
    """Register the language switch."""
    app.register_blueprint(bp)
