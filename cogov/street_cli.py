"""``cogov run`` on a street file: run the street, print its communities side by side and its inequality, write its
outputs (summary.json, the street's series.csv, every community's communities_series.csv and communities.csv)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from cogov.analysis.wording import format_value
from cogov.sim.outcomes.registry import STREET_COMPARED, outcome
from cogov.sim.scenario import printable
from cogov.sim.street.config import StreetScenario
from cogov.sim.street.model import StreetModel

SHOWN = ("satisfaction_mean", "resolution_rate", "on_time_share", "mean_days_to_resolve", "backlog",
         "cost_per_resolved")
"""Community outcomes shown side by side on the terminal (every one is in summary.json and communities.csv)."""


def street_json_schema() -> dict[str, Any]:
    """JSON Schema of street files, for editors (``cogov schema --street``)."""
    schema = StreetScenario.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cogov street"
    return schema


def street_record(model: StreetModel) -> dict[str, Any]:
    """The street's summary with its provenance first (what ``--json`` prints and summary.json holds)."""
    summary = model.summary()
    return {"provenance": summary.pop("provenance")} | summary


def communities_frame(record: dict[str, Any]) -> pd.DataFrame:
    """One row per community: its final metrics and the generated community's size."""
    rows = []
    for name, community in record["communities"].items():
        described = community["community"]
        rows.append({"community": name, "households": described["households"], "grids": described["grids"],
                     **{k: v for k, v in community["metrics"].items() if k != "day"}})
    return pd.DataFrame(rows)


def write_street_outputs(folder: Path, model: StreetModel, record: dict[str, Any],
                         finite: Callable[[Any], Any]) -> list[Path]:
    """Write the street's outputs into ``folder``; every table carries the run's provenance columns."""
    folder.mkdir(parents=True, exist_ok=True)
    prov = record["provenance"]
    stamp = {k: prov[k] for k in ("scenario_name", "scenario_digest", "seed", "model_version", "cogov_version")}
    paths = [folder / "summary.json", folder / "series.csv", folder / "communities_series.csv",
             folder / "communities.csv"]
    paths[0].write_text(json.dumps(finite(record), indent=2) + "\n", encoding="utf-8")
    model.series().assign(**stamp).to_csv(paths[1])
    model.community_series().assign(**stamp).to_csv(paths[2], index=False)
    communities_frame(record).assign(**stamp).to_csv(paths[3], index=False)
    return paths


def print_street(console: Console, record: dict[str, Any], written: list[Path]) -> None:
    """The communities side by side, then the street's mean, gap and spread of each compared outcome."""
    prov = record["provenance"]
    street = record["street"]
    table = Table(title=f"cogov street — {printable(prov['scenario_name'])}, seed {prov['seed']}, {prov['days']} days, "
                  f"{street['communities']} communities", title_justify="left")
    table.add_column("community")
    table.add_column("households", justify="right")
    for name in SHOWN:
        table.add_column(outcome(name).axis_label("en"), justify="right")
    for name, community in record["communities"].items():
        metrics = community["metrics"]
        table.add_row(printable(name), f"{community['community']['households']:,}",
                      *[format_value(k, float(metrics[k]), "en", single_run=True, unit=False) for k in SHOWN])
    console.print(table)
    spread = Table(title="across communities (street mean weighted by households)", title_justify="left")
    for column in ("outcome", "street mean", "lowest", "highest", "gap"):
        spread.add_column(column, justify="left" if column == "outcome" else "right")
    for name in STREET_COMPARED:
        values = record["inequality"][name]
        spread.add_row(outcome(name).axis_label("en"),
                       *[format_value(name, float(values[k]), "en", single_run=True, unit=False)
                         for k in ("mean", "min", "max", "gap")])
    console.print(spread)
    console.print(f"departments sent {street['department_hours_sent']:,.0f} h to street-level matters "
                  f"({street['department_street_share']:.1%} of their hours owed to the street)"
                  + (f", {street['whistled_hours_sent']:,.0f} h of them to whistled matters"
                     if street['whistled_hours_sent'] else "")
                  + (f"; sunk posts sent {street['sunk_hours_sent']:,.0f} h" if street['sunk_hours_sent'] else "")
                  + f"; funds: {street['funds_allocation']}", markup=False)
    if written:
        console.print("wrote " + ", ".join(printable(p) for p in written), markup=False)
