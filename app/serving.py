"""Which server processes are serving a database, so that `restore` can refuse to run under them.

Every server process (app/wsgi.py, the gunicorn entry point) leaves a marker file in the
instance folder's `serving/` directory: its pid, host name and database. The marker is removed
when the process exits; one left behind by a killed process is ignored because its pid no longer
runs. Servers on other machines (PostgreSQL shared by several hosts) cannot be seen this way:
stop them before a restore.
"""

import atexit
import json
import os
import socket
from pathlib import Path

from sqlalchemy.engine import make_url


def _folder(instance_path):
    return Path(instance_path) / "serving"


def _database_id(url):
    return make_url(url).render_as_string(hide_password=True)


def mark_serving(instance_path, url):
    """Record this process as serving `url` until it exits."""
    folder = _folder(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{os.getpid()}.json"
    marker.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                  "database": _database_id(url)}))
    atexit.register(lambda: marker.unlink(missing_ok=True))


def serving_processes(instance_path, url):
    """The pids of live processes on this host that serve `url`."""
    found = []
    for marker in _folder(instance_path).glob("*.json"):
        try:
            data = json.loads(marker.read_text())
        except (OSError, ValueError):
            continue
        if data.get("host") != socket.gethostname() or data.get("database") != _database_id(url):
            continue
        if _alive(data.get("pid")):
            found.append(data["pid"])
        else:
            marker.unlink(missing_ok=True)  # left by a killed process
    return found


def _alive(pid):
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it runs, as someone else
    return True
