"""A bare Flask-SocketIO rebroadcast server: the floor that bench/realtime.py compares against.

Run exactly like the app: `gunicorn -k eventlet -w 1 --no-control-socket bench.baseline_server:app`.
`BENCH_PAYLOAD` names a JSON file holding a real move's payload; a `move` re-emits that
payload (with the moved card's id and next version, so clients can match it) to the board's room
and acks. No database, no auth check, no template: only what Flask-SocketIO itself costs.
"""

import copy
import json
import os

from flask import Flask
from flask_socketio import SocketIO, join_room

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet", ping_interval=10, ping_timeout=10)

with open(os.environ["BENCH_PAYLOAD"], encoding="utf-8") as handle:
    PAYLOAD = json.load(handle)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@socketio.on("connect")
def on_connect(auth):
    return True


@socketio.on("join")
def on_join(data):
    join_room(f"board:{data['board']}")
    return {"ok": True}


@socketio.on("move")
def on_move(data):
    payload = copy.deepcopy(PAYLOAD)
    payload["action"].update(id=data["action_id"], status=data["status"],
                             version=data["version"] + 1)
    socketio.emit("action.changed", payload, to="board:wonen")
    return {"ok": True, "action": payload["action"]}
