"""SCIM Groups: teams, their names and members (on the /scim/v2 blueprint of app/scim.py)."""

from flask import Response
from scim2_models import Context, Group, PatchOp

from boards import provisioning

from . import database
from .scim import _dump, _list, _parameters, _search, bp, group_resource, member_ids_of
from .scim_inputs import read_body, resource_id, scim_response
from .writes import write


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
    group, error = read_body(Group, Context.RESOURCE_CREATION_REQUEST)
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
    team = provisioning.visible_team(session, resource_id(ident))
    return scim_response(_dump(_group_of(session, team), "Group", parameters=_parameters(Group)))


@bp.route("/Groups/<ident>", methods=["PUT"])
def replace_group(ident):
    """Replace a team's name and members."""
    team_id = resource_id(ident)
    group, error = read_body(Group, Context.RESOURCE_REPLACEMENT_REQUEST)
    if error:
        return error
    team = write(provisioning.replace_group, team_id, name=group.display_name,
                 external_id=group.external_id, members=member_ids_of(group))
    return scim_response(_dump(_group_of(database.reader(), team), "Group",
                               Context.RESOURCE_REPLACEMENT_RESPONSE))


@bp.route("/Groups/<ident>", methods=["PATCH"])
def patch_group(ident):
    """Members in and out (and a new name), applied to the team as it is now."""
    team_id = resource_id(ident)
    patch, error = read_body(PatchOp[Group], Context.RESOURCE_PATCH_REQUEST)
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
    write(provisioning.delete_group, resource_id(ident))
    return Response(status=204)
