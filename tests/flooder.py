"""A socket that floods, in its own process (so its loop does not slow the measuring process).

python -m tests.flooder URL TOKEN BOARD ACTION_ID COUNT [SECONDS [RATE]] → prints one JSON line:
{"sent", "acks", "refused", "disconnected", "seconds"}. With SECONDS, a persistent attacker:
it connects again after each cut-off and floods until the time is up ("rounds": connections,
"connects_refused": attempts the server turned away), RATE events a second (0 or absent: as
fast as it can).

python -m tests.flooder connects URL TOKEN COUNT → one JSON line {"accepted", "refused",
"refusals"}: COUNT connects in a row from this address, each closed again at once (so only the
connect rate can stop them); "refusals" holds what the server said for each refused one.
"""

import json
import sys
import threading
import time

import socketio


def flood(url, token, board, action_id, count, wait=10.0, rate=0):
    """Send `count` moves, `rate` a second (0: as fast as possible), for at most `wait` s;
    wait (up to `wait` s in all) for the cut-off."""
    sio = socketio.Client(reconnection=False, handle_sigint=False)
    acks, gone = [], threading.Event()
    sio.on("disconnect", lambda *_reason: gone.set())
    sio.connect(url, transports=["websocket"], auth={"token": token}, wait_timeout=5)
    sio.call("join", {"board": board}, timeout=5)
    started, sent = time.monotonic(), 0
    for _ in range(count):
        if gone.is_set() or time.monotonic() - started > wait:
            break
        if rate and sent % 50 == 0:
            ahead = started + sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        try:
            sio.emit("move", {"action_id": action_id, "status": "done", "version": 10**6},
                     callback=acks.append)
        except Exception:  # cut off mid-flood
            break
        sent += 1
    gone.wait(max(0.0, wait - (time.monotonic() - started)))
    if sio.connected:
        sio.disconnect()
    refused = sum(1 for ack in acks if isinstance(ack, dict) and ack.get("error") == "rate_limited")
    return {"sent": sent, "acks": len(acks), "refused": refused, "disconnected": gone.is_set(),
            "seconds": round(time.monotonic() - started, 3)}


def flood_for(url, token, board, action_id, count, seconds, rate=0):
    """Flood, reconnect after each cut-off, flood again, until `seconds` have passed."""
    deadline, totals = time.monotonic() + seconds, {"sent": 0, "acks": 0, "refused": 0,
                                                    "disconnected": 0, "rounds": 0,
                                                    "connects_refused": 0}
    while time.monotonic() < deadline:
        try:
            result = flood(url, token, board, action_id, count,
                           wait=max(0.1, deadline - time.monotonic()), rate=rate)
        except Exception:  # noqa: BLE001  (refused or reset: try again)
            totals["connects_refused"] += 1
            time.sleep(0.05)
            continue
        totals["rounds"] += 1
        for key in ("sent", "acks", "refused"):
            totals[key] += result[key]
        totals["disconnected"] += result["disconnected"]
    totals["seconds"] = seconds
    return totals


def connect_flood(url, token, count):
    """Connect and disconnect `count` times as fast as possible; what was let in and refused."""
    accepted, refusals = 0, []
    for _ in range(count):
        sio, said = socketio.Client(reconnection=False, handle_sigint=False), []
        sio.on("connect_error", said.append)
        try:
            sio.connect(url, transports=["websocket"], auth={"token": token}, wait_timeout=5)
        except socketio.exceptions.ConnectionError:
            refusals.append(said[0] if said else None)
            continue
        accepted += 1
        sio.disconnect()
    return {"accepted": accepted, "refused": len(refusals), "refusals": refusals}


if __name__ == "__main__" and sys.argv[1] == "connects":
    print(json.dumps(connect_flood(sys.argv[2], sys.argv[3], int(sys.argv[4]))), flush=True)
elif __name__ == "__main__":
    url, token, board, action_id, count = sys.argv[1:6]
    if len(sys.argv) > 6:
        outcome = flood_for(url, token, board, int(action_id), int(count), float(sys.argv[6]),
                            float(sys.argv[7]) if len(sys.argv) > 7 else 0)
    else:
        outcome = flood(url, token, board, int(action_id), int(count))
    print(json.dumps(outcome), flush=True)
