"""SCIM discovery: ServiceProviderConfig, ResourceTypes and Schemas (on the /scim/v2 blueprint)."""

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    Group,
    ListResponse,
    Meta,
    Patch,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    User,
)

from boards.errors import NotFound

from .public_url import public_url
from .scim import GROUP_ATTRIBUTES, MAX_COUNT, SUB_ATTRIBUTES, USER_ATTRIBUTES, bp, scim_response


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
    for schema in (user_schema, group_schema):
        schema.meta = Meta(resource_type="Schema",
                           location=public_url("scim.schema", ident=schema.id))
    return [user_schema, group_schema]


def resource_types():
    """Users and Groups."""
    found = []
    for model in (User, Group):
        resource_type = ResourceType.from_resource(model)
        resource_type.meta = Meta(resource_type="ResourceType", location=public_url(
            "scim.resource_type", ident=resource_type.id))
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
                  location=public_url("scim.service_provider_config")))
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
