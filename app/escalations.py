"""Answering and resolving a request for help (the Team van teams and the team)."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import escalation

from .inputs import form_version
from .writes import write

bp = Blueprint("escalations", __name__)


@bp.route("/actions/<int:action_id>/help/notes", methods=["POST"])
@login_required
def add_note(action_id):
    """Add a note to the help thread."""
    write(escalation.respond_to_help, current_user.id, action_id, text=request.form.get("text"))
    flash(_("Your note has been added."), "info")
    return redirect(url_for("pages.action_detail", action_id=action_id, _anchor="help"))


@bp.route("/actions/<int:action_id>/help/resolve", methods=["POST"])
@login_required
def resolve(action_id):
    """Resolve the request for help; the card leaves the escalation list everywhere."""
    write(escalation.resolve_help, current_user.id, action_id, version=form_version(),
          note=request.form.get("note", ""))
    flash(_("The request for help is resolved."), "info")
    return redirect(url_for("pages.action_detail", action_id=action_id, _anchor="help"))
