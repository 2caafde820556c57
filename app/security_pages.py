"""The security log for admins: a filtered page and the same rows as CSV."""

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _

from boards.security_log import KINDS, OUTCOMES, SecurityFilter, security_events

from . import database
from .admin import admin_required
from .csv_output import csv_stream
from .exports import session_or_token
from .inputs import parse_date

bp = Blueprint("security", __name__, url_prefix="/admin/security")
PAGE_ROWS = 500
FILTER_FIELDS = ("kind", "outcome", "who", "since", "until")


def kind_labels():
    """The log's kinds in the UI language."""
    return {"login": _("login"), "login_limited": _("login limited"), "logout": _("logout"),
            "token_issued": _("token issued"), "token_limited": _("token request limited"),
            "token_revoked": _("token revoked"), "calendar_revoked": _("calendar link stopped"),
            "export": _("export"),
            "forbidden": _("refused"), "admin_change": _("admin change"),
            "scim_change": _("directory change (SCIM)")}


def outcome_labels():
    """The outcomes in the UI language."""
    return {"success": _("success"), "failure": _("failure"), "refused": _("refused")}


def requested_filter():
    """The filter from the query string; unknown kinds or outcomes match nothing odd (ignored)."""
    args = request.args
    since = parse_date(args.get("since"), "since")
    until = parse_date(args.get("until"), "until")
    return SecurityFilter(
        kind=args.get("kind", "") if args.get("kind") in KINDS else "",
        outcome=args.get("outcome", "") if args.get("outcome") in OUTCOMES else "",
        who=args.get("who", "").strip()[:320],
        since=_start_of(since), until=_start_of(until + timedelta(days=1)) if until else None)


def _start_of(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


@bp.route("/")
@admin_required
def index():
    """The newest rows of the security log that match the filter."""
    wanted = requested_filter()
    rows = list(security_events(database.reader(), wanted, limit=PAGE_ROWS))
    # Only the filter's own fields go into the export link (never url_for's _external, _scheme).
    filter_args = {name: request.args[name] for name in FILTER_FIELDS if request.args.get(name)}
    return render_template("admin/security.html", rows=rows, wanted=wanted, args=request.args,
                           filter_args=filter_args, kinds=kind_labels(), outcomes=outcome_labels(),
                           limit=PAGE_ROWS)


@bp.route("/export.csv")
@session_or_token
def export():
    """The rows matching the filter as CSV (admins; browser session or bearer token)."""
    if not g.export_user.is_admin:
        abort(403)
    wanted = requested_filter()
    db = database.database()

    def rows():
        session = db.reader()  # the stream outlives the request: its own session
        try:
            for event, person in security_events(session, wanted):
                yield [event.id, event.at.isoformat(), event.kind, event.outcome,
                       event.person_id or "", person.name if person else "", event.email,
                       event.method, event.address, event.detail]
        finally:
            session.close()

    return csv_stream("beveiligingslog.csv", ["id", "at", "kind", "outcome", "person_id", "person",
                                              "email", "method", "address", "detail"], rows())
