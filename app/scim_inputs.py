"""What a SCIM request carries, read safely: its body, resource ids and paging numbers; and the
SCIM answers (a resource, an RFC 7644 error). Ids and numbers are ASCII digits only ("١" and "²"
pass str.isdigit but name no resource)."""

import json

from flask import Response
from scim2_models import Error
from werkzeug.exceptions import HTTPException

from boards.access import MAX_ID
from boards.errors import DomainError, Invalid, NotFound
from boards.numbers import is_int

from .inputs import ascii_number, id_or_none, json_object, parse_int

MEDIA = "application/scim+json"


def scim_response(payload, status=200, headers=None):
    """A SCIM JSON answer."""
    return Response(json.dumps(payload), status=status, mimetype=MEDIA, headers=headers)


def scim_error(status, detail, scim_type=None):
    """An RFC 7644 §3.12 error."""
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return scim_response(error.model_dump(), status)


def read_object():
    """The body's JSON object, or a SCIM 400 (413 when too large) that says what is wrong."""
    try:
        return json_object(), None
    except DomainError as error:
        return None, scim_error(400, error.message, "invalidSyntax")
    except HTTPException as error:
        if error.code != 400:
            raise
        return None, scim_error(400, error.description or "The request body is not valid JSON.",
                                "invalidSyntax")


def read_body(model, context):
    """(the body as a scim2-models resource, None), or (None, a SCIM 400 error)."""
    data, error = read_object()
    if error:
        return None, error
    return model.model_validate(data, scim_ctx=context), None


def resource_id_or_none(text):
    """A resource id from text (ASCII digits only, no spaces, within a key's range), or None."""
    return id_or_none(text) if ascii_number(text) else None


def resource_id(ident):
    """The id in a resource's path, or NotFound."""
    number = resource_id_or_none(ident)
    if number is None:
        raise NotFound("Unknown resource.")
    return number


def paging_number(value, default):
    """A paging number: an int, or text of ASCII digits; anything else is the default."""
    if is_int(value):
        return max(min(value, MAX_ID), -MAX_ID)
    try:
        number = parse_int(value, "number") if isinstance(value, str) else None
    except Invalid:
        number = None
    return default if number is None else max(min(number, MAX_ID), -MAX_ID)
