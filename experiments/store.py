"""Results on disk: a folder of Parquet parts written atomically as runs finish.

Layout of a results folder::

    experiment.json        what produced it: the experiment, its digest, the model version, versions, git commit
    design.parquet         the design points
    runs/part-*.parquet    one row per run (parameters, seed, run key, status, error, outcomes, provenance)
    series/part-*.parquet  daily series in long format (``run_id``, ``day``, metrics), if kept

A folder holds the runs of one experiment made by one model version: :meth:`ResultStore.open` refuses
another experiment or another model version (their runs would not be comparable). Each run row
carries its run key (:func:`cogov.sim.provenance.run_key`), by which a resumed sweep knows which
runs it may keep.

Each part is written to a hidden temporary file and renamed into place, so a killed process leaves
either a whole part or none: nothing finished is lost and no file is ever half-written. Readers
ignore hidden files.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cogov.experiments.design import DesignTable
from cogov.experiments.spec import Experiment
from cogov.sim.provenance import git_commit, model_version, package_version
from cogov.sim.scenario import ScenarioError

RUNS = "runs"
SERIES = "series"
MANIFEST = "experiment.json"


class ResultStore:
    """Append-only results folder for one experiment."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def open(self, experiment: Experiment, design: DesignTable) -> dict[str, Any]:
        """Create the folder (or check that it holds this same experiment) and return its manifest."""
        manifest_path = self.directory / MANIFEST
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            recorded_version = manifest.get("model_version")
            if recorded_version is not None and recorded_version != model_version():
                raise ScenarioError(str(self.directory), [(
                    f"this results folder holds runs of model version {recorded_version}, and this code is model "
                    f"version {model_version()}: their numbers are not comparable; choose another --out (or delete "
                    "the folder to start again)")])
            if manifest.get("experiment_digest") != experiment.digest:
                raise ScenarioError(str(self.directory), [(
                    "this results folder holds a different experiment (its parameters, design, seeds or base "
                    "scenario differ); choose another --out, or delete the folder to start again")])
            current = experiment.spec.model_dump(mode="json")
            # More replicates: record what the folder now holds. A folder from before model versions were
            # recorded gets this version: its rows have no run keys, so every run in it is made again.
            if manifest.get("experiment") != current or recorded_version is None:
                manifest["experiment"] = current
                manifest["model_version"] = model_version()
                _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
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
        _atomic_parquet(design_frame, self.directory / "design.parquet")
        _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
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
        """Write one finished chunk of runs (and its series) as new parts."""
        if not rows:
            return
        name = f"part-{int(rows[0]['run_id']):09d}-{uuid.uuid4().hex[:8]}.parquet"
        if series is not None and not series.empty:
            _atomic_parquet(series, self.directory / SERIES / name)
        columns = list(dict.fromkeys(key for row in rows for key in row))  # failed rows lack the outcome columns
        table = pa.Table.from_pydict({key: [row.get(key) for row in rows] for key in columns})
        _atomic_parquet(table, self.directory / RUNS / name)  # no pandas detour: cheaper in the parent

    def read_runs(self, columns: list[str] | None = None) -> pd.DataFrame:
        """All run rows; a run recorded twice (a failure retried) keeps its latest row."""
        return read_parts(self.directory / RUNS, columns)

    def read_series(self) -> pd.DataFrame:
        """All kept series rows."""
        return read_parts(self.directory / SERIES)


def read_parts(folder: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Concatenate the visible Parquet parts of a folder (latest row per run id)."""
    parts = sorted(p for p in Path(folder).glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame(columns=columns or [])
    frames = []
    for part in parts:
        # A column asked for may be absent from an older part (e.g. run_key): read what it has, pad the rest.
        present = None if columns is None else [c for c in columns if c in pq.read_schema(part).names]
        frame = pq.read_table(part, columns=present).to_pandas()
        for column in columns or []:
            if column not in frame.columns:
                frame[column] = None
        frame["_written"] = part.stat().st_mtime_ns  # a retried run's newer row wins
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    if "run_id" in frame.columns and "day" not in frame.columns:
        frame = frame.sort_values("_written", kind="stable").drop_duplicates("run_id", keep="last")
        frame = frame.sort_values("run_id", kind="stable")
    return frame.drop(columns="_written").reset_index(drop=True)


def _atomic_parquet(data: pd.DataFrame | pa.Table, path: Path) -> None:
    table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.tmp")
    pq.write_table(table, tmp)
    _fsync(tmp)
    os.replace(tmp, path)


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
