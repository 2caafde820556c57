"""Shared pieces of the benchmarks: a production-like server process, the machine, percentiles."""

import math
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.live import LiveServer  # noqa: E402  (needs the repo root on sys.path)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Server(LiveServer):
    """The test suite's production-like server, plus the worker's CPU accounting."""

    def __init__(self, wsgi, *, env=None, log_path=None):
        env = dict(env or {})
        super().__init__(env.pop("DATABASE_URL", None), wsgi=wsgi, log_path=log_path,
                         extra_env=env, fast_hashing=False)
        self._worker = None

    @property
    def worker_pid(self):
        """The pid of gunicorn's (single) worker: the process that serves the sockets."""
        if self._worker is None:
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        stat = (entry / "stat").read_text()
                    except OSError:
                        continue
                    if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        self._worker = int(entry.name)
                        break
        return self._worker

    def cpu_seconds(self):
        """User + system CPU time the worker has used so far."""
        return cpu_seconds(self.worker_pid)


def cpu_seconds(pid):
    """User + system CPU time process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def percentile(values, pct):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def revision():
    """The commit measured (with "-dirty" when the work tree has changes)."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, text=True,
                              capture_output=True, timeout=10).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def machine():
    """What the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                  if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": model, "ram_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "kernel": platform.release(),
            "loadavg_1m": os.getloadavg()[0]}


class Profile:
    """`py-spy record` (collapsed stacks) on a process while the block runs; no-op without a path.

    py-spy pauses the process for each sample: figures of a profiled run are not the reference.
    """

    def __init__(self, pid, path):
        self.pid, self.path, self.process = pid, path, None

    def __enter__(self):
        if self.path:
            spy = Path(sys.executable).parent / "py-spy"
            self.process = subprocess.Popen(
                [str(spy), "record", "--pid", str(self.pid), "--rate", "1000",
                 "--format", "raw", "--output", str(self.path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)  # let it attach
        return self

    def __exit__(self, *_exc):
        if self.process:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=60)
