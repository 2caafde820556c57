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
import copy
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clients import Fleet  # noqa: E402
from bench.harness import Profile, Server, machine, percentile  # noqa: E402
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


def next_column(card):
    return COLUMNS[(COLUMNS.index(card["status"]) + 1) % len(COLUMNS)]


async def measure(name, server, tokens, cards, size, moves, args):
    """Connect `size` clients to `server`, move cards one at a time; latencies and CPU use."""
    async with Fleet(server.url, tokens, size, "wonen", args.client_procs) as fleet:
        for i in range(WARMUP):
            card = cards[i % len(cards)]
            await fleet.move(card, next_column(card))
            await asyncio.sleep(args.gap)
        profile = args.profile and Path(args.profile) / f"{name.replace(' ', '').replace(',', '-')}.txt"
        samples = []
        with Profile(server.worker_pid, profile):
            wall, client_cpu, server_cpu = time.perf_counter(), fleet.cpu_seconds(), server.cpu_seconds()
            for i in range(moves):
                card = cards[(WARMUP + i) % len(cards)]
                samples.append(await fleet.move(card, next_column(card)))
                await asyncio.sleep(args.gap)
            wall = time.perf_counter() - wall
            client_cpu = fleet.cpu_seconds() - client_cpu
            server_cpu = server.cpu_seconds() - server_cpu
        payload = fleet.payload
    return {"name": name, "clients": size, "moves": moves,
            **{f"p{p}": round(percentile(samples, p), 2) for p in (50, 95, 99)},
            "max": round(max(samples), 2), "mean": round(sum(samples) / len(samples), 2),
            "client_cpu_pct": round(100 * client_cpu / wall, 1),
            "client_cpu_ms_per_move": round(1000 * client_cpu / moves, 2),
            "server_cpu_ms_per_move": round(1000 * server_cpu / moves, 2),
            "payload_bytes": len(json.dumps(payload, ensure_ascii=False).encode())}, payload


HEADER = ("scenario", "clients", "moves", "p50", "p95", "p99", "max", "server CPU", "client CPU")
WIDTHS = (21, 8, 6, 7, 7, 7, 7, 11, 11)


def line(cells):
    return "".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in
                   enumerate(zip(cells, WIDTHS))).rstrip()


def row(r):
    return line((r["name"], r["clients"], r["moves"], *(f"{r[k]:.1f}" for k in
                ("p50", "p95", "p99", "max")), f"{r['server_cpu_ms_per_move']:.1f} ms",
                f"{r['client_cpu_ms_per_move']:.1f} ms"))


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
    info = dict(machine(), loadavg_1m_at_start=args.load_at_start)
    print(f"Realtime: move -> all clients received (ms), loopback, {info['nproc']} x {info['cpu']}, "
          f"Python {info['python']}, payload {app['payload_bytes']} B, "
          f"load {info['loadavg_1m_at_start']:.2f}")
    print(line(HEADER) + "   (ms; CPU per move)")
    for r in results:
        print(row(r))
    print(line(("ratio app/bare", "", "", f"{ratio['p50']:.2f}", f"{ratio['p95']:.2f}")))
    if "app, big" in by and "bare, big" in by:
        big = {p: round(by["app, big"][p] / by["bare, big"][p], 2) for p in ("p50", "p95")}
        print(line(("ratio app/bare, big", "", "", f"{big['p50']:.2f}", f"{big['p95']:.2f}")))
    for target, ok in targets.items():
        print(f"target {target}: {verdict(ok)}")
    return {"date": time.strftime("%Y-%m-%d %H:%M:%S%z"), "machine": info,
            "command": " ".join(sys.argv), "results": results, "ratio_app_bare": ratio,
            "targets": targets}


async def run(args, folder):
    """Seed, start the app, measure it; start the bare server, measure it; then 600 sockets."""
    url, _world, cards = seed(folder, args.cards)
    payload_file = folder / "payload.json"
    with Server("app.wsgi:app", env={"DATABASE_URL": url}, log_path=folder / "app.log") as app:
        tokens = [api_token(app.url, f"{name}@test.example", PASSWORD) for name in ("anna", "bert")]
        app_side = (app, tokens, cards)
        first, payload = await measure("app", *app_side, args.clients, args.moves, args)
        payload_file.write_text(json.dumps(payload, ensure_ascii=False))
        with Server("bench.baseline_server:app", env={"BENCH_PAYLOAD": str(payload_file)},
                    log_path=folder / "bare.log") as bare:
            bare_side = (bare, ["no-auth"], copy.deepcopy(cards))  # its own idea of versions
            results = [first, (await measure("bare rebroadcast", *bare_side, args.clients,
                                             args.moves, args))[0]]
            if args.big:
                for name, side in (("app, big", app_side), ("bare, big", bare_side)):
                    results.append((await measure(name, *side, args.big_clients, args.big_moves,
                                                  args))[0])
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
    parser.add_argument("--client-procs", type=int, default=2,
                        help="processes the receiving clients are spread over (default 2)")
    parser.add_argument("--profile", metavar="DIR",
                        help="record each server with py-spy (collapsed stacks) into DIR")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (db, logs)")
    args = parser.parse_args()
    args.load_at_start = os.getloadavg()[0]
    if args.load_at_start > 0.5:
        print(f"warning: load average {args.load_at_start:.2f}; other work skews the figures",
              file=sys.stderr)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
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
