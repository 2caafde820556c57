"""Domain errors; the web layer maps each to one HTTP status, JSON error and socket ack."""


def N_(message):
    """Mark a message for translation; the web layer translates it when it is shown."""
    return message


class DomainError(Exception):
    """Base class: `code` is the stable error code clients see; `field` names the input at fault
    and `item` the id of the list entry it belongs to (a form shows the message beside it);
    `params` fill the message's %(name)s places after it is translated."""

    code = "invalid"

    def __init__(self, message, *, field=None, item=None, params=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.item = item
        self.params = params or {}


class Invalid(DomainError):
    """The input does not make sense (422)."""

    code = "invalid"


class NotFound(DomainError):
    """The thing asked for does not exist (404)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller may not do this (403)."""

    code = "forbidden"


class Conflict(DomainError):
    """The write was based on a stale version, or the state forbids it (409)."""

    code = "conflict"
