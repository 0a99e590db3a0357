"""Results on disk: a folder of Parquet parts written atomically as runs finish.

Layout of a results folder::

    experiment.json        what produced it: the experiment, its digest, the model version, versions, git commit
    design.parquet         the design points
    runs/part-*.parquet    one row per run (parameters, seed, run key, status, error, outcomes, provenance)
    series/part-*.parquet  daily series in long format (``run_id``, ``day``, metrics), if kept
    .cogov-lock            the writer's lock (:mod:`cogov.experiments.lock`)

A folder holds the runs of one experiment made by one model version: :meth:`ResultStore.open` refuses
another experiment or another model version (their runs would not be comparable). Each run row
carries its run key (:func:`cogov.sim.provenance.run_key`), by which a resumed sweep knows which
runs it may keep. One process writes a folder at a time (the runner holds its lock).

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
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cogov.experiments.design import DesignTable
from cogov.experiments.lock import ResultsFolderError
from cogov.experiments.spec import Experiment
from cogov.sim.provenance import git_commit, model_version, package_version
from cogov.sim.scenario import ScenarioError

RUNS = "runs"
SERIES = "series"
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
                lines.append(f"{section}.{key}: {_short(a.get(key))} -> {_short(b.get(key))}")
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


def _scenario_digests(base_digest: str) -> dict[str, str]:
    """``name -> digest`` of the scenarios a target's base digest lists (``base|name=digest|...``)."""
    return dict(part.split("=", 1) for part in str(base_digest).split("|") if "=" in part)


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

    def open(self, experiment: Experiment, design: DesignTable) -> dict[str, Any]:
        """Create the folder (or check that it holds this same experiment) and return its manifest.

        An existing folder is tidied first: leftovers of an interrupted write are removed and its parts
        brought to one schema, one row per run.
        """
        manifest_path = self.directory / MANIFEST
        with writing(self.directory):
            if manifest_path.exists():
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                recorded_version = manifest.get("model_version")
                if recorded_version is not None and recorded_version != model_version():
                    raise ScenarioError(str(self.directory), [(
                        f"this results folder holds runs of model version {recorded_version}, and this code is "
                        f"model version {model_version()}: their numbers are not comparable; choose another --out "
                        "(or delete the folder to start again)")])
                if manifest.get("experiment_digest") != experiment.digest:
                    differs = "; ".join(what_differs(manifest, experiment)) or "its digest"
                    raise ScenarioError(str(self.directory), [(
                        f"this results folder holds a different experiment ({differs}); choose another --out, or "
                        "delete the folder to start again")])
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
            manifest = {
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
            design_frame = pd.DataFrame(design.points)
            design_frame.insert(0, "point_id", range(len(design_frame)))
            _atomic_parquet(pa.Table.from_pandas(design_frame, preserve_index=False), self.directory / DESIGN)
            _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
            self._writer()
            return manifest

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
        for pattern in (f"{RUNS}/.part-*.tmp", f"{SERIES}/.part-*.tmp", f".{DESIGN}.*.tmp", f".{MANIFEST}.tmp"):
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
    return {PARAM_PREFIX + f.name: f.type for f in schema if f.name != "point_id" and not pa.types.is_null(f.type)}


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
