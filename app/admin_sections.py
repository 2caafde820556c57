"""Admin sections: people, teams and the organisation, each on its own page.

Destructive acts (disable, anonymise, take out of a team, retire, remove a municipality) need
a ticked confirmation, checked on the server.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from boards import anonymising, branding, catalog, directory, organisation, teams
from boards.access import get_or_404
from boards.errors import N_, DomainError
from boards.models import Person, Team

from . import database
from .admin import admin_required, bp
from .confirm import confirmed
from .i18n import translate_error
from .inputs import form_int_or_none
from .security_log import log_change
from .socket_rooms import disconnect_room
from .writes import write


def _do(service, success, target, detail=""):
    """Run one write; flash and log its outcome (with `detail`); go to `target`."""
    try:
        result = write(service)
        flash(success, "info")
        log_change("success", detail)
    except DomainError as error:
        flash(translate_error(error.message), "error")
        log_change("failure", " ".join(p for p in (detail, error.code) if p))
        result = None
    return result, redirect(target)


# ---- people -------------------------------------------------------------------------------

@bp.route("/people", methods=["GET"])
@admin_required
def people():
    """Everyone, with a search on name and e-mail address."""
    query = request.args.get("q", "")[:200]
    session = database.reader()
    return render_template("admin/people.html", people=directory.search_people(session, query),
                           query=query, team_slugs=directory.team_slugs(session))


@bp.route("/people/<int:person_id>", methods=["GET"])
@admin_required
def person(person_id):
    """One person: name, e-mail, role, whether the account is active; anonymise a leaver."""
    session = database.reader()
    found = get_or_404(session, Person, person_id, N_("Unknown person."))
    return render_template("admin/person.html", person=found,
                           teams=directory.teams_of(session, person_id))


@bp.route("/people/<int:person_id>", methods=["POST"])
@admin_required
def edit_person(person_id):
    """Save name, e-mail, role and active; disabling needs confirmation and ends access at once."""
    form = request.form
    active = form.get("active") == "on"
    target = url_for("admin.person", person_id=person_id)
    current = database.reader().get(Person, person_id)
    if current is not None and current.active and not active and not confirmed():
        return redirect(target)
    result, response = _do(lambda s: directory.update_person(
        s, current_user.id, person_id, name=form.get("name", ""), email=form.get("email", ""),
        is_admin=form.get("is_admin") == "on", active=active), _("Saved."), target,
        f"is_admin={form.get('is_admin') == 'on'} active={active}")
    if result is not None and not result.active:
        disconnect_room(f"person:{person_id}")
    return response


@bp.route("/people/<int:person_id>/anonymise", methods=["POST"])
@admin_required
def anonymise_person(person_id):
    """Replace a disabled leaver's name and e-mail everywhere by "Oud-medewerker <n>"."""
    target = url_for("admin.person", person_id=person_id)
    if not confirmed():
        return redirect(target)
    return _do(lambda s: anonymising.anonymise_person(s, current_user.id, person_id),
               _("The person has been anonymised."), target)[1]


# ---- teams --------------------------------------------------------------------------------

@bp.route("/teams", methods=["GET"])
@admin_required
def teams_page():
    """All teams, retired ones last; add a team."""
    everything = catalog.everything(database.reader())
    ordered = sorted(everything["teams"], key=lambda t: (t.retired_at is not None, t.kind, t.name))
    return render_template("admin/teams.html", teams=ordered, ambitions=everything["ambitions"])


@bp.route("/teams/<int:team_id>", methods=["GET"])
@admin_required
def team(team_id):
    """One team: name, members in and out, delegate, retire."""
    session = database.reader()
    found = get_or_404(session, Team, team_id, N_("Unknown team."))
    members = teams.members_of(session, team_id)
    member_ids = {m.id for m in members}
    others = [p for p in directory.search_people(session) if p.active and p.id not in member_ids]
    return render_template("admin/team.html", team=found, members=members, others=others)


@bp.route("/teams/<int:team_id>", methods=["POST"])
@admin_required
def edit_team(team_id):
    """Rename the team and choose its delegate to the Team van teams."""
    delegate = form_int_or_none("delegate_id")
    return _do(lambda s: teams.update_team(
        s, current_user.id, team_id, name=request.form.get("name", ""), delegate_id=delegate,
        clear_delegate=delegate is None), _("Saved."), url_for("admin.team", team_id=team_id),
        f"delegate_id={delegate}")[1]


@bp.route("/teams/<int:team_id>/members/add", methods=["POST"])
@admin_required
def add_team_member(team_id):
    """Put a chosen person in the team."""
    person_id = form_int_or_none("person_id")
    return _do(lambda s: teams.put_member(s, current_user.id, team_id, person_id),
               _("Member added."), url_for("admin.team", team_id=team_id),
               f"person_id={person_id}")[1]


@bp.route("/teams/<int:team_id>/members/<int:person_id>/remove", methods=["POST"])
@admin_required
def remove_team_member(team_id, person_id):
    """Take a person out of the team (confirmed); their cards stay."""
    target = url_for("admin.team", team_id=team_id)
    if not confirmed():
        return redirect(target)
    return _do(lambda s: teams.take_out(s, current_user.id, team_id, person_id),
               _("Member removed."), target)[1]


@bp.route("/teams/<int:team_id>/retire", methods=["POST"])
@admin_required
def retire_team(team_id):
    """Retire the team (confirmed) or bring it back."""
    retire = request.form.get("retired") == "1"
    target = url_for("admin.team", team_id=team_id)
    if retire and not confirmed():
        return redirect(target)
    return _do(lambda s: teams.update_team(s, current_user.id, team_id, retired=retire),
               _("The team is retired.") if retire else _("The team is back."), target,
               f"retired={retire}")[1]


# ---- organisation -------------------------------------------------------------------------

@bp.route("/organisation", methods=["GET"])
@admin_required
def organisation_page():
    """The organisation's name, its municipalities and its cadence."""
    session = database.reader()
    everything = catalog.everything(session)
    return render_template("admin/organisation.html", organisation=everything["organisation"],
                           municipalities=organisation.municipalities(session))


@bp.route("/organisation", methods=["POST"])
@admin_required
def rename_organisation():
    """Rename the organisation."""
    return _do(lambda s: organisation.rename_organisation(s, current_user.id,
                                                          request.form.get("name", "")),
               _("Saved."), url_for("admin.organisation_page"))[1]


@bp.route("/organisation/municipalities", methods=["POST"])
@admin_required
def add_municipality():
    """Add a municipality."""
    return _do(lambda s: organisation.add_municipality(s, current_user.id,
                                                       request.form.get("name", "")),
               _("Municipality added."), url_for("admin.organisation_page"))[1]


@bp.route("/organisation/municipalities/<int:municipality_id>/remove", methods=["POST"])
@admin_required
def remove_municipality(municipality_id):
    """Remove a municipality (confirmed)."""
    target = url_for("admin.organisation_page")
    if not confirmed():
        return redirect(target)
    return _do(lambda s: organisation.remove_municipality(s, current_user.id, municipality_id),
               _("Municipality removed."), target)[1]


# ---- the organisation's look --------------------------------------------------------------

@bp.route("/organisation/colour", methods=["POST"])
@admin_required
def set_brand_colour():
    """Set the main colour (refused, with the reason, when it has too little contrast)."""
    colour = request.form.get("brand_colour", "") if "reset" not in request.form else ""
    return _do(lambda s: branding.set_brand_colour(s, current_user.id, colour),
               _("The main colour is saved."), url_for("admin.organisation_page"),
               f"brand_colour={colour.strip()[:7] or 'none'}")[1]


@bp.route("/organisation/logo", methods=["POST"])
@admin_required
def upload_logo():
    """Upload the organisation's logo (PNG, JPEG or WebP, checked on its bytes)."""
    upload = request.files.get("logo")
    # Read before the write transaction opens: nothing slow inside it.
    data = upload.read(branding.LOGO_MAX_BYTES + 1) if upload else b""
    return _do(lambda s: branding.set_logo(s, current_user.id, data), _("The logo is saved."),
               url_for("admin.organisation_page"), f"logo_bytes={len(data)}")[1]


@bp.route("/organisation/logo/remove", methods=["POST"])
@admin_required
def remove_logo():
    """Remove the organisation's logo."""
    return _do(lambda s: branding.remove_logo(s, current_user.id), _("The logo is removed."),
               url_for("admin.organisation_page"))[1]
