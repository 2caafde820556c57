"""The shape of a person's own data download (GET /api/v1/me/export): never a secret or hash."""

from .serializers import logged_state, timestamp


def personal_data_json(data):
    """The personal data download as JSON-ready data."""
    p = data["person"]
    return {
        "person": {"id": p.id, "name": p.name, "email": p.email, "home_office": p.home_office,
                   "is_admin": p.is_admin, "active": p.active, "user_name": p.user_name,
                   "external_id": p.external_id, "has_password": p.password_hash is not None,
                   "language": p.language, "oidc_issuer": p.oidc_issuer,
                   "oidc_subject": p.oidc_subject},
        "teams": [{"slug": t.slug, "name": t.name} for t in data["teams"]],
        "delegate_of": [t.slug for t in data["delegate_of"]],
        "actions": [{"id": a.id, "title": a.title, "notes": a.notes, "status": a.status,
                     "cycle": a.cycle_number, "team_id": a.team_id,
                     "due_date": a.due_date.isoformat() if a.due_date else None,
                     "needs_help": a.needs_help, "help_reason": a.help_reason,
                     "created_at": timestamp(a.created_at)} for a in data["actions"]],
        "ideas": [{"id": i.id, "team_id": i.team_id, "title": i.title, "text": i.text,
                   "state": i.state, "reason": i.reason, "action_id": i.action_id,
                   "created_at": timestamp(i.created_at), "updated_at": timestamp(i.updated_at)}
                  for i in data["ideas"]],
        "events": [{"id": e.id, "at": timestamp(e.at), "kind": e.kind, "team_id": e.team_id,
                    "action_id": e.action_id, "before": logged_state(e.before),
                    "after": logged_state(e.after)}
                   for e in data["events"]],
        "events_about_me": [{"id": e.id, "at": timestamp(e.at), "kind": e.kind,
                             "team_id": e.team_id, "before": logged_state(e.before),
                             "after": logged_state(e.after)}
                            for e in data["events_about"]],
        "notification_choices": data["notification_choices"],
        **_access(data),
        "display_links": [{"label": d.label, "created_at": timestamp(d.created_at),
                           "revoked": d.revoked} for d in data["display_links"]],
        "closed_cycles": [{"team_id": c.team_id, "cycle": c.cycle_number,
                           "closed_at": timestamp(c.closed_at)} for c in data["closed_cycles"]],
    }


def _access(data):
    """Logins, tokens, feeds and the security log: times and states only."""
    return {
        "api_tokens": [{"name": t.name, "created_at": timestamp(t.created_at),
                        "expires_at": timestamp(t.expires_at),
                        "last_used_at": timestamp(t.last_used_at), "revoked": t.revoked}
                       for t in data["tokens"]],
        "logins": [{"created_at": timestamp(s.created_at), "ended_at": timestamp(s.ended_at)}
                   for s in data["logins"]],
        "calendar_feeds": [{"created_at": timestamp(f.created_at), "revoked": f.revoked}
                           for f in data["calendar_feeds"]],
        "password_links": [{"purpose": link.purpose, "created_at": timestamp(link.created_at),
                            "expires_at": timestamp(link.expires_at),
                            "used_at": timestamp(link.used_at)}
                           for link in data["password_links"]],
        "security_log": [{"at": timestamp(e.at), "kind": e.kind, "outcome": e.outcome,
                          "email": e.email, "method": e.method, "address": e.address,
                          "detail": e.detail} for e in data["security_events"]],
    }
