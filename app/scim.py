"""SCIM 2.0 provisioning at /scim/v2 (RFC 7643/7644): the directory keeps people and teams in step.

Off unless SCIM_TOKEN is set (then 404); the directory sends that secret as a bearer token.
Resources are read and written with scim2-models. Only what the app stores is published in
/Schemas (userName, displayName, emails.value, active, externalId; a group's displayName and
members), so what a client writes is what it reads back. Users are people, Groups are teams.
"""

import hmac
import re

from flask import Blueprint, Response, abort, current_app, request, url_for
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Email,
    EnterpriseUser,
    ETag,
    Error,
    Filter,
    Group,
    GroupMember,
    ListResponse,
    Meta,
    Patch,
    PatchOp,
    ResourceType,
    ResponseParameters,
    SCIMException,
    ServiceProviderConfig,
    Sort,
    User,
)
from werkzeug.exceptions import HTTPException

from boards import provisioning
from boards.access import is_id
from boards.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from boards.provisioning import UserFields, user_name_of

from . import database
from .inputs import json_object
from .sockets import disconnect_room
from .writes import write

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
# What a directory sends may carry the enterprise extension (Entra ID does): read it, store none of it.
DirectoryUser = User[EnterpriseUser]
MEDIA = "application/scim+json"
MAX_COUNT = 200
USER_ATTRIBUTES = {"userName", "displayName", "emails", "active"}
GROUP_ATTRIBUTES = {"displayName", "members"}
SUB_ATTRIBUTES = {"emails": {"value"}, "members": {"value", "$ref", "type"}}
FILTER_RE = re.compile(r'^\s*(\w+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
USER_FILTERS = {"username": "user_name", "externalid": "external_id"}
GROUP_FILTERS = {"displayname": "display_name", "externalid": "external_id"}


def scim_response(payload, status=200, headers=None):
    """A SCIM JSON answer."""
    import json
    return Response(json.dumps(payload), status=status, mimetype=MEDIA, headers=headers)


def scim_error(status, detail, scim_type=None):
    """An RFC 7644 §3.12 error."""
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return scim_response(error.model_dump(), status)


@bp.before_request
def require_directory():
    """404 while SCIM is off; 401 without the directory's bearer secret (compared in constant time)."""
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
    return url_for("scim.user" if kind == "User" else "scim.group", ident=ident, _external=True)


def user_resource(person):
    """A person as a SCIM User."""
    return DirectoryUser(id=str(person.id), external_id=person.external_id,
                user_name=user_name_of(person), display_name=person.name,
                emails=[Email.model_construct(value=person.email, type=Email.Type.work, primary=True)],
                active=person.active,
                meta=Meta(resource_type="User", location=_location("User", person.id)))


def group_resource(team, member_ids):
    """A team as a SCIM Group."""
    members = [GroupMember(value=str(pid), ref=_location("User", pid), type="User")
               for pid in member_ids] or None
    return Group(id=str(team.id), external_id=team.external_id, display_name=team.name,
                 members=members, meta=Meta(resource_type="Group", location=_location("Group", team.id)))


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
        if member.type not in (None, "User") or not (member.value or "").isdigit():
            raise Invalid("Only users can be members of a group.", field="members")
        found.append(int(member.value))
    return found


def _published(payload, kind):
    """Only what /Schemas publishes: a client reads back exactly what it can write."""
    keep = USER_ATTRIBUTES if kind == "User" else GROUP_ATTRIBUTES
    out = {k: v for k, v in payload.items() if k in keep or k in ("schemas", "id", "externalId", "meta")}
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


def _body(model, context):
    try:
        data = json_object()
    except (DomainError, HTTPException):
        return None, scim_error(400, "The request body is not a valid JSON object.", "invalidSyntax")
    return model.model_validate(data, scim_ctx=context), None


def _ident(ident):
    number = int(ident) if ident.isdigit() and len(ident) < 11 else None
    if not is_id(number):
        raise NotFound("Unknown resource.")
    return number


def _number(value, default):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    value = value if isinstance(value, str) else ""
    return int(value) if value.isdigit() and len(value) < 10 else default


def _filter(text, known):
    """{field: value} for `attr eq "value"`; {} without a filter; None for anything else."""
    if not text:
        return {}
    match = FILTER_RE.match(text) if isinstance(text, str) else None
    if not match or match.group(1).lower() not in known:
        return None
    return {known[match.group(1).lower()]: match.group(2).replace('\\"', '"').replace("\\\\", "\\")}


def _list(kind, query, render, source=None):
    """A ListResponse page; the query comes from the URL, or a POSTed SearchRequest (`source`)."""
    source = request.args if source is None else source
    criteria = _filter(source.get("filter"), USER_FILTERS if kind == "User" else GROUP_FILTERS)
    if criteria is None:
        return scim_error(400, "Only 'attribute eq \"value\"' filters are supported.", "invalidFilter")
    start = max(_number(source.get("startIndex"), 1), 1)
    count = min(max(_number(source.get("count"), 100), 0), MAX_COUNT)
    total, page = query(database.reader(), offset=start - 1, limit=count, **criteria)
    parameters = _parameters(User if kind == "User" else Group, source)
    resources = [_dump(r, kind, Context.SEARCH_RESPONSE, parameters) for r in render(page)]
    return scim_response({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                          "totalResults": total, "startIndex": start,
                          "itemsPerPage": len(resources), "Resources": resources})


def _search(kind, query, render):
    try:
        data = json_object()
    except (DomainError, HTTPException):
        return scim_error(400, "The request body is not a valid JSON object.", "invalidSyntax")
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
    user, error = _body(DirectoryUser, Context.RESOURCE_CREATION_REQUEST)
    if error:
        return error
    person = write(provisioning.provision_user, user_fields(user))
    resource = user_resource(person)
    return scim_response(_dump(resource, "User", Context.RESOURCE_CREATION_RESPONSE), 201,
                         {"Location": resource.meta.location})


@bp.route("/Users/<ident>", methods=["GET"])
def user(ident):
    """One person."""
    person = provisioning.visible_person(database.reader(), _ident(ident))
    return scim_response(_dump(user_resource(person), "User", parameters=_parameters(User)))


@bp.route("/Users/<ident>", methods=["PUT"])
def replace_user(ident):
    """Replace what the directory says about a person (active false disables them)."""
    person_id = _ident(ident)
    user, error = _body(DirectoryUser, Context.RESOURCE_REPLACEMENT_REQUEST)
    if error:
        return error
    person = write(provisioning.replace_user, person_id, user_fields(user))
    _after_user_write(person)
    return scim_response(_dump(user_resource(person), "User", Context.RESOURCE_REPLACEMENT_RESPONSE))


@bp.route("/Users/<ident>", methods=["PATCH"])
def patch_user(ident):
    """Change some attributes (e.g. `active`), applied to the person as they are now."""
    person_id = _ident(ident)
    patch, error = _body(PatchOp[DirectoryUser], Context.RESOURCE_PATCH_REQUEST)
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
    person = write(provisioning.deprovision_user, _ident(ident))
    _after_user_write(person)
    return Response(status=204)


# ---- Groups -----------------------------------------------------------------------------------

def _groups(page):
    members = provisioning.member_ids(database.reader(), [t.id for t in page])
    return [group_resource(t, members[t.id]) for t in page]


def _group_of(session, team):
    return group_resource(team, provisioning.member_ids(session, [team.id])[team.id])


@bp.route("/Groups", methods=["GET"])
def groups():
    """Teams, a page at a time."""
    return _list("Group", provisioning.scim_teams, _groups)


@bp.route("/Groups/.search", methods=["POST"])
def search_groups():
    """The same as GET /Groups, the query in a SearchRequest body."""
    return _search("Group", provisioning.scim_teams, _groups)


@bp.route("/Groups", methods=["POST"])
def create_group():
    """A new team from a directory group."""
    group, error = _body(Group, Context.RESOURCE_CREATION_REQUEST)
    if error:
        return error
    team = write(provisioning.create_group, name=group.display_name,
                 external_id=group.external_id, members=member_ids_of(group))
    resource = _group_of(database.reader(), team)
    return scim_response(_dump(resource, "Group", Context.RESOURCE_CREATION_RESPONSE), 201,
                         {"Location": resource.meta.location})


@bp.route("/Groups/<ident>", methods=["GET"])
def group(ident):
    """One team with its members."""
    session = database.reader()
    team = provisioning.visible_team(session, _ident(ident))
    return scim_response(_dump(_group_of(session, team), "Group", parameters=_parameters(Group)))


@bp.route("/Groups/<ident>", methods=["PUT"])
def replace_group(ident):
    """Replace a team's name and members."""
    team_id = _ident(ident)
    group, error = _body(Group, Context.RESOURCE_REPLACEMENT_REQUEST)
    if error:
        return error
    team = write(provisioning.replace_group, team_id, name=group.display_name,
                 external_id=group.external_id, members=member_ids_of(group))
    return scim_response(_dump(_group_of(database.reader(), team), "Group",
                               Context.RESOURCE_REPLACEMENT_RESPONSE))


@bp.route("/Groups/<ident>", methods=["PATCH"])
def patch_group(ident):
    """Members in and out (and a new name), applied to the team as it is now."""
    team_id = _ident(ident)
    patch, error = _body(PatchOp[Group], Context.RESOURCE_PATCH_REQUEST)
    if error:
        return error

    def apply(session):
        resource = _group_of(session, provisioning.visible_team(session, team_id))
        patch.patch(resource)
        return provisioning.replace_group(session, team_id, name=resource.display_name,
                                          external_id=resource.external_id,
                                          members=member_ids_of(resource))

    team = write(apply)
    return scim_response(_dump(_group_of(database.reader(), team), "Group",
                               Context.RESOURCE_PATCH_RESPONSE))


@bp.route("/Groups/<ident>", methods=["DELETE"])
def delete_group(ident):
    """The directory deleted the group: the team is retired."""
    write(provisioning.delete_group, _ident(ident))
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


# ---- discovery --------------------------------------------------------------------------------

def schemas():
    """The User and Group schemas, cut down to what the app stores."""
    user_schema, group_schema = User.to_schema(), Group.to_schema()
    user_schema.attributes = [a for a in user_schema.attributes if a.name in USER_ATTRIBUTES]
    group_schema.attributes = [a for a in group_schema.attributes if a.name in GROUP_ATTRIBUTES]
    for attribute in user_schema.attributes + group_schema.attributes:
        if attribute.name in ("displayName", "emails", "active"):
            # A person needs a name and an e-mail address; `active` is what the directory
            # switches (removing it would mean nothing here).
            attribute.required = True
        if attribute.name in SUB_ATTRIBUTES:
            attribute.sub_attributes = [s for s in attribute.sub_attributes
                                        if s.name in SUB_ATTRIBUTES[attribute.name]]
            for sub in attribute.sub_attributes:
                if attribute.name == "emails":
                    sub.required = True
                if sub.name == "$ref":
                    sub.reference_types = ["User"]
    for schema, name in ((user_schema, "Schemas"), (group_schema, "Schemas")):
        schema.meta = Meta(resource_type="Schema",
                           location=url_for("scim.schema", ident=schema.id, _external=True))
    return [user_schema, group_schema]


def resource_types():
    """Users and Groups."""
    found = []
    for model in (User, Group):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = Meta(resource_type="ResourceType", location=url_for(
            "scim.resource_type", ident=resource_type.id, _external=True))
        found.append(resource_type)
    return found


def _listed(items):
    response = ListResponse[type(items[0])](total_results=len(items), start_index=1,
                                            items_per_page=len(items), resources=items)
    return scim_response(response.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@bp.route("/ServiceProviderConfig", methods=["GET"])
def service_provider_config():
    """What this server supports: PATCH and simple filters; no bulk, sort, ETags or passwords."""
    config = ServiceProviderConfig(
        documentation_uri=None, patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False), sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="Bearer token",
            description="The secret in SCIM_TOKEN, sent as 'Authorization: Bearer <secret>'.",
            primary=True)],
        meta=Meta(resource_type="ServiceProviderConfig",
                  location=url_for("scim.service_provider_config", _external=True)))
    return scim_response(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.route("/Schemas", methods=["GET"])
def schema_list():
    """The published schemas."""
    return _listed(schemas())


@bp.route("/Schemas/<ident>", methods=["GET"])
def schema(ident):
    """One published schema."""
    found = [s for s in schemas() if s.id == ident]
    if not found:
        raise NotFound("Unknown schema.")
    return scim_response(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@bp.route("/ResourceTypes", methods=["GET"])
def resource_type_list():
    """Users and Groups."""
    return _listed(resource_types())


@bp.route("/ResourceTypes/<ident>", methods=["GET"])
def resource_type(ident):
    """One resource type."""
    found = [r for r in resource_types() if r.id == ident]
    if not found:
        raise NotFound("Unknown resource type.")
    return scim_response(found[0].model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
