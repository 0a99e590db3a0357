"""The results folder under faults: a full disk mid-chunk, failed runs, duplicates, and two writers.

Issue 17: a chunk is written all or nothing (its series never without its runs row), reads give one
row per run and per (run, day), every runs part has one schema whatever failed (plain
``pandas.read_parquet`` works), write errors name the folder, and one process writes a folder at a
time (an operating-system lock, released when its holder dies).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from experiment_files import FACTORIAL, write_experiment

from cogov.analysis.results import load_runs, load_series
from cogov.cli import EXIT_FOLDER_IN_USE, EXIT_FOLDER_WRITE, main
from cogov.experiments import store as store_module
from cogov.experiments.backends import SerialExecutor
from cogov.experiments.lock import LOCK_FILE, FolderInUse, folder_lock, read_holder
from cogov.experiments.runner import run_sweep
from cogov.experiments.spec import load_experiment, validate_experiment
from cogov.experiments.store import ResultStore, StoreWriteError
from cogov.experiments.targets import TARGETS, IshigamiTarget, RunOutput

SERIES_BODY = FACTORIAL + "\n[outputs]\nseries = true\nseries_every = 5\n"


def _full_disk_at(monkeypatch: pytest.MonkeyPatch, folder: str, nth: int, code: int = errno.ENOSPC) -> list[Path]:
    """Make the ``nth`` write of a part into ``runs/`` or ``series/`` (``folder``) fail as a full disk would,
    after the bytes went to a temporary file (which the writer must then remove). Returns the paths
    written so far, in order."""
    original = store_module._atomic_parquet
    written: list[Path] = []

    def failing(table: pa.Table, path: Path) -> None:
        if path.parent.name == folder:
            count = sum(1 for p in written if p.parent.name == folder)
            if count + 1 == nth:
                tmp = path.with_name(f".{path.name}.dead.tmp")
                tmp.write_bytes(b"PAR1 half a file")
                try:
                    raise OSError(code, os.strerror(code), str(tmp))
                finally:
                    tmp.unlink()  # what _atomic_parquet does on failure; the real one is tested below
        original(table, path)
        written.append(path)

    monkeypatch.setattr(store_module, "_atomic_parquet", failing)
    return written


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------------------ all or nothing
def test_disk_full_before_the_runs_part_leaves_no_series_and_resume_has_no_duplicates(tmp_path, monkeypatch):
    """The 3rd chunk's series part is written, its runs part hits ENOSPC: the chunk counts as not written
    (no series left behind), the error names the folder, and the resumed sweep equals a clean one."""
    body = SERIES_BODY.replace("days = 15", "days = 15\nchunk_size = 2")
    experiment = load_experiment(write_experiment(tmp_path, body))
    out = tmp_path / "out"
    _full_disk_at(monkeypatch, "runs", 3)
    with pytest.raises(StoreWriteError) as err:
        run_sweep(experiment, out, SerialExecutor())
    message = str(err.value)
    assert str(out) in message and "No space left on device" in message and "ENOSPC" in message
    assert "the 4 runs written before are kept" in message and "free some space" in message
    assert len(_visible(out / "runs")) == len(_visible(out / "series")) == 2  # chunks 1 and 2, whole
    assert _visible(out / "runs") == _visible(out / "series")  # no series part without its runs part
    assert not [p for p in out.rglob("*.tmp")]

    monkeypatch.undo()
    again = run_sweep(experiment, out, SerialExecutor())
    assert again.skipped == 4 and again.completed == 8
    series = load_series(out)
    assert not series.duplicated(["run_id", "day"]).any() and len(series) == 12 * 4
    raw = pd.read_parquet(out / "series")  # the folder itself, read without cogov
    assert not raw.duplicated(["run_id", "day"]).any() and len(raw) == 12 * 4
    reference = tmp_path / "reference"
    run_sweep(experiment, reference, SerialExecutor())
    pd.testing.assert_frame_equal(ResultStore(out).read_series(), ResultStore(reference).read_series())


def test_a_failing_write_removes_its_temporary_file(tmp_path, monkeypatch):
    """The real writer: pyarrow fails mid-file (a full disk); the hidden temporary file goes, nothing is renamed."""
    def no_space(table: Any, where: Any, **kwargs: Any) -> None:
        Path(where).write_bytes(b"PAR1 partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module.pq, "write_table", no_space)
    with pytest.raises(OSError):
        store_module._atomic_parquet(pa.table({"run_id": [1]}), tmp_path / "part-1.parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_chunk_cut_short_by_a_crash_is_ignored_and_tidied(tmp_path):
    """What ``kill -9`` between the two renames leaves (a series part with no runs part), and a run's series
    stored twice (a writer stopped before it removed superseded rows): readers see each run's series once,
    from the part that records it; the next writer removes the leftovers."""
    experiment = load_experiment(write_experiment(tmp_path, SERIES_BODY))
    out = tmp_path / "out"
    run_sweep(experiment, out, SerialExecutor())
    clean = ResultStore(out).read_series()
    first = min((out / "series").glob("part-*.parquet"))
    frame = pq.read_table(first).to_pandas()
    changed = frame.assign(backlog=-1)  # values no committed chunk holds
    leftover = pa.Table.from_pandas(changed, preserve_index=False)
    pq.write_table(leftover, out / "series" / "part-999999999-orphan.parquet")
    pq.write_table(leftover, out / "series" / ".part-x.parquet.abc.tmp")
    pd.testing.assert_frame_equal(ResultStore(out).read_series(), clean)
    assert (load_series(out)["backlog"] >= 0).all()

    run_sweep(experiment, out, SerialExecutor())  # nothing to run; the writer tidies the folder
    assert not (out / "series" / "part-999999999-orphan.parquet").exists()
    assert not list((out / "series").glob(".*.tmp"))
    raw = pd.read_parquet(out / "series")
    assert not raw.duplicated(["run_id", "day"]).any() and (raw["backlog"] >= 0).all()


# ---------------------------------------------------------------------------------- one schema
@dataclass(frozen=True)
class FailingTarget(IshigamiTarget):
    """Ishigami, failing wherever x1 > 0 (unless fixed)."""

    fixed: bool = False
    name: str = "failing"

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        if point["x1"] > 0 and not self.fixed:
            raise ValueError("cannot handle a positive x1")
        return super().run(point, seed, series_every)


def _failing_experiment(fixed: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Point 0 fails, point 1 succeeds; one run per chunk, so the first part (by name and by time) holds
    only a failure, as do every other part."""
    monkeypatch.setitem(TARGETS, "failing", lambda scenario, base_dir, days: FailingTarget(fixed=fixed))
    return validate_experiment({
        "experiment": {"name": "f", "target": "failing", "design": "full_factorial", "replicates": 4,
                       "master_seed": 3, "chunk_size": 1},
        "parameters": {"x1": {"values": [1.0, -1.0]}, "x2": {"values": [0.5]}}})


def test_plain_pandas_reads_every_outcome_column_after_failed_runs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    report = run_sweep(_failing_experiment(False, monkeypatch), out, SerialExecutor())
    assert report.failed == 4 and report.completed == 8
    schemas = {str(pq.read_schema(p).remove_metadata()) for p in (out / "runs").glob("part-*.parquet")}
    assert len(schemas) == 1  # one schema, whatever failed

    runs = pd.read_parquet(out / "runs")  # the README's way, without cogov
    assert len(runs) == 8 and runs["run_id"].is_unique
    assert runs["y"].dtype == "float64" and runs["error"].notna().sum() == 4
    failed = runs[runs["status"] == "failed"]
    assert failed["y"].isna().all() and failed["error"].str.contains("positive x1").all()
    assert runs.loc[runs["status"] == "ok", "y"].notna().all()
    assert runs["param:x1"].dtype == "float64"

    retried = run_sweep(_failing_experiment(True, monkeypatch), out, SerialExecutor(), retry_failed=True)
    assert retried.completed == 4 and retried.failed == 0
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 8 and runs["run_id"].is_unique and (runs["status"] == "ok").all()  # no superseded row left
    assert len(load_runs(out)) == 8


def test_a_folder_written_before_one_schema_is_repaired_by_the_next_writer(tmp_path, monkeypatch):
    """Parts as the old writer made them (a failed-only part without outcome columns and a null-typed
    error column): plain pandas fails on them; the next sweep on the folder rewrites them."""
    out = tmp_path / "out"
    experiment = _failing_experiment(False, monkeypatch)
    run_sweep(experiment, out, SerialExecutor())
    for part in (out / "runs").glob("part-*.parquet"):
        table = pq.read_table(part)
        rows = table.to_pylist()
        keep = [c for c in table.column_names if not (c == "y" and all(r["status"] == "failed" for r in rows))]
        old = pa.Table.from_pylist([{k: r[k] for k in keep} for r in rows])  # types as inferred per chunk
        pq.write_table(old, part)
    try:  # the first part has no y: pyarrow takes its schema and drops y (or fails on the types)
        broken = "y" not in pd.read_parquet(out / "runs").columns
    except pa.ArrowException:
        broken = True
    assert broken, "the old layout should break plain pandas; this test would not notice a repair"
    run_sweep(experiment, out, SerialExecutor())  # nothing to run
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 8 and runs["y"].notna().sum() == 4 and runs["y"].dtype == "float64"


def test_reads_keep_the_latest_row_per_run_and_day_even_if_a_part_was_copied(tmp_path):
    """Order comes from the write time recorded in each part, not file times (which copying resets)."""
    experiment = load_experiment(write_experiment(tmp_path, SERIES_BODY))
    out = tmp_path / "out"
    run_sweep(experiment, out, SerialExecutor())
    part = min((out / "runs").glob("part-*.parquet"))
    table = pq.read_table(part)
    old = table.schema.metadata
    stale = table.set_column(table.column_names.index("resolution_rate"), "resolution_rate",
                             pa.array([-1.0] * table.num_rows))  # an "older" copy of the same runs
    earlier = {**old, store_module.ORDER_KEY: str(int(old[store_module.ORDER_KEY]) - 10**9).encode()}
    pq.write_table(stale.replace_schema_metadata(earlier), out / "runs" / "part-zzz-stale.parquet")
    assert (ResultStore(out).read_runs()["resolution_rate"] >= 0).all()
    assert len(ResultStore(out).read_runs()) == 12


# -------------------------------------------------------------------------------- clear errors
@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "free some space"),
    (errno.EROFS, "read-only: choose another --out"),
    (errno.EACCES, "choose a folder you can write to"),
])
def test_cli_write_errors_name_the_folder_without_a_traceback(tmp_path, monkeypatch, capsys, code, words):
    path = write_experiment(tmp_path, SERIES_BODY)
    out = tmp_path / "results" / "x"
    _full_disk_at(monkeypatch, "series", 2, code)
    status = main(["sweep", str(path), "--out", str(out), "--backend", "serial"])
    err = capsys.readouterr().err
    assert status == EXIT_FOLDER_WRITE
    flat = " ".join(err.split())
    assert f"cannot write to the results folder {out}" in flat and os.strerror(code) in flat and words in flat
    assert "Traceback" not in err


# ------------------------------------------------------------------------------------- the lock
HOLD = "import sys, time\nfrom cogov.experiments.lock import folder_lock\nwith folder_lock(sys.argv[1]):\n" \
       "    print('held', flush=True)\n    time.sleep(120)\n"


def _holder(folder: Path) -> subprocess.Popen:
    """Another process holding ``folder``'s lock until killed."""
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_the_lock_names_its_holder_and_dies_with_it(tmp_path):
    folder = tmp_path / "out"
    holder = _holder(folder)
    try:
        with pytest.raises(FolderInUse) as err, folder_lock(folder):
            pass
        message = str(err.value)
        assert f"{folder} is in use by python -c pid {holder.pid} on host {socket.gethostname()} since " in message
        assert read_holder(folder)["pid"] == holder.pid
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with folder_lock(folder), folder_lock(folder):  # free again; re-entrant within a process
        assert read_holder(folder)["pid"] == os.getpid()
    assert (folder / LOCK_FILE).read_text() == ""  # emptied on release


def test_compare_and_sensitivity_take_the_lock(tmp_path, capsys):
    folder = tmp_path / "out"
    ishigami = tmp_path / "sobol.toml"
    ishigami.write_text("[experiment]\nname = 's'\ntarget = 'ishigami'\ndesign = 'sobol'\nsamples = 8\n"
                        "[parameters]\nx1 = {range = [-3.14, 3.14]}\nx2 = {range = [-3.14, 3.14]}\n"
                        "x3 = {range = [-3.14, 3.14]}\n", encoding="utf-8")
    holder = _holder(folder)
    try:
        for command in (["compare", "default", "red_property", "--replicates", "2", "--days", "5"],
                        ["sensitivity", str(ishigami), "--method", "sobol"],
                        ["sweep", str(ishigami)]):
            assert main([*command, "--backend", "serial", "--out", str(folder)]) == EXIT_FOLDER_IN_USE
            assert f"in use by python -c pid {holder.pid}" in " ".join(capsys.readouterr().err.split())
        assert not (folder / "runs").exists()  # nothing was planned or written
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert main(["sensitivity", str(ishigami), "--method", "sobol", "--backend", "serial", "--out", str(folder)]) == 0


def test_two_real_sweeps_on_one_folder_store_every_run_once(tmp_path):
    """A second `cogov sweep` on a folder in use is refused, naming the first; after the first is killed
    (kill -9 leaves no lock behind), the second resumes, and every run is stored exactly once. (The first
    is paused while the second tries, so that it cannot finish first on a fast machine.)"""
    body = FACTORIAL.replace("replicates = 3", "replicates = 10").replace("days = 15", "days = 30\nchunk_size = 2")
    path = write_experiment(tmp_path, body)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cogov.cli", "sweep", str(path), "--out", str(out), "--workers", "2"]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None and not list(out.glob("runs/part-*.parquet")):
            time.sleep(0.05)
        assert first.poll() is None, "the first sweep ended before the second could start"
        first.send_signal(signal.SIGSTOP)  # keeps its lock, and cannot finish while the second starts
        second = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
        assert second.returncode == EXIT_FOLDER_IN_USE, second.stderr
        flat = " ".join(second.stderr.split())
        assert f"{out} is in use by cogov sweep pid {first.pid} on host {socket.gethostname()} since" in flat
        holder = json.loads((out / LOCK_FILE).read_text())
        assert holder["pid"] == first.pid and holder["command"] == "cogov sweep"
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    resumed = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 40 and runs["run_id"].is_unique and (runs["status"] == "ok").all()
