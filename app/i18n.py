"""Language: Dutch by default, English on request (kept in the session)."""

from types import SimpleNamespace

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from boards import notifications
from boards.cycles import today_local
from boards.validation import REPEAT_MAX

from .redirects import local_target

bp = Blueprint("i18n", __name__)


def select_locale():
    """The language chosen in this session, else Dutch."""
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


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
    """Register the language switch and the templates' quick _()."""
    app.register_blueprint(bp)
    app.context_processor(lambda: {"gettext": render_gettext()})
    app.jinja_env.globals["language_fragment"] = language_fragment


def render_gettext():
    """The templates' gettext (what _() calls) for one render, bound to the translations of the
    language it renders in. Flask-Babel's own looks the translations up on every call (≈ 20 µs;
    a board page has ~90); a template variable named gettext takes precedence over it."""
    translations = get_translations()

    @pass_context
    def gettext_now(context, string, **variables):
        # As Jinja's newstyle gettext: escape the variables in autoescaped templates.
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return gettext_now


def card_text(closed=False):
    """What every card shows alike: labels in the UI language and its links as (before, after) the
    action id. Built once per language and URL prefix (kept per process), so a card, and a page
    or a broadcast, costs no gettext or url_for calls for them. `closed`: the cards belong to a
    cycle their team has closed (they show their outcome, no tools)."""
    key = (str(get_locale()), request.script_root if has_request_context() else "")
    kept = _CARD_TEXTS.get(key)
    if kept is None:
        kept = _CARD_TEXTS[key] = _card_text()
    # A copy: a page may note things on it (app/card_cache.py), the kept one stays as built.
    texts = SimpleNamespace(**vars(kept))
    texts.closed, texts.today = closed, today_local()
    return texts


_CARD_TEXTS = {}


def language_fragment(template_name):
    """A partial that shows only texts in the UI language and links (no data, nothing of the
    request), rendered once per language and URL prefix and kept per process, like card_text."""
    key = (template_name, str(get_locale()), request.script_root)
    kept = _FRAGMENTS.get(key)
    if kept is None:
        kept = _FRAGMENTS[key] = Markup(render_template(template_name))
    return kept


_FRAGMENTS = {}


def _card_text():
    def around_id(endpoint):
        before, _sep, after = url_for(endpoint, action_id=999999999).partition("999999999")
        return before, after
    return SimpleNamespace(
        no_goal=gettext("No goal"), needs_help=gettext("Needs help"),
        move_prev=gettext("Move to previous column"), move_next=gettext("Move to next column"),
        edit_label=gettext("Edit"), move_to=gettext("Move to…"),
        detail=around_id("pages.action_detail"),
        edit=around_id("pages.edit_form"),
        overdue=gettext("Overdue"), completed=gettext("Completed"),
        carried=gettext("Carried over to cycle %(n)s"), dropped=gettext("Dropped"),
        split=gettext("Split up; the rest continues in cycle %(n)s"),
        not_decided=gettext("Not decided at the close"),
        repeats=repeat_words())


def repeat_words():
    """How often a card repeats, in the UI language, indexed by its number of cycles (0: not;
    a tuple: the card cache keys on the texts)."""
    return ("",) + tuple(gettext("Repeats every cycle") if n == 1
                         else gettext("Repeats every %(n)s cycles", n=n)
                         for n in range(1, REPEAT_MAX + 1))
