"""A real ``cogov viz`` server for the tests that talk to it over HTTP (browser and security tests)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_S = 120  # the first start may fetch the front-end files from the npm registry


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def viz_server(log_dir: Path, *extra: str) -> Iterator[int]:
    """``cogov viz default`` on a free port (with ``extra`` arguments), answering; its port until the block ends.

    The server's output goes to a log in ``log_dir``, quoted in the failure if it exits or does not answer."""
    port = free_port()
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "cogov.cli", "viz", "default", "--port", str(port),
                                    "--no-open", *extra], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                   env=os.environ.copy())
        try:
            deadline = time.monotonic() + SERVER_START_S
            while True:
                if process.poll() is not None:
                    pytest.fail(f"cogov viz exited with status {process.returncode}:\n{log_path.read_text()}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"cogov viz did not answer within {SERVER_START_S} s:\n{log_path.read_text()}")
                time.sleep(0.3)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
