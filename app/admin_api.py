"""JSON for scripts that administer people and teams (admins only), and a person's own data.

Part of /api/v1 (see docs/openapi.json); bearer tokens as in app/api.py.
"""

from functools import wraps

from flask import Blueprint, Response, abort, g, jsonify, request
from flask_login import current_user

from boards import anonymising, catalog, directory, teams
from boards.errors import N_, Invalid
from boards.models import Person, Team
from boards.numbers import is_int
from boards.queries import team_by_slug

from . import database
from .api import _only, token_required
from .auth import user_for_bearer
from .errors import problem
from .inputs import json_object
from .personal_data import personal_data_json
from .security_log import log_changes
from .socket_rooms import disconnect_room
from .writes import write

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1")
PERSON_FIELDS = ("name", "email", "is_admin", "active")
log_changes(bp)


def admin_token_required(view):
    """A valid bearer token of an admin: 401 without a token, 403 for anyone else."""

    @wraps(view)
    @token_required
    def wrapped(*args, **kwargs):
        if not g.api_user.is_admin:
            return problem(403, "forbidden", "Only administrators can do this.")
        return view(*args, **kwargs)

    return wrapped


def person_json(person, team_slugs=()):
    """A person as admins see them."""
    return {"id": person.id, "name": person.name, "email": person.email,
            "is_admin": person.is_admin, "active": person.active,
            "anonymised": person.anonymised_at is not None, "teams": list(team_slugs)}


def team_json(team, members):
    """A team with its members and delegate."""
    return {"id": team.id, "slug": team.slug, "name": team.name, "kind": team.kind,
            "delegate_id": team.delegate_id, "retired": team.retired_at is not None,
            "members": [{"id": p.id, "name": p.name} for p in members]}


def _person_answer(person_id, status=200):
    session = database.reader()
    person = session.get(Person, person_id)
    return jsonify(person=person_json(person, directory.team_slugs(session).get(person_id, []))), \
        status


def _team_answer(team_id, status=200):
    session = database.reader()
    team = session.get(Team, team_id)
    return jsonify(team=team_json(team, teams.members_of(session, team.id))), status


def _bool_or_none(data, field):
    value = data.get(field)
    if value is not None and not isinstance(value, bool):
        raise Invalid(N_("Invalid request."), field=field)
    return value


@bp.route("/people")
@admin_token_required
def people_list():
    """Everyone, by name; `?q=` searches names and e-mail addresses."""
    session = database.reader()
    found = directory.search_people(session, request.args.get("q", "")[:200])
    slugs = directory.team_slugs(session)
    return jsonify(people=[person_json(p, slugs.get(p.id, [])) for p in found])


@bp.route("/people", methods=["POST"])
@admin_token_required
def people_create():
    """Register a person."""
    data = json_object()
    # No password here: the person chooses one through a one-time link (reset-link).
    _only(data, ("name", "email", "is_admin"))
    person = write(directory.add_person, g.api_user.id, name=data.get("name"),
                   email=data.get("email"), is_admin=data.get("is_admin", False))
    return _person_answer(person.id, 201)


@bp.route("/people/<int:person_id>", methods=["PATCH"])
@admin_token_required
def people_edit(person_id):
    """Change name, e-mail, role or active; disabling ends their sessions and sockets at once."""
    data = json_object()
    _only(data, PERSON_FIELDS)
    for field in ("name", "email"):
        if field in data and not isinstance(data[field], str):
            raise Invalid(N_("Invalid request."), field=field)
    person = write(directory.update_person, g.api_user.id, person_id, name=data.get("name"),
                   email=data.get("email"), is_admin=_bool_or_none(data, "is_admin"),
                   active=_bool_or_none(data, "active"))
    if not person.active:
        disconnect_room(f"person:{person_id}")
    return _person_answer(person_id)


@bp.route("/people/<int:person_id>/anonymise", methods=["POST"])
@admin_token_required
def people_anonymise(person_id):
    """Replace a disabled leaver's name and e-mail by "Oud-medewerker <n>" everywhere."""
    write(anonymising.anonymise_person, g.api_user.id, person_id)
    return _person_answer(person_id)


@bp.route("/teams", methods=["POST"])
@admin_token_required
def teams_create():
    """Create a team."""
    data = json_object()
    _only(data, ("name", "slug", "kind", "ambition_ids"))
    ambition_ids = data.get("ambition_ids", [])
    if not isinstance(ambition_ids, list) or not all(is_int(i) for i in ambition_ids):
        raise Invalid(N_("Invalid request."), field="ambition_ids")
    for field in ("name", "slug", "kind"):
        if data.get(field) is not None and not isinstance(data[field], str):
            raise Invalid(N_("Invalid request."), field=field)
    team = write(catalog.create_team, g.api_user.id, name=data.get("name"),
                 slug=data.get("slug") or None, kind=data.get("kind", "team"),
                 ambition_ids=ambition_ids)
    return _team_answer(team.id, 201)


@bp.route("/teams/<slug>", methods=["PATCH"])
@admin_token_required
def teams_edit(slug):
    """Rename, set or clear the delegate to the Team van teams, retire or restore."""
    data = json_object()
    _only(data, ("name", "delegate_id", "retired"))
    team = team_by_slug(database.reader(), slug)
    if "name" in data and not isinstance(data["name"], str):
        raise Invalid(N_("Invalid request."), field="name")
    delegate = data.get("delegate_id")
    if delegate is not None and (not isinstance(delegate, int) or isinstance(delegate, bool)):
        raise Invalid(N_("Invalid request."), field="delegate_id")
    write(teams.update_team, g.api_user.id, team.id, name=data.get("name"),
          delegate_id=delegate, clear_delegate="delegate_id" in data and delegate is None,
          retired=_bool_or_none(data, "retired"))
    return _team_answer(team.id)


# One rule for both methods: with two, an out-of-range id answered 405 instead of 404.
@bp.route("/teams/<slug>/members/<int:person_id>", methods=["PUT", "DELETE"])
@admin_token_required
def teams_member(slug, person_id):
    """PUT: put a person in the team (nothing changes when they are in it).
    DELETE: take them out; their cards stay."""
    team = team_by_slug(database.reader(), slug)
    if request.method == "DELETE":
        write(teams.take_out, g.api_user.id, team.id, person_id)
        return Response(status=204)
    write(teams.put_member, g.api_user.id, team.id, person_id)
    return _team_answer(team.id)


@bp.route("/me/export")
def my_data():
    """Everything the app holds about the caller, as one JSON download (token or browser)."""
    user = user_for_bearer() or (current_user if current_user.is_authenticated else None)
    if user is None:
        abort(401)
    response = jsonify(personal_data_json(directory.personal_data(database.reader(), user.id)))
    response.headers["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
    return response
