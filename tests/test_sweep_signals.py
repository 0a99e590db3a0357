"""A sweep's processes end with it: ``kill -9`` or SIGTERM to the main ``cogov sweep`` process alone
(not its process group) leaves no worker, fork server or resource tracker behind, and SIGTERM stops
like Ctrl-C: finished chunks are kept, the report says "interrupted", the folder is free again.

Real processes: ``cogov sweep`` is started as a subprocess, its descendants are read from ``/proc``
(Linux) while it runs, and only the main process is signalled.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from experiment_files import FACTORIAL, write_experiment

from cogov.experiments.lock import folder_lock

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process tree from /proc (Linux)")

GONE_WITHIN_S = 10.0


def _children() -> dict[int, list[int]]:
    """Every process's children, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _descendants(pid: int) -> set[int]:
    children, found, todo = _children(), set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (an ended child nobody has reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _start_sweep(tmp_path: Path) -> tuple[subprocess.Popen, Path, set[int]]:
    """A 2-worker local sweep, running, with its first chunks written; its descendants by then."""
    body = FACTORIAL.replace("replicates = 3", "replicates = 15").replace("days = 15", "days = 30\nchunk_size = 2")
    path = write_experiment(tmp_path, body)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cogov.cli", "sweep", str(path), "--out", str(out), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    descendants: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        descendants |= _descendants(process.pid)
        if len(list(out.glob("runs/part-*.parquet"))) >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGSTOP)  # hold it still while its process tree is read
    descendants |= _descendants(process.pid)
    try:
        assert process.poll() is None, "the sweep ended before it could be signalled"
        # the fork server, the resource tracker and the two workers (the workers are the fork server's children)
        assert len(descendants) >= 4, f"expected fork server, resource tracker and workers, found {descendants}"
    except AssertionError:
        process.kill()
        _reap(process)
        _cleanup(descendants)
        raise
    return process, out, descendants


def _reap(process: subprocess.Popen) -> None:
    """Wait for a killed sweep and close its pipes (not communicate(): surviving children would hold
    the pipes open, and the test would hang instead of failing)."""
    process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def _survivors(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + GONE_WITHIN_S
    while time.monotonic() < deadline:
        alive = {pid for pid in pids if _running(pid)}
        if not alive:
            return set()
        time.sleep(0.1)
    return alive


def _cleanup(pids: set[int]) -> None:
    for pid in pids:  # only if the test failed: do not leave them running
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def test_kill_9_of_the_main_process_alone_leaves_no_child_behind(tmp_path):
    process, _, descendants = _start_sweep(tmp_path)
    process.send_signal(signal.SIGKILL)  # the main process only, not its process group
    _reap(process)
    survivors = _survivors(descendants)
    _cleanup(survivors)
    assert not survivors, f"still running {GONE_WITHIN_S} s after the parent was killed: {survivors}"


def test_sigterm_stops_like_ctrl_c_and_keeps_every_finished_chunk(tmp_path):
    process, out, descendants = _start_sweep(tmp_path)
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    try:
        stdout, stderr = process.communicate(timeout=60)
    finally:
        survivors = _survivors(descendants)
        _cleanup(survivors)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert stdout.startswith("interrupted: ") and "Traceback" not in stderr, (stdout, stderr)
    assert not survivors, f"still running {GONE_WITHIN_S} s after the sweep stopped: {survivors}"
    parts = list((out / "runs").glob("part-*.parquet"))
    assert parts and all(pq.read_table(part).num_rows > 0 for part in parts)
    kept = pd.read_parquet(out / "runs")
    assert 0 < len(kept) < 60 and kept["run_id"].is_unique and (kept["status"] == "ok").all()
    with folder_lock(out):  # released
        pass
    # resuming from such a folder is tested with kill -9 in test_experiments.py
