"""The street target: sweeps, comparisons and pattern checks over street files (:mod:`cogov.sim.street`).

Parameters are key paths of the street file (``street.appraisal.street_weight``, ``street.funds.allocation``,
``street.whistle.enabled``, ``simulation.days``) and ``scenario``, whose values are street files. A run's outcomes are
the street's (:func:`street_outcomes`): each compared community outcome as its household-weighted street mean under
its own name (``satisfaction_mean``), its gap and spread across communities (``satisfaction_mean_gap``,
``satisfaction_mean_sd``), and what the street level did (``department_hours_sent``…); and each community's own key
outcomes and funds by its position in the street file (``c1_satisfaction_mean``, ``c1_funds_year1``:
:func:`cogov.sim.street.outcomes.community_outcomes`), for the report's section on the communities of a street.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cogov.experiments.targets import SCENARIO_PARAMETER, RunOutput
from cogov.sim.outcomes.registry import STREET_COMPARED as COMPARED
from cogov.sim.outcomes.registry import STREET_SPREADS as SPREADS
from cogov.sim.outcomes.registry import STREET_TOTALS
from cogov.sim.provenance import model_version
from cogov.sim.scenario import ScenarioError
from cogov.sim.street.config import StreetScenario
from cogov.sim.street.load import LoadedStreet, apply_street_overrides, load_street, street_path
from cogov.sim.street.model import StreetModel
from cogov.sim.street.outcomes import community_outcomes

DAYS = "simulation.days"


def street_outcomes(model: StreetModel) -> dict[str, float]:
    """The flat outcomes of a finished street run (see the module docstring).

    The per-community columns were added without a new model version or run key: they are new outputs of the same
    numbers (:mod:`cogov.sim.version`). A folder's runs recorded before them are reused when it is resumed or grown, and
    lack them (null); the report's section on the communities says so (:mod:`cogov.analysis.street_communities`)."""
    summary = model.summary()
    flat: dict[str, float] = {}
    for name in COMPARED:
        spread = summary["inequality"][name]
        flat[name] = spread["mean"]
        flat |= {f"{name}_{kind}": spread[kind] for kind in SPREADS}
    flat |= {name: float(summary["street"][name]) for name in STREET_TOTALS}
    return flat | community_outcomes(model, summary)


def street_parameter_paths(model: type = StreetScenario, prefix: str = "") -> list[str]:
    """Every settable scalar key path of the street format (arrays of tables, such as the communities, are not)."""
    paths: list[str] = []
    for name, field in model.model_fields.items():
        nested = getattr(field.annotation, "model_fields", None)
        if nested is not None:
            paths += street_parameter_paths(field.annotation, f"{prefix}{name}.")
        elif name not in ("communities", "departments"):
            paths.append(f"{prefix}{name}")
    return sorted(paths)


@dataclass(frozen=True)
class StreetTarget:
    """Street files as an experiment target; ``scenario`` chooses among ``alternatives``."""

    base: LoadedStreet
    base_digest: str
    name: str = "street"
    alternatives: tuple[tuple[str, LoadedStreet], ...] = ()

    def parameter_paths(self) -> list[str]:
        """``scenario`` and every scalar key path of the street format."""
        return [SCENARIO_PARAMETER, *street_parameter_paths()]

    def check(self, path: str, value: Any) -> None:
        """Validate by applying the override to the base street."""
        if path == SCENARIO_PARAMETER:
            if value not in dict(self.alternatives):
                raise ScenarioError("value", [f"{path}: unknown scenario {value!r}"])
            return
        apply_street_overrides(self.base, {path: value}, source="value")

    @classmethod
    def of(cls, names: Sequence[str], base_dir: Path, days: int | None, with_alternatives: bool = True) -> StreetTarget:
        """The target over the street files ``names`` (the first is the base); ``with_alternatives``: ``scenario``
        may take each of them."""
        loaded = tuple((name, load_base_street(name, base_dir, days)) for name in names)
        return cls(base=loaded[0][1], base_digest="|".join(f"{n}={s.digest}" for n, s in loaded),
                   alternatives=loaded if with_alternatives else ())

    def with_scenarios(self, names: list[str], base_dir: Path, days: int | None) -> StreetTarget:
        """This target with the street files that ``scenario`` may take, loaded and checked."""
        return StreetTarget.of(names, base_dir, days)

    def configure(self, point: dict[str, Any]) -> LoadedStreet:
        """The base street (or the chosen alternative) with a design point applied."""
        overrides = dict(point)
        base = dict(self.alternatives).get(overrides.pop(SCENARIO_PARAMETER, None), self.base)
        return apply_street_overrides(base, overrides, source="design point")

    def run(self, point: dict[str, Any], seed: int, series_every: int | None) -> RunOutput:
        """Run the configured street to its horizon; with ``series_every``, the street's daily series."""
        model = StreetModel(self.configure(point), rng=seed)
        model.run()
        series = None
        if series_every is not None:
            frame = model.series().reset_index()
            series = frame[frame["day"] % series_every == 0].reset_index(drop=True)
        return RunOutput(street_outcomes(model), series)

    def run_key(self, point: dict[str, Any], seed: int) -> str:
        """SHA-256 of the model version, the configured street's digest and the seed."""
        return self.run_keys(point, [seed])[0]

    def run_keys(self, point: dict[str, Any], seeds: Sequence[int]) -> list[str]:
        """:meth:`run_key` for each seed, configuring the point once."""
        digest = self.configure(point).digest
        return [hashlib.sha256(json.dumps({"model_version": model_version(), "street": digest, "seed": int(s)},
                                          sort_keys=True).encode()).hexdigest() for s in seeds]

    def estimate_seconds(self, batch: int = 1) -> float:
        """Seconds for one run: a 30-day run timed and scaled to the horizon (a street's days cost about alike;
        ``batch`` is ignored: streets run one by one)."""
        street = self.alternatives[0][1] if self.alternatives else self.base
        probe = min(30, street.config.simulation.days)
        started = time.perf_counter()
        StreetModel(street, rng=0, days=probe).run()
        return (time.perf_counter() - started) * street.config.simulation.days / probe


def load_base_street(name: str, base_dir: Path, days: int | None) -> LoadedStreet:
    """A street file by built-in name or path relative to ``base_dir``, with the horizon overridden."""
    candidate = base_dir / name
    loaded = load_street(candidate if candidate.is_file() else street_path(name))
    return apply_street_overrides(loaded, {DAYS: days}) if days is not None else loaded


def street_series_frame(model: StreetModel) -> pd.DataFrame:
    """The street's and every community's daily series side by side (long format, ``community`` = "street" for the
    street's own rows)."""
    street = model.series().reset_index().assign(community="street")
    return pd.concat([street, model.community_series()], ignore_index=True)
