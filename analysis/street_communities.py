"""A comparison of streets, community by community: how each community of the street fares under each arm, and where
the money went.

A street run records each community's key outcomes and funds by its position in the street file
(``c3_satisfaction_mean``, ``c3_funds_year1``; :func:`cogov.sim.outcomes.registry.community_column`). The arms of a
comparison may be different street files, so a community is matched across arms by its **name** (a community at
position 2 in one file and 4 in another is the same community if it has the same name): each arm's columns are moved to
the positions of the baseline's communities before the arms are compared. A community that not every arm has cannot be
compared across them; it is listed apart (:attr:`StreetCommunities.not_in_every_arm`).

The statistics are the comparison table's (:func:`cogov.analysis.compare.compare_runs`): per community and arm the mean
over replicates with its 95 % t-interval; per community and non-baseline arm the paired difference from the baseline
(paired by replicate: replicate r of every arm ran with the same seed) with its 95 % interval. Which differences are
*distinguishable* follows the comparison table's rule, Holm's adjustment over the family compared for one arm, here
every community's outcomes of :data:`MEASURES` (a street of five communities: 15 tests per arm), so that naming "the
community that gains most" does not pick the luckiest of many noisy differences. The money (:data:`MONEY`: the funds
allotted each year and the public cost) is compared the same way and shown with its intervals, without verdicts: the
funds follow the street's rule, and the cost follows the funds.

Runs recorded before cogov recorded communities one by one lack these columns (their outcomes are the same, their run
keys too, so a resumed comparison reuses them): the section uses the runs that have them and says how many do not, or
is left out with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cogov.analysis.compare import SCENARIO_COLUMN, compare_runs
from cogov.sim.outcomes.registry import FUNDS_YEAR, PER_COMMUNITY, community_column, outcome, parse_community_column

MEASURES: tuple[str, ...] = tuple(name for name in PER_COMMUNITY if name != "cost_total")
"""Residents' outcomes compared community by community, with verdicts (gains, loses, within noise)."""
MONEY: tuple[str, ...] = ("cost_total",)
"""Money outcomes compared community by community without verdicts (with each year's funds, ``funds_year<y>``)."""


@dataclass(frozen=True)
class StreetCommunities:
    """A street comparison's communities one by one.

    Attributes:
        names: the communities every arm has, in the baseline's file's order.
        households: each community's households (from the first arm that has it).
        table: :func:`~cogov.analysis.compare.compare_runs` rows of :data:`MEASURES` with ``community`` (a name of
            ``names``) and ``measure`` (the community outcome, ``satisfaction_mean``); Holm over one arm's rows.
        money: the same for the funds of each year (``funds_year1``…) and :data:`MONEY`.
        runs_without: runs of the compared arms recorded without per-community outcomes (left out).
        runs_total: runs of the compared arms.
        years: the years whose funds the runs recorded (1, 2… : a run records each year it began).
        not_in_every_arm: communities some arms lack (not compared).
    """

    names: list[str]
    households: dict[str, int]
    table: pd.DataFrame
    money: pd.DataFrame
    runs_without: int = 0
    runs_total: int = 0
    years: list[int] = field(default_factory=list)
    not_in_every_arm: list[str] = field(default_factory=list)

    def measures(self) -> list[str]:
        """The measures the table holds, in :data:`MEASURES` order."""
        present = set(self.table["measure"]) if not self.table.empty else set()
        return [m for m in MEASURES if m in present]


def _per_community_columns(columns: Sequence[str]) -> dict[str, tuple[int, str]]:
    """The per-community columns among ``columns`` with their (position, outcome)."""
    parsed = {c: parse_community_column(c) for c in columns}
    return {c: p for c, p in parsed.items() if p is not None}


def community_table(runs: pd.DataFrame, baseline: str, names_by_arm: Mapping[str, Sequence[str]],
                    by: str = SCENARIO_COLUMN,
                    households_by_arm: Mapping[str, Sequence[int]] | None = None) -> StreetCommunities | None:
    """The communities of a street comparison (see the module docstring); None when no run of some arm has
    per-community outcomes.

    ``names_by_arm`` gives, for each compared arm (the ``by`` column's value as text, the baseline first or anywhere),
    its communities' names in its street file's order (position 1 first); ``households_by_arm`` their households.
    Raises :class:`ValueError` naming the arm when an arm of the runs has no names, or names that repeat.
    """
    runs = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    text_by = runs[by].astype(str)
    arms = list(dict.fromkeys(text_by))
    missing = [arm for arm in arms if arm not in names_by_arm]
    if missing:
        raise ValueError(f"no community names for {', '.join(missing)} (give each compared street's communities)")
    for arm in arms:
        if len(set(names_by_arm[arm])) != len(names_by_arm[arm]):
            raise ValueError(f"{arm}: community names repeat ({', '.join(names_by_arm[arm])}); they identify communities")
    columns = _per_community_columns(list(runs.columns))
    has = runs[list(columns)].notna().any(axis=1) if columns else pd.Series(False, index=runs.index)
    if not has.any() or not all(has[text_by == arm].any() for arm in arms):  # an arm without them: nothing to pair
        return None
    ordered = [baseline, *[a for a in arms if a != baseline]]
    everywhere = set.intersection(*(set(names_by_arm[arm]) for arm in arms))
    names = [n for n in names_by_arm[baseline] if n in everywhere]
    not_in_every_arm = [n for n in dict.fromkeys(n for arm in ordered for n in names_by_arm[arm]) if n not in everywhere]
    position = {name: k for k, name in enumerate(names, start=1)}
    frames = []
    for arm in arms:
        rows = runs[(text_by == arm) & has]
        # move this arm's community k to the baseline's position of its name; drop the columns of the others
        moved = {column: community_column(position[names_by_arm[arm][k - 1]], measure)
                 for column, (k, measure) in columns.items()
                 if k <= len(names_by_arm[arm]) and names_by_arm[arm][k - 1] in position}
        frames.append(rows.drop(columns=[c for c in columns if c not in moved]).rename(columns=moved))
    common = pd.concat(frames, ignore_index=True)
    # an outcome undefined in every run of an arm (no issue resolved in a short run) cannot be compared there
    defined = common.groupby(common[by].astype(str)).count()
    present = {c: p for c, p in _per_community_columns(list(common.columns)).items()
               if bool((defined[c] > 0).all()) and len(defined) == len(arms)}
    years = sorted({int(m.removeprefix(FUNDS_YEAR)) for _, m in present.values() if m.startswith(FUNDS_YEAR)})
    money_measures = [f"{FUNDS_YEAR}{y}" for y in years] + list(MONEY)

    def compared(measures: Sequence[str]) -> pd.DataFrame:
        wanted = [community_column(position[n], m) for m in measures for n in names
                  if community_column(position[n], m) in present]
        if not wanted:
            return pd.DataFrame()
        table = compare_runs(common, baseline=baseline, by=by, outcomes=wanted)
        parsed = [present[c] for c in table["outcome"]]
        return table.assign(community=[names[k - 1] for k, _ in parsed], measure=[m for _, m in parsed])

    households: dict[str, int] = {}
    for arm in ordered:
        for name, count in zip(names_by_arm.get(arm, ()), (households_by_arm or {}).get(arm, ()), strict=False):
            households.setdefault(name, int(count))
    return StreetCommunities(names=names, households=households, table=compared(MEASURES),
                             money=compared(money_measures), runs_without=int((~has).sum()), runs_total=len(runs),
                             years=years, not_in_every_arm=not_in_every_arm)


def extremes(rows: pd.DataFrame, measure: str) -> tuple[pd.Series | None, pd.Series | None]:
    """Among one arm's rows of one measure (non-baseline), the distinguishable difference that is the largest gain
    (in the measure's better direction) and the largest loss; None where there is none."""
    better = outcome(measure).better
    distinct = rows[rows["distinguishable"].astype(bool) & np.isfinite(rows["difference"].astype(float))]
    signed = distinct["difference"].astype(float) * better
    gains, losses = distinct[signed > 0], distinct[signed < 0]
    best = gains.loc[gains["difference"].abs().idxmax()] if better and not gains.empty else None
    worst = losses.loc[losses["difference"].abs().idxmax()] if better and not losses.empty else None
    return best, worst
