"""Passwords in the browser: change one's own, and set one through a one-time link."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from boards import password_links
from boards.errors import DomainError
from boards.password_policy import password_context

from . import database
from .i18n import translate_error
from .limits import wrong_current_passwords
from .offload import off_loop
from .public_url import public_url
from .socket_rooms import disconnect_room
from .writes import write

bp = Blueprint("passwords", __name__)


def link_url(token):
    """The absolute address of a one-time password link."""
    return public_url("passwords.use_link", link_token=token)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
@wrong_current_passwords
def change():
    """Change one's own password (the current one is required; wrong ones are limited)."""
    status, new_error = 200, None
    if request.method == "POST":
        form = request.form
        if form.get("new") != form.get("repeat"):
            flash(_("The two new passwords are not the same."), "error")
            status = 422
        else:
            try:
                change_own_password(current_user.id, form.get("current"), form.get("new"),
                                    keep_login=session.get("login_key"))
                flash(_("Your password is changed."), "info")
                return redirect(url_for("pages.my_actions"))
            except DomainError as error:
                new_error = _shown(error)
                status = 403 if error.code == "forbidden" else 422
    return render_template("passwords/change.html", new_error=new_error), status


def _shown(error):
    """A refused new password's reason goes beside its field; anything else is flashed."""
    if error.field == "password":
        return translate_error(error.message)
    flash(translate_error(error.message), "error")
    return None


@bp.route("/password/<link_token>", methods=["GET", "POST"])
def use_link(link_token):
    """Set a password through a one-time link from an admin (invite or reset)."""
    row = password_links.person_for_link(database.reader(), link_token)
    if row is None:
        return render_template("passwords/link_gone.html"), 404
    link, person = row
    status, new_error = 200, None
    if request.method == "POST":
        if request.form.get("new") != request.form.get("repeat"):
            flash(_("The two new passwords are not the same."), "error")
            status = 422
        else:
            try:
                write(password_links.use_password_link, link_token, request.form.get("new"),
                      context=password_context(database.reader(), person.id), run=off_loop)
                close_sockets(person.id)
                flash(_("Your password is set. Log in with it."), "info")
                return redirect(url_for("auth.login"))
            except DomainError as error:
                new_error = _shown(error)
                status = 422
    return render_template("passwords/set.html", person=person, link=link,
                           new_error=new_error), status


def change_own_password(person_id, current, new, *, keep_login=None):
    """Check and hash first (off the event loop, outside the write transaction: SQLite's write
    lock would hold every other writer meanwhile), then store it and close the sockets of
    every login and token that ended."""
    context = password_context(database.reader(), person_id)
    change = password_links.prepare_password_change(database.reader(), person_id, current, new,
                                                    context=context,
                                                    run=off_loop)
    write(password_links.change_password, change, keep_login=keep_login)
    close_sockets(person_id)


def close_sockets(person_id):
    """Sockets of logins and tokens that just ended go at once (a browser login that stays
    connects again and re-reads)."""
    disconnect_room(f"person:{person_id}")
