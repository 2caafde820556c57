"""How many sockets one person, token or display link may hold, and how often one client
address may connect: checked in the connect handler, before a socket costs anything more.

Counts are shared by all server processes through Redis when `RATELIMIT_STORAGE_URI` or
`SOCKETIO_MESSAGE_QUEUE` is a Redis URL (as the login limits are, app/limits.py), otherwise
kept in the process's memory. In Redis, each key ("<channel>:sockets:person:12") is a sorted
set of the sockets that hold it, scored with the moment each stops counting: a process renews
its sockets' entries every SOCKET_COUNT_RENEW_SECONDS, so the sockets of a process that died
stop counting within three renewals. If Redis cannot be reached, a process counts in its own
memory until it can.
"""

import math
import time

import redis
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .limits import storage_uri

# Adds `member` to every key unless one of them already holds its limit; first drops entries
# whose time is up. KEYS: the keys; ARGV: now, until, member, ttl, then one limit per key.
_CLAIM = """
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if redis.call('ZCARD', key) >= tonumber(ARGV[4 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], ARGV[3])
  redis.call('EXPIRE', key, ARGV[4])
end
return 0
"""


class MemoryCounts:
    """Sockets per key in this process's memory."""

    def __init__(self):
        self.holders = {}  # key → set of sids

    def claim(self, sid, limits):
        """Count the socket under every key of `limits` ({key: limit}); False when one is full."""
        if any(len(self.holders.get(key, ())) >= limit for key, limit in limits.items()):
            return False
        for key in limits:
            self.holders.setdefault(key, set()).add(sid)
        return True

    def release(self, sid, keys):
        """The socket no longer counts."""
        for key in keys:
            holders = self.holders.get(key)
            if holders is not None:
                holders.discard(sid)
                if not holders:
                    del self.holders[key]


class RedisCounts:
    """Sockets per key in Redis, for all processes; in memory while Redis is away."""

    def __init__(self, url, prefix, renew, logger):
        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.script = self.redis.register_script(_CLAIM)
        self.prefix, self.renew, self.logger = prefix, renew, logger
        self.fallback = MemoryCounts()

    def _until(self):
        return time.time() + 3 * self.renew

    def claim(self, sid, limits):
        """As MemoryCounts.claim, counted in Redis."""
        keys = [self.prefix + key for key in limits]
        args = [time.time(), self._until(), sid, math.ceil(3 * self.renew), *limits.values()]
        try:
            return self.script(keys=keys, args=args) == 0
        except redis.RedisError:
            self.logger.warning("socket counts: Redis unreachable, counting in memory")
            return self.fallback.claim(sid, limits)

    def release(self, sid, keys):
        """As MemoryCounts.release, in Redis and in the fallback."""
        self.fallback.release(sid, keys)
        try:
            with self.redis.pipeline() as pipe:
                for key in keys:
                    pipe.zrem(self.prefix + key, sid)
                pipe.execute()
        except redis.RedisError:
            pass  # the entries run out by themselves

    def keep(self, held):
        """Renew the entries of this process's sockets ({sid: keys})."""
        until = self._until()
        with self.redis.pipeline(transaction=False) as pipe:
            for sid, keys in held.items():
                for key in keys:
                    pipe.zadd(self.prefix + key, {sid: until}, xx=True)
            pipe.execute()


class ConnectRate:
    """Connects per client address in a moving window (Flask-Limiter's `limits` storage)."""

    def __init__(self, limit, uri, prefix):
        self.limit, self.prefix = parse(limit), prefix
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))
        self.fallback = MovingWindowRateLimiter(storage_from_string("memory://"))

    def hit(self, address):
        """0 when this connect may go on; else whole seconds until one may."""
        ids = (self.prefix, "socket-connect", address or "-")
        limiter = self.limiter
        try:
            allowed = limiter.hit(self.limit, *ids)
        except Exception:  # noqa: BLE001  (the storage's driver errors: Redis away)
            limiter = self.fallback
            allowed = limiter.hit(self.limit, *ids)
        if allowed:
            return 0
        reset = limiter.get_window_stats(self.limit, *ids).reset_time
        return max(1, math.ceil(reset - time.time()))


class SocketLimits:
    """This process's socket limits: connects per address, sockets per person and token."""

    def __init__(self, app):
        config = app.config
        uri, prefix = storage_uri(config), (config.get("SOCKETIO_CHANNEL") or "socketio") + ":"
        self.per_person, self.per_token = config["SOCKETS_PER_PERSON"], config["SOCKETS_PER_TOKEN"]
        self.retry = config["SOCKET_LIMIT_RETRY_SECONDS"]
        self.renew = config["SOCKET_COUNT_RENEW_SECONDS"]
        self.connects = ConnectRate(config["SOCKET_CONNECT_LIMIT_ADDRESS"], uri, prefix)
        shared = uri.startswith(("redis://", "rediss://", "unix://"))
        self.counts = RedisCounts(uri, prefix + "sockets:", self.renew, app.logger) \
            if shared else MemoryCounts()
        self.app, self.held, self.renewing = app, {}, False

    def connect_wait(self, address):
        """0 when `address` may connect now; else seconds to wait."""
        return self.connects.hit(address)

    def claim(self, server, sid, person_id=None, token=None, display=None):
        """Count a new socket; False when its person, token or display link holds the most."""
        limits = {}
        if person_id is not None:
            limits[f"person:{person_id}"] = self.per_person
        if token is not None:
            limits[f"token:{token}"] = self.per_token
        if display is not None:
            limits[f"display:{display}"] = self.per_token
        if not self.counts.claim(sid, limits):
            return False
        self.held[sid] = tuple(limits)
        if isinstance(self.counts, RedisCounts) and not self.renewing:
            self.renewing = True
            server.start_background_task(self._renew_forever, server)
        return True

    def release(self, sid):
        """A socket that is gone no longer counts."""
        keys = self.held.pop(sid, None)
        if keys:
            self.counts.release(sid, keys)

    def _renew_forever(self, server):
        while True:
            server.sleep(self.renew)
            for sid in [sid for sid in self.held if not server.manager.is_connected(sid, "/")]:
                self.release(sid)  # its disconnect was missed
            try:
                self.counts.keep(dict(self.held))
            except redis.RedisError:
                self.app.logger.warning("socket counts: could not renew in Redis")
