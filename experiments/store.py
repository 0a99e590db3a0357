"""Results on disk: a folder of Parquet parts written atomically as runs finish.

Layout of a results folder::

    experiment.json        what produced it: the experiment, its digest, versions, git commit
    design.parquet         the design points
    runs/part-*.parquet    one row per run (parameters, seed, status, error, outcomes, provenance)
    series/part-*.parquet  daily series in long format, if kept

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
from cogov.sim.provenance import git_commit, package_version
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
            if manifest.get("experiment_digest") != experiment.digest:
                raise ScenarioError(str(self.directory), [(
                    "this results folder holds a different experiment (its parameters, design, seeds or base "
                    "scenario differ); choose another --out, or delete the folder to start again")])
            current = experiment.spec.model_dump(mode="json")
            if manifest.get("experiment") != current:  # e.g. more replicates: record what the folder now holds
                manifest["experiment"] = current
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
            "cogov_version": package_version("cogov"),
            "mesa_version": package_version("mesa"),
            "git_commit": git_commit(),
        }
        design_frame = pd.DataFrame(design.points)
        design_frame.insert(0, "point_id", range(len(design_frame)))
        _atomic_parquet(design_frame, self.directory / "design.parquet")
        _atomic_text(json.dumps(manifest, indent=2) + "\n", manifest_path)
        return manifest

    def recorded(self, include_failed: bool = True) -> set[int]:
        """Run ids already written (successes, and failures unless ``include_failed`` is False)."""
        frame = self.read_runs(columns=["run_id", "status"])
        if frame.empty:
            return set()
        if not include_failed:
            frame = frame[frame["status"] == "ok"]
        return {int(r) for r in frame["run_id"]}

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
        frame = pq.read_table(part, columns=columns).to_pandas()
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
