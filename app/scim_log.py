"""The directory's writes through SCIM in the security log (on the blueprint of app/scim.py)."""

from flask import request

from .inputs import parse_id
from .scim import bp
from .security_log import log_changes

USER_WRITES = ("scim.create_user", "scim.replace_user", "scim.patch_user", "scim.delete_user")
SEARCHES = ("scim.search_users", "scim.search_groups", "scim.search_everything")


def _about(response):
    """The person a successful User write concerns (the directory itself is nobody), or a
    group's members after the write."""
    if response.status_code >= 400:
        return None, ""  # an id from the URL may name nobody: it stays in the detail only
    body = response.get_json(silent=True) or {}
    if request.endpoint in USER_WRITES:
        return parse_id(body.get("id") or (request.view_args or {}).get("ident"), "id"), ""
    members = ",".join(str(m.get("value")) for m in body.get("members") or [])
    return None, f"id={body['id']} members={members}" if "id" in body else ""


log_changes(bp, kind="scim_change", method="scim", about=_about, reads=SEARCHES)
