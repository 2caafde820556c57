"""Language: Dutch by default, English on request (kept in the session)."""

from types import SimpleNamespace

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from boards import notifications

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
        if current_user.is_authenticated:  # their e-mail follows the language they read
            from .writes import write  # writes -> broadcast -> i18n: import when used
            write(notifications.set_language, current_user.id, lang)
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
            "help_resolved": gettext("help resolved"), "carried_over": gettext("carried over"),
            "help_ended": gettext("help request ended"),
            "help_taken_over": gettext("help request taken over")}


def init_app(app):
    """Register the language switch."""
    app.register_blueprint(bp)


def card_text():
    """What every card shows alike: labels in the UI language and its links as (before, after) the
    action id. Built once per page, so a card costs no gettext or url_for calls."""
    def around_id(endpoint):
        before, _sep, after = url_for(endpoint, action_id=999999999).partition("999999999")
        return before, after
    return SimpleNamespace(
        no_goal=gettext("No goal"), needs_help=gettext("Needs help"),
        move_prev=gettext("Move to previous column"), move_next=gettext("Move to next column"),
        edit_label=gettext("Edit"), detail=around_id("pages.action_detail"),
        edit=around_id("pages.edit_form"))
