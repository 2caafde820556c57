"""Calendar feeds: the secret .ics link, making a new one and stopping it (page and API)."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, gettext
from flask_login import current_user, login_required

from boards import calendar_feed
from boards.errors import NotFound

from . import database
from .api import _only, token_required
from .auth import security_event
from .i18n import translate_error
from .inputs import json_object
from .public_urls import absolute_url, base_url
from .writes import write

bp = Blueprint("calendar", __name__)
api_bp = Blueprint("calendar_api", __name__, url_prefix="/api/v1")


def feed_labels():
    """The feed's texts in the current language."""
    return {"name": gettext("Verbeterbord: my actions"),
            "cycle_start": gettext("Start of cycle {number}"),
            "cycle_end": gettext("End of cycle {number}"),
            "team": gettext("Team: {team}"),
            "standup": gettext("Stand-up {team}")}


@bp.route("/calendar/<feed_token>.ics")
def feed(feed_token):
    """A person's calendar (no login: the secret link is the key); unknown or revoked: 404."""
    session = database.reader()
    person = calendar_feed.feed_owner(session, feed_token)
    if person is None:
        abort(404)
    with force_locale(person.language or "nl"):
        body = calendar_feed.calendar_ics(session, person, base_url=base_url(),
                                          labels=feed_labels())
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _new_link(person_id):
    token = write(calendar_feed.new_calendar_token, person_id)
    return absolute_url("calendar.feed", feed_token=token)


@bp.route("/me/calendar", methods=["POST"])
@login_required
def new_link():
    """Make a new calendar link (the old one stops working) and show it once."""
    return render_template("notifications/calendar.html", url=_new_link(current_user.id))


@bp.route("/me/calendar/revoke", methods=["POST"])
@login_required
def revoke_link():
    """Stop my calendar link: it answers 404 from now on (logged in the security log)."""
    try:
        write(calendar_feed.revoke_calendar_link, current_user.id)
    except NotFound as error:
        flash(translate_error(error.message), "error")
    else:
        security_event("calendar_revoked", outcome="success", person_id=current_user.id)
        flash(gettext("Your calendar link is stopped; calendars subscribed to it get nothing new."),
              "info")
    return redirect(url_for("pages.my_actions"))


@api_bp.route("/me/calendar", methods=["POST"])
@token_required
def api_new_link():
    """A new calendar link for me; the old one stops working."""
    if request.get_data():
        data = json_object()
        _only(data, ())
    return jsonify(url=_new_link(g.api_user.id)), 201


@api_bp.route("/me/calendar", methods=["DELETE"])
@token_required
def api_revoke_link():
    """Stop my calendar link: 204; 404 when I have none that works."""
    write(calendar_feed.revoke_calendar_link, g.api_user.id)
    security_event("calendar_revoked", outcome="success", person_id=g.api_user.id)
    return "", 204


def init_app(app, csrf):
    """Register the feed, the page form and the API endpoint."""
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)
