"""Socket.IO clients for bench/realtime.py: receivers spread over processes, one mover.

Receivers are python-socketio AsyncClients (websocket transport, bearer token), many per asyncio
loop, in `procs` processes so that parsing N copies of a message is not the bottleneck. Each
receiver process stamps arrivals with time.perf_counter() (CLOCK_MONOTONIC, the same clock in every
process) and, once all its receivers have one (action id, version), reports (key, last arrival) to
the parent, where the mover sits.
"""

import asyncio
import multiprocessing
import time

import socketio

from bench.harness import cpu_seconds

CONNECTS_AT_ONCE = 25  # handshakes in flight per process


def _client():
    return socketio.AsyncClient(reconnection=False, handle_sigint=False)


async def _connect(client, url, token, board, gate):
    async with gate:
        await client.connect(url, transports=["websocket"], auth={"token": token}, wait_timeout=30)
        if board:
            ack = await client.call("join", {"board": board}, timeout=30)
            if not isinstance(ack, dict) or ack.get("ok") is not True:
                raise RuntimeError(f"join refused: {ack}")


async def _receivers(conn, url, tokens, first, count, board):
    """Connect `count` receivers, report every key all of them got, until the parent says stop."""
    seen, reported = {}, set()

    def receiver(index):
        client = _client()

        def on_changed(data):
            now = time.perf_counter()
            action = data.get("action") or {}
            key = (action.get("id"), action.get("version"))
            got = seen.setdefault(key, set())
            got.add(index)
            if len(got) == count and key not in reported:
                conn.send((key, now, None if reported else data))
                reported.add(key)
                del seen[key]

        # A move arrives as `action.moved` (before 2026-12-07 as `action.changed`, with HTML).
        client.on("action.moved", on_changed)
        client.on("action.changed", on_changed)
        return client

    clients = [receiver(i) for i in range(count)]
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    await asyncio.gather(*(_connect(c, url, tokens[(first + i) % len(tokens)], board, gate)
                           for i, c in enumerate(clients)))
    conn.send("ready")
    stop, loop = asyncio.Event(), asyncio.get_running_loop()
    loop.add_reader(conn.fileno(), stop.set)  # any word from the parent means stop
    await stop.wait()
    loop.remove_reader(conn.fileno())
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def _receiver_process(conn, *args):
    try:
        asyncio.run(_receivers(conn, *args))
        conn.send("bye")
    except BaseException as error:  # tell the parent instead of leaving it waiting
        conn.send(("error", repr(error)))


class Round:
    """One move being watched: done when every receiver process has reported its key."""

    def __init__(self, key, procs):
        self.key, self.left, self.finished = key, procs, 0.0
        self.done = asyncio.Event()


class Fleet:
    """`size` receivers on `board` in `procs` processes, and a mover client in this process."""

    def __init__(self, url, tokens, size, board, procs):
        self.url, self.tokens, self.size, self.board = url, tokens, size, board
        self.procs = max(1, min(procs, size))
        self.round, self.payload, self.workers, self.mover = None, None, [], None
        self.error = None

    async def __aenter__(self):
        context = multiprocessing.get_context("spawn")
        loop = asyncio.get_running_loop()
        first = 0
        for i in range(self.procs):
            count = self.size // self.procs + (i < self.size % self.procs)
            mine, theirs = context.Pipe()
            process = context.Process(target=_receiver_process, daemon=True, args=(
                theirs, self.url, self.tokens, first, count, self.board))
            process.start()
            self.workers.append((process, mine))
            first += count
        for _process, conn in self.workers:
            word = await loop.run_in_executor(None, self._recv, conn, 300)
            if word != "ready":
                raise RuntimeError(f"receivers did not connect: {word}")
            loop.add_reader(conn.fileno(), self._on_report, conn)
        self.mover = _client()
        await _connect(self.mover, self.url, self.tokens[0], None, asyncio.Semaphore(1))
        return self

    @staticmethod
    def _recv(conn, timeout):
        try:
            return conn.recv() if conn.poll(timeout) else "timeout"
        except EOFError:
            return "the receiver process exited"

    def _on_report(self, conn):
        report = conn.recv()
        current = self.round
        if not isinstance(report, tuple) or report[0] == "error":
            self.error = f"a receiver process failed: {report}"
            if current:
                current.done.set()
            return
        key, when, payload = report
        if payload is not None and self.payload is None:
            self.payload = payload
        if current and tuple(key) == current.key:
            current.finished = max(current.finished, when)
            current.left -= 1
            if current.left == 0:
                current.done.set()

    async def __aexit__(self, *_exc):
        loop = asyncio.get_running_loop()
        await self.mover.disconnect()
        for _process, conn in self.workers:
            loop.remove_reader(conn.fileno())
            conn.send("stop")
        for process, conn in self.workers:
            await loop.run_in_executor(None, self._recv, conn, 60)
            process.join(5)
            if process.is_alive():
                process.terminate()

    def cpu_seconds(self):
        """CPU used so far by the receiver processes (the mover's share is left out)."""
        return sum(cpu_seconds(p.pid) for p, _conn in self.workers)

    async def move(self, card, status):
        """Move `card` to `status`; the milliseconds until every receiver saw the new version."""
        self.round = Round((card["id"], card["version"] + 1), self.procs)
        started = time.perf_counter()
        ack = await self.mover.call("move", {"action_id": card["id"], "status": status,
                                             "version": card["version"], "before_id": None,
                                             "after_id": None}, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"move refused: {ack}")
        try:
            await asyncio.wait_for(self.round.done.wait(), 30)
        except asyncio.TimeoutError:
            raise RuntimeError(f"{self.round.left} receiver processes missed a move") from None
        if self.error:
            raise RuntimeError(self.error)
        card.update(status=ack["action"]["status"], version=ack["action"]["version"])
        return (self.round.finished - started) * 1000
