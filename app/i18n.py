"""Language: Dutch by default, English on request (kept in the session)."""

from types import SimpleNamespace

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup

from boards import notifications
from boards.cycles import today_local

from .redirects import local_target

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
            from .writes import write  # writes -> broadcast -> i18n: import when used
            write(notifications.set_language, current_user.id, lang)
    return redirect(local_target(request.form.get("next"), url_for("pages.home")))


def translate_error(message):
    """Domain messages are English msgids; show them in the UI language."""
    return gettext(message)


def init_app(app):
    """Register the language switch and the templates' language_fragment."""
    app.register_blueprint(bp)
    app.jinja_env.globals["language_fragment"] = language_fragment


def card_text(closed=False):
    """What every card of a page shows alike, in the UI language: built once per page (or
    broadcast) and passed to the card macro (templates/boards/_cards.html). `closed`: the cards
    belong to a cycle their team has closed (they show their outcome, no tools)."""
    return SimpleNamespace(
        closed=closed, today=today_local(),
        no_goal=gettext("No goal"), needs_help=gettext("Needs help"),
        move_prev=gettext("Move to previous column"), move_next=gettext("Move to next column"),
        edit_label=gettext("Edit"), move_to=gettext("Move to…"),
        overdue=gettext("Overdue"), completed=gettext("Completed"),
        carried=gettext("Carried over to cycle %(n)s"), dropped=gettext("Dropped"),
        split=gettext("Split up; the rest continues in cycle %(n)s"),
        not_decided=gettext("Not decided at the close"))


def language_fragment(template_name):
    """A partial that shows only texts in the UI language and links (no data, nothing of the
    request), rendered once per language and URL prefix and kept per process."""
    key = (template_name, str(get_locale()), request.script_root)
    kept = _FRAGMENTS.get(key)
    if kept is None:
        kept = _FRAGMENTS[key] = Markup(render_template(template_name))
    return kept


_FRAGMENTS = {}
