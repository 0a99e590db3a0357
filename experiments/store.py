"""Results on disk: a folder of Parquet parts written atomically as runs finish.

Layout of a results folder::

    experiment.json        what produced it: the experiment, its digest, the model version, versions, git commit
    design.parquet         the design points
    runs/part-*.parquet    one row per run (parameters, seed, run key, status, error, outcomes, provenance)
    series/part-*.parquet  daily series in long format (``run_id``, ``day``, metrics), if kept
    retired/runs.parquet   runs of earlier designs that the current one does not plan (kept, by run key)
    retired/series.parquet their series (``run_key``, ``day``, metrics)
    .cogov-lock            the writer's lock (:mod:`cogov.experiments.lock`)

A folder holds the runs of one experiment made by one model version. Each run row carries its run key
(:func:`cogov.sim.provenance.run_key`: the resolved scenario, the seed, the model version), by which a
resumed sweep knows which runs it may keep. **Designs grow**: opened with an experiment whose levels,
values, samples, design or parameters changed, a folder is re-planned (:meth:`ResultStore.open`): every
recorded run whose key the new design plans is kept under its new run id, the others move to ``retired/``
(never deleted; a later design that plans them again takes them back). A folder is refused when its runs
cannot serve the new experiment: another model version, target, master seed, horizon or kept series
(:func:`growth_blockers`), or not one run in common. One process writes a folder at a time (the runner
holds its lock).

What a reader can rely on:

* **A chunk is all or nothing.** Each part is written to a hidden temporary file and renamed into
  place, so no file is ever half-written. A chunk's series part is written first and its runs part,
  under the same name, last: the runs part is the chunk's commit record. Series rows count only if
  their run is recorded in the runs part of the same name, so a chunk cut short (a full disk,
  ``kill -9`` between the two renames) leaves no series behind; the next writer removes the leftovers.
* **One row per run, one row per (run, day).** A run recorded again (a failed run retried) replaces
  its earlier row: the writer removes the superseded rows from the older parts once the new part is
  in place, and readers keep only each run's latest row (and its series) in case a writer was
  stopped in between. Parts are ordered by the write time recorded in each part.
* **One schema.** Every runs part has the same columns with the same types, whatever failed:
  identifiers, parameters (typed as in the design), every outcome (float64; null in a failed run's
  row), provenance. When a new outcome column appears (the first successful run after failures), the
  older parts are rewritten with it. So plain ``pandas.read_parquet(folder / "runs")`` works and gives
  every outcome column; the same holds for ``series/``.

A write that fails for lack of space, a read-only filesystem or permissions raises
:class:`StoreWriteError`, naming the folder and what to do; the chunks written before stay.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cogov.experiments.design import DesignTable
from cogov.experiments.lock import ResultsFolderError
from cogov.experiments.spec import Experiment
from cogov.sim.provenance import git_commit, model_version, package_version
from cogov.sim.scenario import ScenarioError

if TYPE_CHECKING:  # the runner builds on this module
    from cogov.experiments.runner import RunTask

RUNS = "runs"
SERIES = "series"
RETIRED = "retired"
MANIFEST = "experiment.json"
DESIGN = "design.parquet"
PARAM_PREFIX = "param:"

RUN_COLUMNS: dict[str, pa.DataType] = {
    "run_id": pa.int64(), "point_id": pa.int64(), "replicate": pa.int64(), "seed": pa.int64(),
    "run_key": pa.string(), "status": pa.string(), "error": pa.string(), "seconds": pa.float64(),
}
"""Columns that identify or describe a run, with their types (first in every runs part)."""
PROVENANCE_COLUMNS: dict[str, pa.DataType] = {
    "experiment_digest": pa.string(), "cogov_version": pa.string(), "git_commit": pa.string(),
    "base_scenario_digest": pa.string(),
}
"""Columns recording what produced a run (last in every runs part)."""
SERIES_COLUMNS: dict[str, pa.DataType] = {"run_id": pa.int64(), "day": pa.int64()}
OUTCOME_TYPE = pa.float64()
"""Type of every outcome column: outcomes are numbers (:class:`cogov.experiments.targets.RunOutput`)."""

ORDER_KEY = b"cogov.written_ns"
"""Part metadata: when the part was first written (ns since the epoch, increasing within a folder).
It orders parts for "latest row wins", and survives copying a folder, which file times do not."""

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM}


class StoreWriteError(ResultsFolderError):
    """A results folder could not be written (disk full, read-only, permissions, …).

    ``written``: how many runs this sweep had written before (set by the runner); those are kept.
    """

    def __init__(self, directory: Path, error: OSError, written: int | None = None):
        self.directory = directory
        self.error = error
        self.written = written
        super().__init__(str(directory))

    def __str__(self) -> str:
        code = self.error.errno
        reason = self.error.strerror or str(self.error)
        name = errno.errorcode.get(code, "") if code is not None else ""
        if code in _FULL:
            advice = "free some space (or choose another --out), then run the same command again"
        elif code == errno.EROFS:
            advice = "the filesystem is read-only: choose another --out"
        elif code in _DENIED:
            advice = "choose a folder you can write to (--out), or change this one's permissions"
        else:
            advice = "fix the cause, then run the same command again"
        kept = ""
        if self.written == 1:
            kept = "; the 1 run written before is kept"
        elif self.written:
            kept = f"; the {self.written} runs written before are kept"
        elif self.written == 0:
            kept = "; no run of this sweep had been written yet"
        return (f"cannot write to the results folder {self.directory}: {reason}{f' ({name})' if name else ''}{kept}; "
                f"{advice} (runs already recorded are skipped when it resumes)")


@contextlib.contextmanager
def writing(directory: Path) -> Iterator[None]:
    """Turn an :class:`OSError` while writing ``directory`` into a :class:`StoreWriteError` naming it."""
    try:
        yield
    except OSError as exc:
        raise StoreWriteError(directory, exc) from exc


def what_differs(manifest: dict[str, Any], experiment: Experiment) -> list[str]:
    """What makes ``experiment`` another experiment than the one a results folder's ``manifest`` records, in words:
    each setting of the experiment that changed (``experiment.days: 365 -> 30``), and each scenario whose resolved
    parameters changed (an edited file). Settings that only extend an experiment (replicates) are not differences."""
    extends = {"description", "chunk_size", "replicates"}
    old, new = manifest.get("experiment", {}), experiment.spec.model_dump(mode="json")
    lines = []
    for section in sorted(set(old) | set(new)):
        a, b = old.get(section, {}), new.get(section, {})
        if not (isinstance(a, dict) and isinstance(b, dict)):
            if a != b:
                lines.append(f"{section}: {_short(a)} -> {_short(b)}")
            continue
        for key in sorted(set(a) | set(b)):
            if section == "experiment" and key in extends or section == "outputs" and key == "directory":
                continue
            if a.get(key) != b.get(key):
                shown = _parameter if section == "parameters" else _short
                lines.append(f"{section}.{key}: {shown(a.get(key))} -> {shown(b.get(key))}")
    before, after = _scenario_digests(manifest.get("base_scenario_digest", "")), _scenario_digests(
        experiment.target.base_digest)
    # a scenario's digest includes the horizon the experiment sets: compared only when the horizon is the same
    same_days = old.get("experiment", {}).get("days") == new.get("experiment", {}).get("days")
    changed = sorted(name for name in set(before) & set(after) if before[name] != after[name]) if same_days else []
    if changed:
        lines.append(f"the settings of {', '.join(changed)} changed since (an edited scenario file?)")
    elif not lines and same_days and manifest.get("base_scenario_digest") != experiment.target.base_digest:
        lines.append("the base scenario's settings changed since (an edited scenario file?)")
    return lines


GROWTH_FIXED: tuple[tuple[str, str, str], ...] = (
    ("experiment", "target", "another target runs other code"),
    ("experiment", "master_seed", "another master seed gives every run another seed"),
    ("experiment", "days", "another horizon changes every run"),
    ("outputs", "series", "its runs keep other outputs"),
    ("outputs", "series_every", "its runs keep other outputs"),
)
"""Settings whose change leaves no run of a folder usable (or usable only without what the new experiment keeps),
each with the reason: a folder whose experiment differs in one of them is refused rather than grown."""


def growth_blockers(manifest: dict[str, Any], experiment: Experiment) -> list[str]:
    """Why the runs of the folder whose ``manifest`` this is cannot serve ``experiment`` (empty: the folder can grow
    into it, keeping every run the new design plans again). Levels, values, samples, the design and the parameters
    varied may all change; what sets every run apart may not (:data:`GROWTH_FIXED`, the model version)."""
    recorded_version = manifest.get("model_version")
    if recorded_version is not None and recorded_version != model_version():
        return [(f"its runs were made by model version {recorded_version}, and this code is model version "
                 f"{model_version()}: their numbers are not comparable")]
    old, new = manifest.get("experiment", {}), experiment.spec.model_dump(mode="json")
    return [f"{section}.{key}: {_short(old.get(section, {}).get(key))} -> {_short(new[section].get(key))} ({why})"
            for section, key, why in GROWTH_FIXED if old.get(section, {}).get(key) != new[section].get(key)]


def _scenario_digests(base_digest: str) -> dict[str, str]:
    """``name -> digest`` of the scenarios a target's base digest lists (``base|name=digest|...``)."""
    return dict(part.split("=", 1) for part in str(base_digest).split("|") if "=" in part)


_PARAMETER_DEFAULTS = {"range": None, "values": None, "levels": None, "distribution": "uniform", "integer": False}


def _parameter(spec: Any) -> str:
    """A parameter's specification in short: its values, or its range and whatever is not a default."""
    if not isinstance(spec, dict):
        return "(not varied)" if spec is None else _short(spec)
    shown = {k: v for k, v in spec.items() if _PARAMETER_DEFAULTS.get(k, object()) != v}
    return _short(shown["values"] if set(shown) == {"values"} else shown)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class ResultStore:
    """Append-only results folder for one experiment (see the module docstring for its guarantees).

    Writing (:meth:`open`, :meth:`write`) assumes this process holds the folder's lock
    (:func:`cogov.experiments.lock.folder_lock`; :func:`cogov.experiments.runner.run_sweep` takes it).
    Reading needs no lock.
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._state: _WriterState | None = None
        self.growth: Growth | None = None
        """What the last :meth:`open` did if it grew the folder into another experiment."""

    def open(self, experiment: Experiment, design: DesignTable,
             tasks: Sequence[RunTask] | None = None) -> dict[str, Any]:
        """Create the folder (or check that it holds this same experiment) and return its manifest.

        An existing folder is tidied first: leftovers of an interrupted write are removed and its parts
        brought to one schema, one row per run. A folder holding another experiment is grown into this one
        when ``tasks`` (the runs this experiment plans) are given and its runs can serve it
        (:func:`growth_blockers`, at least one run in common): see :meth:`grow`; otherwise it is refused with
        what differs.
        """
        manifest_path = self.directory / MANIFEST
        self.growth = None
        with writing(self.directory):
            if manifest_path.exists():
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                recorded_version = manifest.get("model_version")
                if recorded_version is not None and recorded_version != model_version():
                    raise ScenarioError(str(self.directory), [(
                        f"this results folder holds runs of model version {recorded_version}, and this code is "
                        f"model version {model_version()}: their numbers are not comparable; choose another --out "
                        "(or delete the folder to start again)")])
                if manifest.get("experiment_digest") != experiment.digest or manifest.get(GROWING):
                    self._refuse_unless_growable(manifest, experiment, tasks)
                    assert tasks is not None  # refused otherwise
                    return self.grow(manifest, experiment, design, tasks)
                current = experiment.spec.model_dump(mode="json")
                # More replicates: record what the folder now holds. A folder from before model versions were
                # recorded gets this version: its rows have no run keys, so every run in it is made again.
                if manifest.get("experiment") != current or recorded_version is None:
                    manifest["experiment"] = current
                    manifest["model_version"] = model_version()
                    _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
                self._writer()
                return manifest
            (self.directory / RUNS).mkdir(parents=True, exist_ok=True)
            (self.directory / SERIES).mkdir(exist_ok=True)
            manifest = _manifest(experiment)
            _write_design(design, self.directory)
            _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
            self._writer()
            return manifest

    def _refuse_unless_growable(self, manifest: dict[str, Any], experiment: Experiment,
                                tasks: Sequence[RunTask] | None) -> None:
        """Raise :class:`ScenarioError` saying what differs unless this folder can grow into ``experiment``."""
        differs = "; ".join(what_differs(manifest, experiment)) or "its digest"
        blockers = growth_blockers(manifest, experiment)
        if not blockers and tasks is not None and not self.reusable(tasks) and self.recorded_count():
            old = manifest.get("experiment", {}).get("experiment", {})
            new = experiment.spec.experiment
            hint = (" (a Latin hypercube of another size has all-new points: a design of 'random' or 'sobol' "
                    "points keeps its first points when samples grow)"
                    if new.design == "latin_hypercube" and old.get("samples") != new.samples else
                    " (an edited scenario file?)")
            blockers = [f"not one of its runs is planned by this experiment{hint}"]
        if blockers or tasks is None:
            why = f"; its runs cannot be reused: {'; '.join(blockers)}" if blockers else ""
            raise ScenarioError(str(self.directory), [(
                f"this results folder holds a different experiment ({differs}){why}; choose another --out, or "
                "delete the folder to start again")])

    def recorded_count(self) -> int:
        """How many runs the folder holds (current and retired)."""
        return len(self._pool_keys(include_null=True))

    def reusable(self, tasks: Sequence[RunTask]) -> int:
        """How many of ``tasks`` the folder holds a run of (under the same run key; current or retired, ok or failed)."""
        keys = self._pool_keys()
        return sum(1 for task in tasks if task.run_key in keys)

    def _pool_keys(self, include_null: bool = False) -> set[Any]:
        keys: set[Any] = set()
        for part in [*_parts(self.directory / RUNS), self.directory / RETIRED / RETIRED_RUNS]:
            if part.exists() and "run_key" in pq.read_schema(part).names:
                column = pq.read_table(part, columns=["run_key"]).column("run_key").to_pylist()
                keys.update(column if include_null else (k for k in column if k is not None))
            elif part.exists() and include_null:
                keys.update((part.name, i) for i in range(pq.read_metadata(part).num_rows))
        return keys

    def grow(self, manifest: dict[str, Any], experiment: Experiment, design: DesignTable,
             tasks: Sequence[RunTask]) -> dict[str, Any]:
        """Re-plan this folder for ``experiment`` (whose runs are ``tasks``): every recorded run (current or retired)
        whose run key a task has is kept under that task's run id, point and parameters; every other run moves to
        ``retired/``. Returns the new manifest; :attr:`growth` says what was kept.

        Safe to interrupt at any point: the manifest marks the folder as growing until the end, and growing again
        (into this or any other experiment) starts from every run recorded anywhere in the folder, chosen by key.
        """
        before = {k: manifest.get(k) for k in ("experiment_digest", "experiment")}
        new_manifest = _manifest(experiment) | {
            "grown_from": [*manifest.get("grown_from", []), before] if manifest.get("experiment_digest")
            != experiment.digest else manifest.get("grown_from", []),
            GROWING: True}
        _atomic_text(json.dumps(new_manifest, indent=2) + "\n", self.directory / MANIFEST)
        runs, series = self._pool()
        keys = runs.column("run_key").to_pylist()
        wanted: dict[str, list[RunTask]] = {}
        for task in tasks:
            wanted.setdefault(task.run_key, []).append(task)
        take, retire, assigned = [], [], []
        for index, key in enumerate(keys):
            if key in wanted:
                take += [index] * len(wanted[key])
                assigned += wanted[key]
            else:
                retire.append(index)
        param_types = _types_of(_design_table(design).schema)
        kept = _reassigned(runs.take(pa.array(take, pa.int64())), assigned, param_types)
        kept_series = None
        if series is not None and series.num_rows:
            ids = {}
            for task, key in zip(assigned, kept.column("run_key").to_pylist(), strict=True):
                ids.setdefault(key, []).append(task.run_id)
            kept_series = _series_for(series, ids)
        self._retire(runs.take(pa.array(retire, pa.int64())), series)
        self._replace_parts(kept, kept_series)
        _write_design(design, self.directory)
        new_manifest.pop(GROWING)
        _atomic_text(json.dumps(new_manifest, indent=2) + "\n", self.directory / MANIFEST)
        self._state = None
        self._writer()
        self.growth = Growth(reused=len({t.run_id for t in assigned}), retired=len(retire),
                             planned=len(tasks), differs=what_differs(manifest, experiment))
        return new_manifest

    def _pool(self) -> tuple[pa.Table, pa.Table | None]:
        """Every run recorded in the folder (its parts and ``retired/``), one row per run key (a successful row before a
        failed one, then the latest), and their series keyed by run key (``None`` if no run kept one)."""
        tables, series_tables = [], []
        for part in _parts(self.directory / RUNS):
            table = pq.read_table(part)
            if "run_key" not in table.column_names:
                table = table.append_column("run_key", pa.nulls(table.num_rows, pa.string()))
            tag = f"{_order_of(part, table):020d}/{part.name}"
            tables.append(_plain(table).append_column(SOURCE, pa.array([tag] * table.num_rows, pa.string())))
            series_part = self.directory / SERIES / part.name
            if series_part.exists():
                keys = dict(zip(table.column("run_id").to_pylist(), table.column("run_key").to_pylist(), strict=True))
                frame = _plain(pq.read_table(series_part))
                run_keys = pa.array([keys.get(r) for r in frame.column("run_id").to_pylist()], pa.string())
                frame = frame.drop_columns(["run_id"]).add_column(0, "run_key", run_keys)
                series_tables.append(frame.append_column(SOURCE, pa.array([tag] * frame.num_rows, pa.string())))
        retired_runs = self.directory / RETIRED / RETIRED_RUNS
        if retired_runs.exists():
            table = _plain(pq.read_table(retired_runs))
            tables.append(table.append_column(SOURCE, pa.array(["0" * 20 + "/retired"] * table.num_rows, pa.string())))
            retired_series = self.directory / RETIRED / RETIRED_SERIES
            if retired_series.exists():
                frame = _plain(pq.read_table(retired_series))
                series_tables.append(frame.append_column(SOURCE, pa.array(["0" * 20 + "/retired"] * frame.num_rows,
                                                                          pa.string())))
        if not tables:
            return pa.table({"run_key": pa.array([], pa.string())}), None
        runs = pa.concat_tables(tables, promote_options="permissive")
        chosen = _one_per_key(runs)
        runs = runs.take(pa.array(chosen, pa.int64()))
        series = pa.concat_tables(series_tables, promote_options="permissive") if series_tables else None
        if series is not None:  # each run's series from where its chosen row came
            pairs = set(zip(runs.column("run_key").to_pylist(), runs.column(SOURCE).to_pylist(), strict=True))
            keep = [(k, t) in pairs for k, t in zip(series.column("run_key").to_pylist(),
                                                     series.column(SOURCE).to_pylist(), strict=True)]
            series = series.filter(pa.array(keep, pa.bool_())).drop_columns([SOURCE])
        return runs.drop_columns([SOURCE]), series

    def _retire(self, runs: pa.Table, series: pa.Table | None) -> None:
        """Write the runs no design plans now (and their series) to ``retired/``, replacing what it held (the pool
        they come from included it)."""
        folder = self.directory / RETIRED
        if not runs.num_rows:
            for name in (RETIRED_SERIES, RETIRED_RUNS):
                _unlink_quietly(folder / name)
            return
        folder.mkdir(exist_ok=True)
        if series is not None:
            keys = set(runs.column("run_key").to_pylist())
            keep = [k in keys for k in series.column("run_key").to_pylist()]
            _atomic_parquet(series.filter(pa.array(keep, pa.bool_())), folder / RETIRED_SERIES)
        else:
            _unlink_quietly(folder / RETIRED_SERIES)
        _atomic_parquet(runs, folder / RETIRED_RUNS)

    def _replace_parts(self, runs: pa.Table, series: pa.Table | None) -> None:
        """Make ``runs`` (and ``series``) the folder's only parts: written as one new part (series first, the runs part
        its commit), then every older part removed."""
        old = [*_parts(self.directory / SERIES), *_parts(self.directory / RUNS)]
        if runs.num_rows:
            order = max([time.time_ns(), *(_order_of(part) + 1 for part in _parts(self.directory / RUNS))])
            name = f"part-{0:09d}-{uuid.uuid4().hex[:8]}.parquet"
            if series is not None and series.num_rows:
                _atomic_parquet(_with_order(series, order), self.directory / SERIES / name)
            _atomic_parquet(_with_order(runs, order), self.directory / RUNS / name)
        for part in old:  # series parts first: a runs part must not go while its series stay
            _unlink_quietly(part)

    def recorded_keys(self, include_failed: bool = True) -> dict[int, str]:
        """The run key recorded for each run id (successes, and failures unless ``include_failed`` is False).

        Rows written before run keys were recorded have none and are left out: nothing says what
        made them, so they are not reused.
        """
        frame = self.read_runs(columns=["run_id", "status", "run_key"])
        if frame.empty:
            return {}
        if not include_failed:
            frame = frame[frame["status"] == "ok"]
        frame = frame[frame["run_key"].notna()]
        return {int(r): str(k) for r, k in zip(frame["run_id"], frame["run_key"], strict=True)}

    def write(self, rows: list[dict[str, Any]], series: pd.DataFrame | None) -> None:
        """Write one finished chunk of runs (and its series) as new parts, all or nothing.

        The series part goes first, the runs part last (the commit); rows these runs had in older
        parts are then removed. Raises :class:`StoreWriteError` if the folder cannot be written; the
        chunk then counts as not written (its runs are made again on resuming).
        """
        if not rows:
            return
        with writing(self.directory):
            state = self._writer()
            runs = state.runs.adopt(_runs_table(rows, state.param_types))
            kept = series is not None and not series.empty
            series_table = state.series.adopt(_series_table(series)) if kept else None
            name = f"part-{int(rows[0]['run_id']):09d}-{uuid.uuid4().hex[:8]}.parquet"
            order = state.next_order()
            try:
                if series_table is not None:
                    _atomic_parquet(_with_order(series_table, order), self.directory / SERIES / name)
                _atomic_parquet(_with_order(runs, order), self.directory / RUNS / name)  # the commit
            except BaseException:
                _unlink_quietly(self.directory / SERIES / name)  # an uncommitted series part must not stay
                raise
            state.committed(name, order, [int(r["run_id"]) for r in rows])

    def read_runs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """All run rows, one per run: a run recorded twice (a failure retried) keeps its latest row."""
        return read_parts(self.directory / RUNS, columns)

    def read_series(self) -> pd.DataFrame:
        """The kept series rows of the recorded runs: each run's rows from the chunk that recorded it
        (never those of a chunk cut short, nor a superseded run's), one row per (run, day)."""
        runs_parts = _parts(self.directory / RUNS)
        if not runs_parts:
            return pd.DataFrame()
        owner: dict[int, tuple[int, str]] = {}
        for part in runs_parts:  # which part holds each run's current row
            table = pq.read_table(part, columns=["run_id"])
            key = (_order_of(part, table), part.name)
            for run_id in table.column("run_id").to_pylist():
                if run_id not in owner or owner[run_id] < key:
                    owner[run_id] = key
        owned: dict[str, set[int]] = {}
        for run_id, (_, name) in owner.items():
            owned.setdefault(name, set()).add(run_id)
        frames = []
        for part in _parts(self.directory / SERIES):
            if part.name not in owned:
                continue  # no runs part of this name (a chunk whose commit never happened), or all superseded
            frame = pq.read_table(part).to_pandas()
            frames.append(frame[frame["run_id"].isin(owned[part.name])])
        if not frames:
            return pd.DataFrame()
        frame = pd.concat(frames, ignore_index=True)
        frame = frame.drop_duplicates(["run_id", "day"], keep="last")
        return frame.sort_values(["run_id", "day"], kind="stable").reset_index(drop=True)

    def _writer(self) -> _WriterState:
        """The writer's view of the folder, read (and the folder tidied) on first use."""
        if self._state is None:
            self._state = _WriterState(self.directory)
        return self._state


def read_parts(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Concatenate the visible Parquet parts of a folder, latest row per run id (per (run id, day)
    for series). Parts are ordered by their recorded write time (file time for older parts)."""
    parts = _parts(folder)
    if not parts:
        return pd.DataFrame(columns=columns or [])
    frames = []
    for part in parts:
        # A column asked for may be absent from an older part (e.g. run_key): read what it has, pad the rest.
        present = None if columns is None else [c for c in columns if c in pq.read_schema(part).names]
        table = pq.read_table(part, columns=present)
        frame = table.to_pandas()
        for column in columns or []:
            if column not in frame.columns:
                frame[column] = None
        frame["_written"] = _order_of(part, table)  # a retried run's newer row wins
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    if "run_id" in frame.columns:
        key = ["run_id", "day"] if "day" in frame.columns else ["run_id"]
        frame = frame.sort_values("_written", kind="stable").drop_duplicates(key, keep="last")
        frame = frame.sort_values(key, kind="stable")
    return frame.drop(columns="_written").reset_index(drop=True)


GROWING = "growing"
"""Manifest key set while a folder is being grown into another experiment (:meth:`ResultStore.grow`)."""
RETIRED_RUNS = "runs.parquet"
RETIRED_SERIES = "series.parquet"
SOURCE = "_source"


@dataclass(frozen=True)
class Growth:
    """What growing a folder into another experiment did: runs kept (``reused`` of the ``planned``), runs moved to
    ``retired/``, and what differs from the folder's earlier experiment, in words."""

    reused: int
    retired: int
    planned: int
    differs: list[str]

    def line(self) -> str:
        """One line for the terminal."""
        what = "; ".join(self.differs) or "another design"
        retired = (f"; {self.retired} runs it no longer plans kept aside in retired/ (taken back if planned again)"
                   if self.retired else "")
        return (f"results folder grown into this experiment ({what}): {self.reused} of the {self.planned} runs it "
                f"plans were already recorded{retired}")


def _manifest(experiment: Experiment) -> dict[str, Any]:
    """What a results folder records about what produced it."""
    return {
        "experiment": experiment.spec.model_dump(mode="json"),
        "experiment_digest": experiment.digest,
        "experiment_source": experiment.source,
        "base_dir": str(Path(experiment.base_dir).resolve()),  # scenario paths in the experiment are relative to it
        "base_scenario_digest": experiment.target.base_digest,
        "model_version": model_version(),
        "cogov_version": package_version("cogov"),
        "mesa_version": package_version("mesa"),
        "git_commit": git_commit(),
    }


def _design_table(design: DesignTable) -> pa.Table:
    frame = pd.DataFrame(design.points)
    frame.insert(0, "point_id", range(len(frame)))
    return pa.Table.from_pandas(frame, preserve_index=False)


def _write_design(design: DesignTable, directory: Path) -> None:
    _atomic_parquet(_design_table(design), directory / DESIGN)


def _one_per_key(runs: pa.Table) -> list[int]:
    """Row indices of ``runs`` keeping one row per run key: a successful row before a failed one, then the latest
    (by the ``_source`` tag, which begins with the write time). Rows without a key are all kept (nothing says what
    made them; they are never reused)."""
    best: dict[str, tuple[tuple[bool, str], int]] = {}
    unkeyed = []
    statuses = runs.column("status").to_pylist() if "status" in runs.column_names else [None] * runs.num_rows
    for index, (key, status, tag) in enumerate(zip(runs.column("run_key").to_pylist(), statuses,
                                                   runs.column(SOURCE).to_pylist(), strict=True)):
        if key is None:
            unkeyed.append(index)
            continue
        rank = (status == "ok", tag)
        if key not in best or best[key][0] < rank:
            best[key] = (rank, index)
    return sorted([index for _, index in best.values()] + unkeyed)


def _reassigned(runs: pa.Table, tasks: Sequence[RunTask], param_types: dict[str, pa.DataType]) -> pa.Table:
    """``runs`` (one row per task, in order) under the tasks' run ids, points, replicates and parameters."""
    columns = {name: runs.column(name) for name in runs.column_names if not name.startswith(PARAM_PREFIX)}
    columns["run_id"] = pa.array([t.run_id for t in tasks], pa.int64())
    columns["point_id"] = pa.array([t.point_id for t in tasks], pa.int64())
    columns["replicate"] = pa.array([t.replicate for t in tasks], pa.int64())
    for name, kind in param_types.items():
        columns[name] = _array([t.point.get(name[len(PARAM_PREFIX):]) for t in tasks], kind)
    table = pa.table(columns)
    return _conform(table, _canonical(table.schema, "runs"))


def _series_for(series: pa.Table, ids: dict[str, list[int]]) -> pa.Table:
    """The rows of ``series`` (keyed by run key) of the kept runs, under their run ids (a run planned twice, e.g.
    by two design points that resolve to one scenario, has its series twice)."""
    take, run_ids = [], []
    for index, key in enumerate(series.column("run_key").to_pylist()):
        for run_id in ids.get(key, ()):
            take.append(index)
            run_ids.append(run_id)
    table = series.take(pa.array(take, pa.int64())).drop_columns(["run_key"]).add_column(0, "run_id", pa.array(run_ids, pa.int64()))
    return _conform(table, _canonical(table.schema, "series"))


def _types_of(schema: pa.Schema) -> dict[str, pa.DataType]:
    return {PARAM_PREFIX + f.name: f.type for f in schema if f.name != "point_id" and not pa.types.is_null(f.type)}



# ------------------------------------------------------------------------------------------ writer state
class _Schema:
    """The one schema every part of a folder (runs/ or series/) is written with.

    ``adopt(table)`` returns ``table`` in the folder's schema; if the table brings a column the folder
    lacks (or a wider type), the schema grows and every existing part is rewritten with it first.
    """

    def __init__(self, folder: Path, schema: pa.Schema | None, order: Sequence[str]):
        self.folder = folder
        self.schema = schema
        self.order = order  # "runs" or "series": how columns are arranged

    def adopt(self, table: pa.Table) -> pa.Table:
        """``table`` in the folder's one schema, widening that schema (and rewriting its parts) if ``table`` adds
        columns."""
        merged = _canonical(_unify([self.schema, table.schema]), self.order)
        if self.schema is not None and not merged.equals(self.schema):
            for part in _parts(self.folder):
                _rewrite(part, merged)
        self.schema = merged
        return _conform(table, merged)


class _WriterState:
    """What the writer knows of a folder: its schemas, which part holds each run's row, the last write time.

    Built once per store by reading every part's footer and run ids. It also tidies what an
    interrupted writer may have left: hidden temporary files, series parts without their runs part,
    rows superseded by a later part, parts of another schema.
    """

    def __init__(self, directory: Path):
        self.directory = directory
        runs_dir, series_dir = directory / RUNS, directory / SERIES
        for folder in (runs_dir, series_dir):
            folder.mkdir(parents=True, exist_ok=True)
        # temporary files of a write cut short (this process holds the lock: nobody else is writing them)
        for pattern in (f"{RUNS}/.part-*.tmp", f"{SERIES}/.part-*.tmp", f".{DESIGN}.*.tmp", f".{MANIFEST}.tmp",
                        f"{RETIRED}/.*.tmp"):
            for leftover in directory.glob(pattern):
                _unlink_quietly(leftover)
        runs_parts = _parts(runs_dir)
        names = {part.name for part in runs_parts}
        for part in _parts(series_dir):
            if part.name not in names:
                _unlink_quietly(part)  # never committed
        self.param_types = _design_types(directory / DESIGN)
        self.orders = {part.name: _order_of(part) for part in runs_parts}
        self.last_order = max(self.orders.values(), default=0)
        self.owner: dict[int, str] = {}
        superseded: dict[str, set[int]] = {}
        for part in sorted(runs_parts, key=lambda p: (self.orders[p.name], p.name)):
            for run_id in pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist():
                if run_id in self.owner:
                    superseded.setdefault(self.owner[run_id], set()).add(run_id)
                self.owner[run_id] = part.name
        for name, run_ids in superseded.items():
            self._drop(name, run_ids)
        self.runs = _Schema(runs_dir, self._folder_schema(runs_dir, "runs"), "runs")
        self.series = _Schema(series_dir, self._folder_schema(series_dir, "series"), "series")

    def _folder_schema(self, folder: Path, order: str) -> pa.Schema | None:
        """The union of the parts' schemas; parts that differ from it (older writers) are rewritten."""
        parts = _parts(folder)
        schemas = [_plain(pq.read_schema(part)) for part in parts]
        if not schemas:
            return None
        schema = _canonical(_unify(schemas), order)
        for part, own in zip(parts, schemas, strict=True):
            if not own.equals(schema):
                _rewrite(part, schema)
        return schema

    def next_order(self) -> int:
        """A write time later than every part's (the clock may be coarse, or have been set back)."""
        self.last_order = max(time.time_ns(), self.last_order + 1)
        return self.last_order

    def committed(self, name: str, order: int, run_ids: list[int]) -> None:
        """Record a new runs part, and remove from older parts the rows it supersedes."""
        self.orders[name] = order
        superseded: dict[str, set[int]] = {}
        for run_id in run_ids:
            old = self.owner.get(run_id)
            if old is not None and old != name:
                superseded.setdefault(old, set()).add(run_id)
            self.owner[run_id] = name
        for old, ids in superseded.items():
            self._drop(old, ids)

    def _drop(self, name: str, run_ids: set[int]) -> None:
        """Remove the rows of ``run_ids`` from the parts named ``name`` (series first: the runs part
        is the commit record, and must not go while series rows it vouches for remain)."""
        for folder in (SERIES, RUNS):
            path = self.directory / folder / name
            if path.exists():
                _rewrite(path, None, drop=run_ids)
        if not (self.directory / RUNS / name).exists():
            self.orders.pop(name, None)


# ------------------------------------------------------------------------------------------ tables
def _runs_table(rows: list[dict[str, Any]], param_types: dict[str, pa.DataType]) -> pa.Table:
    """A chunk's run rows as a typed table: every failed row carries every outcome column (null)."""
    names = list(dict.fromkeys(key for row in rows for key in row))
    arrays, fields = [], []
    for name in names:
        values = [row.get(name) for row in rows]
        kind = (RUN_COLUMNS.get(name) or PROVENANCE_COLUMNS.get(name)
                or (param_types.get(name) if name.startswith(PARAM_PREFIX) else OUTCOME_TYPE))
        array = _array(values, kind)
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _array(values: list[Any], kind: pa.DataType | None) -> pa.Array:
    """``values`` as an Arrow array of type ``kind`` where they fit it, else of the type Arrow infers.

    Floats keep NaN (an undefined ratio) apart from null (no value); elsewhere NaN (pandas' missing
    value, e.g. in rows read back and written again) is null.
    """
    if kind is not None:
        try:
            return pa.array(values, type=kind, from_pandas=not pa.types.is_floating(kind))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            pass
    return pa.array(values, from_pandas=True)


def _series_table(series: pd.DataFrame) -> pa.Table:
    table = pa.Table.from_pandas(series, preserve_index=False)
    return _plain(table.cast(pa.schema([pa.field(f.name, SERIES_COLUMNS.get(f.name, f.type)) for f in table.schema])))


def _design_types(path: Path) -> dict[str, pa.DataType]:
    """Parameter column types (``param:<path>``) from the design: the same in every part, whichever
    values a chunk happens to hold (a chunk of whole numbers of a real-valued parameter stays float)."""
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return {}
    return _types_of(schema)


def _unify(schemas: Sequence[pa.Schema | None]) -> pa.Schema:
    """One schema holding every column of ``schemas``, each in a type that holds all their values
    (null columns take the other parts' type; int64 and float64 give float64)."""
    present = [_plain(s) for s in schemas if s is not None]
    return pa.unify_schemas(present, promote_options="permissive")


def _canonical(schema: pa.Schema, order: str) -> pa.Schema:
    """Columns in a fixed arrangement: runs — identifiers, parameters, outcomes, provenance;
    series — run id, day, metrics. Outcome columns keep the order in which they appeared."""
    fields = {f.name: f for f in schema}
    if order == "series":
        first = [n for n in SERIES_COLUMNS if n in fields]
        rest = [n for n in fields if n not in SERIES_COLUMNS]
        return pa.schema([fields[n] for n in first + rest])
    ids = [n for n in RUN_COLUMNS if n in fields]
    params = [n for n in fields if n.startswith(PARAM_PREFIX)]
    prov = [n for n in PROVENANCE_COLUMNS if n in fields]
    outcomes = [n for n in fields if n not in RUN_COLUMNS and n not in PROVENANCE_COLUMNS and n not in params]
    return pa.schema([fields[n] for n in ids + params + outcomes + prov])


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly ``schema``'s columns (missing ones null) and types; its metadata kept."""
    columns = dict(zip(table.column_names, table.columns, strict=True))  # by-name lookups on a table are slow
    arrays = []
    for f in schema:
        column = columns.get(f.name)
        if column is None:
            arrays.append(pa.nulls(len(table), f.type))
        else:
            arrays.append(column if column.type == f.type else column.cast(f.type))
    return pa.Table.from_arrays(arrays, schema=schema.with_metadata(table.schema.metadata or {}))


def _plain(schema_or_table: Any) -> Any:
    """Without metadata (pandas' and ours): schemas are compared by their columns only."""
    if isinstance(schema_or_table, pa.Table):
        return schema_or_table.replace_schema_metadata(None)
    return schema_or_table.remove_metadata() if schema_or_table is not None else None


def _with_order(table: pa.Table, order: int) -> pa.Table:
    return table.replace_schema_metadata({ORDER_KEY: str(order).encode()})


def _order_of(part: Path, table: pa.Table | None = None) -> int:
    """A part's write time: recorded in it (``table``: the part as read, to spare reading its footer
    again), or, for a part from before that, its file time."""
    metadata = (table.schema if table is not None else pq.read_schema(part)).metadata or {}
    if ORDER_KEY in metadata:
        return int(metadata[ORDER_KEY])
    return part.stat().st_mtime_ns


def _parts(folder: Path) -> list[Path]:
    """The visible parts of a folder, by name (temporary files are hidden and never listed)."""
    return sorted(Path(folder).glob("part-*.parquet"))


def _rewrite(part: Path, schema: pa.Schema | None, drop: set[int] | None = None) -> None:
    """Rewrite a part in place (atomically): in ``schema``, and/or without the rows of run ids in ``drop``;
    a part left with no rows is removed. Its write time is kept, so "latest row wins" is unchanged."""
    table = pq.read_table(part)
    order = _order_of(part)
    if drop:
        keep = [run_id not in drop for run_id in table.column("run_id").to_pylist()]
        table = table.filter(pa.array(keep, type=pa.bool_()))
        if table.num_rows == 0:
            part.unlink()
            return
    if schema is not None:
        table = _conform(table, schema)
    _atomic_parquet(_with_order(table, order), part)


# ------------------------------------------------------------------------------------------ files
def _atomic_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to a hidden temporary file, flush it to disk, and rename it to ``path``."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    try:
        pq.write_table(table, tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)  # a half-written file must not stay (nor hold the space a full disk needs)
        raise


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        _fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
