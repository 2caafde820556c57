"""Closing a room's sockets on every server process (a login that ended, a removed display link).

python-socketio's message queue carries emits between processes but has no public way to ask
the other processes to disconnect a room's sockets. With a Redis message queue, each process
therefore also listens on a channel of its own ("<SOCKETIO_CHANNEL>.kick"): a process that ends
a room disconnects its own sockets in it and publishes the room's name; every process that hears
it disconnects its sockets in that room. Without a queue there is one process and no channel.
"""

import json

import redis
from flask import current_app

from .socket_leases import ENDED_EVENT

ROOMS = "verbeterbord.socket_rooms"
# Closing these rooms ends a login or token (logout, a disabled account, a new password, a
# revoked token): its sockets hear `session.ended` first. A display link's room closes without
# it (nobody logs in there).
_LOGIN_ROOMS = ("login:", "person:", "token:")


def disconnect_local(server, room, namespace="/"):
    """Disconnect this process's sockets in a room (a login's: saying that the login ended)."""
    for sid, _engine_sid in list(server.manager.get_participants(namespace, room)):
        if room and room.startswith(_LOGIN_ROOMS):
            server.emit(ENDED_EVENT, {"reason": "ended"}, to=sid, namespace=namespace,
                        ignore_queue=True)
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


class RoomKicks:
    """This process's end of the kick channel (publisher and listener); `url` None: none."""

    def __init__(self, app, server, url=None, channel="socketio"):
        self.app, self.server, self.url = app, server, url
        self.channel = f"{channel}.kick"
        self.redis = redis.Redis.from_url(url) if url else None
        self.listening = False

    def start(self):
        """Listen for other processes' kicks in a background task (with a queue only). Called
        at each socket connect: a process without sockets has nothing to kick, and an app made
        for a script or a test starts no task that outlives it."""
        if self.redis is not None and not self.listening:
            self.listening = True
            self.server.start_background_task(self._listen_forever)

    def kick(self, room):
        """Disconnect the room's sockets here, and ask the other processes to do the same."""
        disconnect_local(self.server, room)
        if self.redis is not None:
            try:
                self.redis.publish(self.channel, json.dumps({"room": room}))
            except redis.RedisError:
                # The lease check ends those sockets at its next round (their login is gone).
                self.app.logger.exception("could not publish the end of room %s", room)

    def _listen_forever(self):
        pause = 1
        while True:
            try:
                pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pause = 1
                for message in pubsub.listen():
                    self._heard(message)
            except Exception as error:  # noqa: BLE001  (Redis went away: listen again shortly)
                # One line, no traceback: this repeats for as long as Redis is away.
                self.app.logger.error("kick channel %s lost (%s); listening again in %s s",
                                      self.channel, error, pause)
                self.server.sleep(pause)
                pause = min(pause * 2, 30)

    def _heard(self, message):
        try:
            room = json.loads(message["data"])["room"]
        except (ValueError, KeyError, TypeError):
            return
        if isinstance(room, str):
            disconnect_local(self.server, room)


def close_token_sockets(token_id):
    """A revoked token's sockets go at once, on every process."""
    disconnect_room(f"token:{token_id}")


def disconnect_room(room):
    """Disconnect every socket in a room, across all server processes."""
    kicks = current_app.extensions.get(ROOMS)
    if kicks is not None:
        kicks.kick(room)
