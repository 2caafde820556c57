"""SCIM 2.0 provisioning at /scim/v2 (RFC 7643/7644): the directory keeps people and teams in step.

This module: access, errors, listing and Users; Groups are in scim_groups.py, the discovery
endpoints in scim_discovery.py, the security log of its writes in scim_log.py (all on this
blueprint); reading bodies, ids and paging numbers in scim_inputs.py.

Off unless SCIM_TOKEN is set (then 404); the directory sends that secret as a bearer token.
Resources are read and written with scim2-models. Only what the app stores is published in
/Schemas (userName, displayName, emails.value, active, externalId; a group's displayName and
members), so what a client writes is what it reads back. Users are people, Groups are teams.
"""

import hmac
import re

from flask import Blueprint, Response, abort, current_app, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Group,
    GroupMember,
    Meta,
    PatchOp,
    ResponseParameters,
    SCIMException,
    User,
)
from werkzeug.exceptions import HTTPException

from boards import provisioning
from boards.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from boards.provisioning import UserFields, user_name_of
from boards.validation import storable

from . import database
from .public_url import public_url
from .scim_inputs import (  # scim_discovery.py imports scim_error and scim_response from here
    paging_number,
    read_body,
    read_object,
    resource_id,
    resource_id_or_none,
    scim_error,
    scim_response,
)
from .socket_rooms import disconnect_room
from .writes import write

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
# What a directory sends may carry the enterprise extension (Entra ID does): read it, store none
# of it.
DirectoryUser = User[EnterpriseUser]
MAX_COUNT = 200
USER_ATTRIBUTES = {"userName", "displayName", "emails", "active"}
GROUP_ATTRIBUTES = {"displayName", "members"}
SUB_ATTRIBUTES = {"emails": {"value"}, "members": {"value", "$ref", "type"}}
FILTER_RE = re.compile(r'^\s*(\w+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
USER_FILTERS = {"username": "user_name", "externalid": "external_id"}
GROUP_FILTERS = {"displayname": "display_name", "externalid": "external_id"}


@bp.before_request
def require_directory():
    """404 while SCIM is off; 401 without the directory's bearer secret (compared in constant
    time)."""
    secret = current_app.config.get("SCIM_TOKEN")
    if not secret:
        abort(404)
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode("utf-8", "surrogatepass"), secret.encode()):
        return scim_error(401, "A valid bearer token is required.")


@bp.errorhandler(DomainError)
def domain_error(error):
    status, scim_type = {NotFound: (404, None), Conflict: (409, "uniqueness"),
                         Forbidden: (403, None)}.get(type(error), (400, "invalidValue"))
    return scim_error(status, error.message, scim_type)


@bp.errorhandler(SCIMException)
def protocol_error(error):
    return scim_response(error.to_error().model_dump(), error.status)


@bp.errorhandler(ValidationError)
def validation_error(error):
    return scim_error(400, str(error.errors()[0].get("msg", "Invalid value.")), "invalidValue")


@bp.errorhandler(HTTPException)
def http_error(error):
    return scim_error(error.code, error.description,
                      "invalidSyntax" if error.code == 400 else None)


# ---- reading and writing the resources ------------------------------------------------------

def _location(kind, ident):
    # From PUBLIC_URL, not the Host header: a directory stores and follows these addresses.
    return public_url("scim.user" if kind == "User" else "scim.group", ident=ident)


def user_resource(person):
    """A person as a SCIM User."""
    return DirectoryUser(id=str(person.id), external_id=person.external_id,
                user_name=user_name_of(person), display_name=person.name,
                emails=[Email.model_construct(value=person.email, type=Email.Type.work,
                                              primary=True)],
                active=person.active,
                meta=Meta(resource_type="User", location=_location("User", person.id)))


def group_resource(team, member_ids):
    """A team as a SCIM Group."""
    members = [GroupMember(value=str(pid), ref=_location("User", pid), type="User")
               for pid in member_ids] or None
    return Group(id=str(team.id), external_id=team.external_id, display_name=team.name,
                 members=members,
                 meta=Meta(resource_type="Group", location=_location("Group", team.id)))


def user_fields(user):
    """What a SCIM User says, as the domain takes it."""
    emails = user.emails or []
    chosen = next((e for e in emails if e.primary), None) \
        or next((e for e in emails if e.type == "work"), None) or (emails[0] if emails else None)
    return UserFields(user_name=user.user_name, display_name=user.display_name or user.user_name,
                      email=chosen.value if chosen else None,
                      active=True if user.active is None else user.active,
                      external_id=user.external_id)


def member_ids_of(group):
    """The person ids a SCIM Group lists."""
    found = []
    for member in group.members or []:
        ident = resource_id_or_none(member.value)
        if member.type not in (None, "User") or ident is None:
            raise Invalid("Only users can be members of a group.", field="members")
        found.append(ident)
    return found


def _published(payload, kind):
    """Only what /Schemas publishes: a client reads back exactly what it can write."""
    keep = USER_ATTRIBUTES if kind == "User" else GROUP_ATTRIBUTES
    always = ("schemas", "id", "externalId", "meta")
    out = {k: v for k, v in payload.items() if k in keep or k in always}
    for name, sub in SUB_ATTRIBUTES.items():
        if isinstance(out.get(name), list):
            out[name] = [{k: v for k, v in item.items() if k in sub} for item in out[name]]
    return out


def _parameters(model, source=None):
    source = request.args if source is None else source
    raw = {"attributes": source.get("attributes"),
           "excludedAttributes": source.get("excludedAttributes")}
    return ResponseParameters[model].model_validate({k: v for k, v in raw.items() if v})


def _dump(resource, kind, context=Context.RESOURCE_QUERY_RESPONSE, parameters=None):
    return _published(resource.model_dump(scim_ctx=context, response_parameters=parameters), kind)


def _filter(text, known):
    """{field: value} for `attr eq "value"`; {} without a filter; None for anything else."""
    if not text:
        return {}
    match = FILTER_RE.match(text) if isinstance(text, str) else None
    if not match or match.group(1).lower() not in known:
        return None
    value = match.group(2).replace('\\"', '"').replace("\\\\", "\\")
    try:
        storable(value, "filter")  # NUL or a lone surrogate: no stored value can match
    except Invalid:
        return None
    return {known[match.group(1).lower()]: value}


def _list(kind, query, render, source=None):
    """A ListResponse page; the query comes from the URL, or a POSTed SearchRequest (`source`)."""
    source = request.args if source is None else source
    criteria = _filter(source.get("filter"), USER_FILTERS if kind == "User" else GROUP_FILTERS)
    if criteria is None:
        return scim_error(400, "Only 'attribute eq \"value\"' filters are supported.",
                          "invalidFilter")
    start = max(paging_number(source.get("startIndex"), 1), 1)
    count = min(max(paging_number(source.get("count"), 100), 0), MAX_COUNT)
    total, page = query(database.reader(), offset=start - 1, limit=count, **criteria)
    parameters = _parameters(User if kind == "User" else Group, source)
    resources = [_dump(r, kind, Context.SEARCH_RESPONSE, parameters) for r in render(page)]
    return scim_response({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                          "totalResults": total, "startIndex": start,
                          "itemsPerPage": len(resources), "Resources": resources})


def _search(kind, query, render):
    data, error = read_object()
    if error:
        return error
    return _list(kind, query, render, data)


def _after_user_write(person):
    if not person.active:  # disabled: close the person's open sockets at once, everywhere
        disconnect_room(f"person:{person.id}")


# ---- Users ------------------------------------------------------------------------------------

@bp.route("/Users", methods=["GET"])
def users():
    """People, a page at a time; `filter=userName eq "…"` finds one."""
    return _list("User", provisioning.scim_people, lambda page: [user_resource(p) for p in page])


@bp.route("/Users/.search", methods=["POST"])
def search_users():
    """The same as GET /Users, the query in a SearchRequest body."""
    return _search("User", provisioning.scim_people, lambda page: [user_resource(p) for p in page])


@bp.route("/Users", methods=["POST"])
def create_user():
    """Provision a person."""
    user, error = read_body(DirectoryUser, Context.RESOURCE_CREATION_REQUEST)
    if error:
        return error
    person = write(provisioning.provision_user, user_fields(user))
    resource = user_resource(person)
    return scim_response(_dump(resource, "User", Context.RESOURCE_CREATION_RESPONSE), 201,
                         {"Location": resource.meta.location})


@bp.route("/Users/<ident>", methods=["GET"])
def user(ident):
    """One person."""
    person = provisioning.visible_person(database.reader(), resource_id(ident))
    return scim_response(_dump(user_resource(person), "User", parameters=_parameters(User)))


@bp.route("/Users/<ident>", methods=["PUT"])
def replace_user(ident):
    """Replace what the directory says about a person (active false disables them)."""
    person_id = resource_id(ident)
    user, error = read_body(DirectoryUser, Context.RESOURCE_REPLACEMENT_REQUEST)
    if error:
        return error
    person = write(provisioning.replace_user, person_id, user_fields(user))
    _after_user_write(person)
    return scim_response(_dump(user_resource(person), "User",
                               Context.RESOURCE_REPLACEMENT_RESPONSE))


@bp.route("/Users/<ident>", methods=["PATCH"])
def patch_user(ident):
    """Change some attributes (e.g. `active`), applied to the person as they are now."""
    person_id = resource_id(ident)
    patch, error = read_body(PatchOp[DirectoryUser], Context.RESOURCE_PATCH_REQUEST)
    if error:
        return error

    def apply(session):
        resource = user_resource(provisioning.visible_person(session, person_id))
        patch.patch(resource)
        return provisioning.replace_user(session, person_id, user_fields(resource))

    person = write(apply)
    _after_user_write(person)
    return scim_response(_dump(user_resource(person), "User", Context.RESOURCE_PATCH_RESPONSE))


@bp.route("/Users/<ident>", methods=["DELETE"])
def delete_user(ident):
    """The directory deleted the person: disabled at once, their history kept."""
    person = write(provisioning.deprovision_user, resource_id(ident))
    _after_user_write(person)
    return Response(status=204)


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(_rest):
    """Anything else under /scim/v2 is a SCIM error: 405 for a read-only endpoint, else 404."""
    if re.match(r"^(ServiceProviderConfig|ResourceTypes|Schemas)(/[^/]*)?$", _rest):
        return scim_error(405, "This endpoint can only be read.")
    return scim_error(404, "Unknown endpoint.")


@bp.route("/.search", methods=["POST"])
def search_everything():
    """Searching users and groups at once is not supported (RFC 7644 §3.4.3 allows 501)."""
    return scim_error(501, "Search /Users/.search or /Groups/.search instead.")
