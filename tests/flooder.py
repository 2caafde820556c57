"""A socket that floods, in its own process (so its loop does not slow the measuring process).

python -m tests.flooder URL TOKEN BOARD ACTION_ID COUNT → prints one JSON line:
{"sent", "acks", "refused", "disconnected", "seconds"}.
"""

import json
import sys
import threading
import time

import socketio


def flood(url, token, board, action_id, count, wait=10.0):
    """Send `count` moves as fast as possible; wait for the server to cut the socket off."""
    sio = socketio.Client(reconnection=False, handle_sigint=False)
    acks, gone = [], threading.Event()
    sio.on("disconnect", lambda *_reason: gone.set())
    sio.connect(url, transports=["websocket"], auth={"token": token}, wait_timeout=5)
    sio.call("join", {"board": board}, timeout=5)
    started, sent = time.monotonic(), 0
    for _ in range(count):
        if gone.is_set():
            break
        try:
            sio.emit("move", {"action_id": action_id, "status": "done", "version": 10**6},
                     callback=acks.append)
        except Exception:  # cut off mid-flood
            break
        sent += 1
    gone.wait(wait)
    if sio.connected:
        sio.disconnect()
    refused = sum(1 for ack in acks if isinstance(ack, dict) and ack.get("error") == "rate_limited")
    return {"sent": sent, "acks": len(acks), "refused": refused, "disconnected": gone.is_set(),
            "seconds": round(time.monotonic() - started, 3)}


if __name__ == "__main__":
    url, token, board, action_id, count = sys.argv[1:6]
    print(json.dumps(flood(url, token, board, int(action_id), int(count))), flush=True)
