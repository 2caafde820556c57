"""A person's own API tokens: list, create (shown once) and revoke (/me/tokens)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import people

from . import database
from .clock import now
from .inputs import form_int
from .security_log import security_event
from .socket_rooms import close_token_sockets
from .writes import write

bp = Blueprint("tokens", __name__)


@bp.route("/me/tokens")
@login_required
def index():
    """My tokens that still work, with their expiry and last use."""
    rows = people.list_tokens(database.reader(), current_user.id, now())
    return render_template("me/tokens.html", tokens=rows, days=people.TOKEN_DAYS)


@bp.route("/me/tokens", methods=["POST"])
@login_required
def create():
    """Make a token for a script or tool; it is shown only on this answer."""
    days = form_int("expires_days")
    token = write(people.issue_token, current_user.id, name=request.form.get("name", ""),
                  expires_days=days, now=now())
    security_event("token_issue", outcome="success", person_id=current_user.id, method="page")
    rows = people.list_tokens(database.reader(), current_user.id, now())
    return render_template("me/tokens.html", tokens=rows, days=people.TOKEN_DAYS, new_token=token)


@bp.route("/me/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    """Revoke one of my tokens (someone else's is 404)."""
    token = write(people.revoke_token, current_user.id, token_id)
    close_token_sockets(token.id)
    security_event("token_revoke", outcome="success", person_id=current_user.id,
                   token_id=token_id)
    flash(_("Token “%(name)s” is revoked.", name=token.name or token_id), "info")
    return redirect(url_for("tokens.index"))
