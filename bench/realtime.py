"""Realtime benchmark: a card move → seen by every client on the board, app vs bare Flask-SocketIO.

    .venv/bin/python bench/realtime.py [--clients 50] [--moves 200] [--no-big] [--json FILE]

The app runs as in production (gunicorn -k eventlet -w 1) on a fresh migrated SQLite file with the
test world and ~50 cards on board "wonen". N python-socketio AsyncClients (one asyncio loop,
websocket transport, bearer tokens) join the board; one more client moves cards one at a time and
the time from its emit until the last of the N has received the matching `action.changed` (same
action id and version) is one sample. The same is measured against bench/baseline_server.py, a bare
Flask-SocketIO app that rebroadcasts a captured real payload. `--big` repeats both with 600 sockets.
Targets (shared/DESIGN.md): p95 ≤ 20 ms and ≤ 2.5× bare at 50 clients; p95 ≤ 300 ms at 600.
"""

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import socketio  # noqa: E402

from bench.harness import Server, machine, percentile  # noqa: E402
from boards import actions  # noqa: E402
from boards.db import Database  # noqa: E402
from tests.databases import sqlite_url  # noqa: E402
from tests.factories import PASSWORD, build_world  # noqa: E402
from tests.live import api_token  # noqa: E402

COLUMNS = ("todo", "doing", "done")
TITLES = ("Terugbelverzoeken binnen een dag afhandelen", "Wachtlijst huurtoeslag doorlopen",
          "Overleg met woningcorporatie plannen", "Klantreis vergunning in kaart brengen",
          "Nieuwe medewerker inwerken op het KCC")
WARMUP = 10  # moves before measuring, not counted


def seed(folder, cards):
    """A migrated SQLite file with the test world and `cards` cards on board "wonen"."""
    url = sqlite_url(folder)
    db = Database(url)
    world = build_world(db)
    made = []
    for i in range(cards):
        with db.writer() as session:
            change = actions.create_action(
                session, world.anna, world.wonen, title=f"{TITLES[i % len(TITLES)]} ({i + 1})",
                owner_id=(world.anna, world.bert)[i % 2], goal_id=world.short_goal,
                notes="Afgestemd in de stand-up; zie het verslag.", status=COLUMNS[i % 3])
            made.append({"id": change.action.id, "status": change.action.status,
                         "version": change.action.version})
    db.dispose()
    return url, world, made


class Round:
    """One move being watched: done when every receiver has seen (id, version)."""

    def __init__(self, key, receivers):
        self.key, self.seen, self.receivers = key, set(), receivers
        self.done, self.finished = asyncio.Event(), None


class Fleet:
    """N receiving clients and one mover on one event loop."""

    def __init__(self, url, tokens, size, board):
        self.url, self.tokens, self.size, self.board = url, tokens, size, board
        self.round, self.payload, self.receivers, self.mover = None, None, [], None

    def _client(self):
        return socketio.AsyncClient(reconnection=False, handle_sigint=False)

    def _receiver(self, index):
        client = self._client()

        def on_changed(data):
            now, current = time.perf_counter(), self.round
            action = data.get("action") or {}
            if current and (action.get("id"), action.get("version")) == current.key \
                    and index not in current.seen:
                current.seen.add(index)
                if self.payload is None:
                    self.payload = data
                if len(current.seen) == current.receivers:
                    current.finished = now
                    current.done.set()

        client.on("action.changed", on_changed)
        return client

    async def _connect(self, client, token, join, gate):
        async with gate:
            await client.connect(self.url, transports=["websocket"], auth={"token": token},
                                 wait_timeout=30)
            if join:
                ack = await client.call("join", {"board": self.board}, timeout=30)
                if ack != {"ok": True}:
                    raise RuntimeError(f"join refused: {ack}")

    async def __aenter__(self):
        gate = asyncio.Semaphore(25)  # connect in waves, not 600 handshakes at once
        self.receivers = [self._receiver(i) for i in range(self.size)]
        self.mover = self._client()
        await asyncio.gather(*(self._connect(c, self.tokens[i % len(self.tokens)], True, gate)
                               for i, c in enumerate(self.receivers)))
        await self._connect(self.mover, self.tokens[0], False, gate)
        return self

    async def __aexit__(self, *_exc):
        await asyncio.gather(*(c.disconnect() for c in self.receivers + [self.mover]),
                             return_exceptions=True)

    async def move(self, card):
        """Move `card` to its next column; the milliseconds until all receivers saw it."""
        status = COLUMNS[(COLUMNS.index(card["status"]) + 1) % len(COLUMNS)]
        self.round = Round((card["id"], card["version"] + 1), self.size)
        started = time.perf_counter()
        ack = await self.mover.call("move", {"action_id": card["id"], "status": status,
                                             "version": card["version"], "before_id": None,
                                             "after_id": None}, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(f"move refused: {ack}")
        try:
            await asyncio.wait_for(self.round.done.wait(), 30)
        except asyncio.TimeoutError:
            raise RuntimeError(f"only {len(self.round.seen)}/{self.size} clients got the move") \
                from None
        card.update(status=ack["action"]["status"], version=ack["action"]["version"])
        return (self.round.finished - started) * 1000


async def measure(name, server, tokens, cards, size, moves, gap):
    """Connect `size` clients to `server`, move `moves` cards; latencies and CPU use."""
    async with Fleet(server.url, tokens, size, "wonen") as fleet:
        for i in range(WARMUP):
            await fleet.move(cards[i % len(cards)])
            await asyncio.sleep(gap)
        samples = []
        wall, client_cpu, server_cpu = time.perf_counter(), time.process_time(), server.cpu_seconds()
        for i in range(moves):
            samples.append(await fleet.move(cards[(WARMUP + i) % len(cards)]))
            await asyncio.sleep(gap)
        wall = time.perf_counter() - wall
        client_cpu, server_cpu = time.process_time() - client_cpu, server.cpu_seconds() - server_cpu
        payload = fleet.payload
    return {"name": name, "clients": size, "moves": moves,
            **{f"p{p}": round(percentile(samples, p), 2) for p in (50, 95, 99)},
            "max": round(max(samples), 2), "mean": round(sum(samples) / len(samples), 2),
            "client_cpu_pct": round(100 * client_cpu / wall, 1),
            "server_cpu_ms_per_move": round(1000 * server_cpu / moves, 2),
            "payload_bytes": len(json.dumps(payload, ensure_ascii=False).encode())}, payload


def row(r):
    return (f"{r['name']:<26}{r['clients']:>7}{r['moves']:>6}{r['p50']:>8.1f}{r['p95']:>8.1f}"
            f"{r['p99']:>8.1f}{r['max']:>8.1f}{r['client_cpu_pct']:>10.0f}%"
            f"{r['server_cpu_ms_per_move']:>12.2f}")


def verdict(ok):
    return "met" if ok else "MISSED"


def report(results, args):
    """The table, the ratios and the targets; the same as a dict for --json."""
    by = {r["name"]: r for r in results}
    app, bare = by["app"], by["bare rebroadcast"]
    ratio = {p: round(app[p] / bare[p], 2) for p in ("p50", "p95")}
    targets = {f"p95 <= 20 ms at {args.clients} clients": app["p95"] <= 20,
               "p95 <= 2.5x bare rebroadcast": ratio["p95"] <= 2.5}
    if "app, big" in by:
        targets[f"p95 <= 300 ms at {args.big_clients} sockets"] = by["app, big"]["p95"] <= 300
    info = machine()
    print(f"Realtime: move -> all clients received (ms), loopback, {info['nproc']} x {info['cpu']}, "
          f"Python {info['python']}, payload {app['payload_bytes']} B")
    print(f"{'scenario':<26}{'clients':>7}{'moves':>6}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
          f"{'client CPU':>11}{'server ms/mv':>12}")
    for r in results:
        print(row(r))
    print(f"{'ratio app/bare':<39}{ratio['p50']:>8.2f}{ratio['p95']:>8.2f}")
    if "app, big" in by and "bare, big" in by:
        big = {p: round(by["app, big"][p] / by["bare, big"][p], 2) for p in ("p50", "p95")}
        print(f"{'ratio app/bare, big':<39}{big['p50']:>8.2f}{big['p95']:>8.2f}")
    for target, ok in targets.items():
        print(f"target {target}: {verdict(ok)}")
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S%z"), "machine": info,
            "command": " ".join(sys.argv), "results": results, "ratio_app_bare": ratio,
            "targets": targets}


async def run(args, folder):
    url, world, cards = seed(folder, args.cards)
    app_env = {"DATABASE_URL": url}
    results = []
    with Server("app.wsgi:app", env=app_env, log_path=folder / "app.log") as app:
        tokens = [api_token(app.url, f"{name}@test.example", PASSWORD) for name in ("anna", "bert")]
        result, payload = await measure("app", app, tokens, cards, args.clients, args.moves, args.gap)
        results.append(result)
        (folder / "payload.json").write_text(json.dumps(payload, ensure_ascii=False))
        with Server("bench.baseline_server:app", env={"BENCH_PAYLOAD": str(folder / "payload.json")},
                    log_path=folder / "bare.log") as bare:
            result, _ = await measure("bare rebroadcast", bare, ["bare"], cards, args.clients,
                                      args.moves, args.gap)
            results.append(result)
            if args.big:
                for name, server, toks in (("app, big", app, tokens), ("bare, big", bare, ["bare"])):
                    result, _ = await measure(name, server, toks, cards, args.big_clients,
                                              args.big_moves, args.gap)
                    results.append(result)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="receiving clients (default 50)")
    parser.add_argument("--moves", type=int, default=200, help="measured moves (default 200)")
    parser.add_argument("--big", action=argparse.BooleanOptionalAction, default=True,
                        help="also measure with --big-clients sockets (default on)")
    parser.add_argument("--big-clients", type=int, default=600)
    parser.add_argument("--big-moves", type=int, default=50)
    parser.add_argument("--cards", type=int, default=50, help="cards on the board (default 50)")
    parser.add_argument("--gap", type=float, default=0.01, help="pause between moves, s")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (db, logs)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-realtime-"))
    try:
        results = asyncio.run(run(args, folder))
    except BaseException:
        print(f"failed; database and server logs kept in {folder}", file=sys.stderr)
        raise
    summary = report(results, args)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    if args.keep:
        print(f"kept {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
