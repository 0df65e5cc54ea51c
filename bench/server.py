"""A live gunicorn serving this checkout, for the benchmarks that measure over HTTP
(bench/fair.py, bench/scan.py): the same settings as production (gthread workers), a database
given by URL, and each worker's peak memory, which can be reset between measurements."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_kb(pid: int, field: str = "VmHWM") -> int:
    """A field of /proc/<pid>/status in kB (VmHWM: peak resident memory; VmRSS: now)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class Gunicorn:
    """``exhibit:create_app()`` under gunicorn on ``database_url`` (workers × threads, gthread).

    ``env`` adds settings (e.g. PUBLIC_BASE_URL). Use as a context manager."""

    def __init__(self, database_url: str, *, workers: int = 2, threads: int = 8,
                 env: dict | None = None, app: str = "exhibit:create_app()",
                 cwd: Path = ROOT):
        self.folder = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench",
                    "EXHIBIT_ENV": "production", "PUBLIC_BASE_URL": self.base,
                    "UPLOAD_DIR": str(self.folder / "uploads"), "MESSAGE_DISPATCH": "none",
                    "CLOCK_IN_APP": "0", "PYTHONPATH": str(cwd), **(env or {})}
        if "REDIS_URL" not in (env or {}):
            self.env.pop("REDIS_URL", None)  # print jobs and limits as without Redis
        self.command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                        "--worker-class", "gthread", "--threads", str(threads),
                        "--timeout", "300", "--bind", f"127.0.0.1:{self.port}", app]
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log = open(self.folder / "gunicorn.log", "wb")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start; see " + str(self.folder)) from None
                time.sleep(0.2)
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    @property
    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def reset_peaks(self) -> None:
        """Start each worker's peak memory (VmHWM) again from its present size."""
        for pid in self.worker_pids:
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def peak_mb(self) -> float:
        """The largest peak resident memory of the workers since the last reset, in MB."""
        return max((memory_kb(pid) for pid in self.worker_pids), default=0) / 1024
