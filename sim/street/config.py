"""The street scenario format: a ``[street]`` table of communities, departments, funds and street levers.

A street file (TOML) lists the communities of one street (街道), each a community scenario (built-in name or
file, relative to the street file) with optional key-path overrides, and says how the street office and the
district departments work for them. It is validated against :class:`StreetScenario` like a community file:
unknown keys, wrong types and values out of range are reported with their key paths; nothing in it runs.

Sources: seed 001 (Yuexiu: the street's weight in department appraisal raised from 3 % to 25 %, 一事一考, 275 posts
sunk to streets), seed 003 (Zongyang: only 12 of 24 communities get the county subsidy; running funds by household
thresholds), seeds 004/1, 004/4, 004/8 (街乡吹哨、部门报到 with 12345 calls as the whistle's source, 哨源).
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from cogov.sim.config import CATEGORIES, Meta, NonNeg, Prob, ScheduledIntervention, Section

STREET_LIVE: tuple[str, ...] = ("street.whistle", "street.appraisal", "street.sunk_staff", "street.departments")
"""The street's own tables that may change during a run (``[[interventions]]`` of a street file,
:meth:`~cogov.sim.street.model.StreetModel.intervene`): the whistle, the appraisal weight, the sunk posts and the
departments. The funds are a year's budget, set before the first day (and under ``performance`` at each year's end by
the appraisal): changing their total or rule is a new run, as is changing what the street is built of (which
communities, whether they share a street level, the horizon, the name)."""


def is_street_live(key: str) -> bool:
    """Whether key path ``key`` lies in one of the street's live tables (:data:`STREET_LIVE`)."""
    return any(key == table or key.startswith(table + ".") for table in STREET_LIVE)

AllocationRule = Literal["own", "equal", "households", "need", "performance", "listed", "tiers"]
"""How the street shares its funds among its communities (see :class:`StreetFunds`)."""

Category = Literal["property_maintenance", "environment", "parking", "care", "dispute", "safety"]
assert tuple(Category.__args__) == CATEGORIES  # the literal and the model's categories stay one list


class CommunityEntry(Section):
    """One community of the street, or ``count`` alike communities (each its own households and random streams)."""

    scenario: str = Field("default", min_length=1, max_length=400,
                          description="A built-in community scenario name or a path relative to the street file.")
    name: str = Field("", max_length=120, description="Name shown in outputs (default: the scenario's name, numbered "
                      "when count > 1).")
    count: int = Field(1, ge=1, le=100, description="How many communities like this one the street has.")
    funds_share: NonNeg = Field(
        1.0, description="Weight of this community under the 'listed' allocation rule, multiplier of its sum under "
        "'tiers' (0: it gets nothing, as 12 of Zongyang's 24 communities got no county subsidy, seed 003).",
    )
    set: dict[str, float | int | bool | str] = Field(
        default_factory=dict, description="Key-path overrides of the community scenario, e.g. "
        "{ \"community.households\" = 1200 }; validated like the scenario file itself.",
    )


class Department(Section):
    """A district functional department (公安, 城管, 住建, 民政…) answering for some categories of matters."""

    name: str = Field(min_length=1, max_length=60, description="Name shown in outputs.")
    hours_per_day: Annotated[float, Field(ge=0, le=100_000)] = Field(
        description="Staff hours a day the department has for the street's area, line work included. Assumption.",
    )
    categories: tuple[Category, ...] = Field(
        min_length=1, description="Categories of matters it answers for once they reach the street level.",
    )


def _default_departments() -> tuple[Department, ...]:
    # Assumption: four departments whose street-facing hours at the default appraisal weight (3 %, statutory share
    # 0.2: street share 0.224) give about the 6 h a day per community of the one-community model for a street of
    # five default communities (5 x 6 = 30 h; 134 h x 0.224 = 30 h).
    return (
        Department(name="housing", hours_per_day=45.0, categories=("property_maintenance",)),
        Department(name="urban_management", hours_per_day=45.0, categories=("environment", "parking")),
        Department(name="civil_affairs", hours_per_day=22.0, categories=("care",)),
        Department(name="public_security", hours_per_day=22.0, categories=("dispute", "safety")),
    )


class Appraisal(Section):
    """The street's weight in the appraisal of department outposts (Yuexiu: 3 % → 25 %, seed 001)."""

    street_weight: Prob = Field(
        0.03, description="Share of a department's performance appraisal set by the street (seed 001: 3 % before, "
        "25 % after the reform).",
    )
    statutory_share: Prob = Field(
        0.2, description="Share of a department's hours owed to the street's matters whatever the appraisal (its "
        "statutory duties in the street's area). Assumption.",
    )

    def street_share(self) -> float:
        """Share of department hours given to the street's matters: the statutory share plus the appraised share of
        the rest (multitask agency, Holmström & Milgrom 1991: effort follows the weight of what is measured)."""
        return self.statutory_share + (1.0 - self.statutory_share) * self.street_weight


class StreetWhistle(Section):
    """街乡吹哨、部门报到 with 12345 calls as the whistle's source (哨源; seeds 004/1, 004/4, 004/8)."""

    enabled: bool = Field(
        False, description="The street blows the whistle on its communities' street-level matters that came through "
        "12345, and departments report: their street hours go first to whistled matters wherever they are, pooled "
        "across the street, instead of staying with each community's routine share.",
    )


class SunkStaff(Section):
    """Posts sunk from the district to the street office (下沉编制; Yuexiu: 275 posts, +21 %, seed 001)."""

    posts: int = Field(0, ge=0, le=10_000, description="Street-office posts sunk from district departments.")
    hours_per_day: Annotated[float, Field(ge=0, le=24)] = Field(
        7.5, description="Working hours per post per day (the community model's work day). Assumption.",
    )
    matters_share: Prob = Field(
        0.25, description="Share of a sunk post's day spent on residents' matters raised to the street; the rest goes "
        "to the street's other duties (seed 001: 99 listed street duties). Assumption.",
    )
    cny_per_year: NonNeg = Field(
        80_000.0, description="Salary per post per year, counted as a public cost (the community model's staff "
        "salary, costs.staff_cny_per_year). Assumption.",
    )

    def hours_on_matters(self) -> float:
        """Hours a day the sunk posts give residents' matters raised to the street."""
        return self.posts * self.hours_per_day * self.matters_share


class StreetFunds(Section):
    """How the street shares its community funds (seed 003: Zongyang's thresholds and its half-funded communities)."""

    allocation: AllocationRule = Field(
        "own", description="own: each community keeps its scenario's levers.funding.annual_cny; equal; households "
        "(in proportion to households); need (households weighted by expected elderly and unkept households); "
        "performance (a base share equally, yearly awards to the best-appraised communities); listed (in proportion "
        "to each community's funds_share); tiers (a fixed sum by the community's households, times its funds_share: "
        "seed 003's rule; annual_cny is then ignored).",
    )
    annual_cny: NonNeg = Field(
        1_000_000.0, description="Funds the street shares each year (ignored under 'own'). Default: five communities "
        "at Beijing's 2018-19 200k each (seed 004/1).",
    )
    need_weight_elderly: NonNeg = Field(
        1.0, description="Under 'need': extra weight of an elderly household. Assumption.",
    )
    need_weight_unkept: NonNeg = Field(
        1.0, description="Under 'need': extra weight of a household in a compound no property company keeps. "
        "Assumption.",
    )
    award_share: Prob = Field(
        0.3, description="Under 'performance': share of the funds paid as yearly awards (以奖代补). Assumption.",
    )
    award_fraction: Annotated[float, Field(gt=0, le=1)] = Field(
        1 / 3, description="Under 'performance': share of communities (best appraised) that receive awards. "
        "Assumption.",
    )
    tiers: tuple[tuple[Annotated[int, Field(ge=0)], NonNeg], ...] = Field(
        ((0, 20_000.0), (2_500, 30_000.0)), min_length=1,
        description="Under 'tiers': [households from, CNY a year] pairs, thresholds rising from 0; a community gets "
        "the sum of the highest threshold its households reach (seed 003: at least 20k a year below 2,500 "
        "households, 30k from 2,500).",
    )

    @model_validator(mode="after")
    def _tiers_rise_from_zero(self) -> Self:
        thresholds = [t for t, _ in self.tiers]
        if thresholds[0] != 0 or any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise ValueError(f"tiers: thresholds must start at 0 and rise (got {thresholds})")
        return self

    def tier_amount(self, households: int) -> float:
        """The sum a community of ``households`` gets under 'tiers'."""
        return next(amount for threshold, amount in reversed(self.tiers) if households >= threshold)


class Street(Section):
    """One street office (街道) over several communities and the district departments working in it."""

    communities: tuple[CommunityEntry, ...] = Field(
        min_length=1, description="The communities, in order (each entry may stand for several alike).",
    )
    departments: tuple[Department, ...] = Field(
        default_factory=_default_departments, description="District departments; every category of matter must "
        "have exactly one.",
    )
    shared: bool = Field(
        True, description="The communities share the street office and the departments. false: a batch of "
        "independent communities, each with its own scenario's street hours (service.street_hours_per_day): "
        "replicates, not a street.",
    )
    appraisal: Appraisal = Field(default_factory=Appraisal, description="Department appraisal by the street.")
    whistle: StreetWhistle = Field(default_factory=StreetWhistle, description="The whistle and departments' report.")
    sunk_staff: SunkStaff = Field(default_factory=SunkStaff, description="Posts sunk to the street office.")
    funds: StreetFunds = Field(default_factory=StreetFunds, description="How the street shares funds.")

    @model_validator(mode="after")
    def _each_category_one_department(self) -> Self:
        owners: dict[str, list[str]] = {c: [] for c in CATEGORIES}
        for department in self.departments:
            for category in department.categories:
                owners[category].append(department.name)
        missing = [c for c, names in owners.items() if not names]
        twice = {c: names for c, names in owners.items() if len(names) > 1}
        names = [d.name for d in self.departments]
        if len(set(names)) != len(names):
            raise ValueError(f"departments: names must differ (got {', '.join(names)})")
        if missing:
            raise ValueError(f"departments: no department answers for {', '.join(missing)} (every category needs one)")
        if twice:
            shown = "; ".join(f"{c}: {', '.join(n)}" for c, n in twice.items())
            raise ValueError(f"departments: a category answered for by more than one department ({shown})")
        if not self.shared and (self.whistle.enabled or self.sunk_staff.posts or self.funds.allocation != "own"):
            raise ValueError("shared = false is a batch of independent communities: it has no whistle, sunk staff or "
                             "fund allocation (set shared = true, or leave those at their defaults)")
        return self


class StreetSimulation(Section):
    """Run length of a street; one step is one day for every community."""

    days: int = Field(365, ge=1, le=3650, description="Horizon in days (overrides each community's).")


class StreetScenario(Section):
    """A street file: what the street is, how long to run it, and the ``[street]`` table."""

    meta: Meta = Field(default_factory=lambda: Meta(name="street"), description="Name and description.")
    simulation: StreetSimulation = Field(default_factory=StreetSimulation, description="Run length.")
    street: Street = Field(description="The communities and the levels above them.")
    interventions: list[ScheduledIntervention] = Field(
        default_factory=list, description="Changes of the street's own live tables during the run ([[interventions]]: "
        "day = N, set = { \"street.whistle.enabled\" = true }), each from the start of its day, in day order (same "
        "day: in file order): the whistle, the appraisal weight, sunk posts and departments. A community's own "
        "changes go in its scenario's [[interventions]].",
    )

    @model_validator(mode="after")
    def _interventions_change_live_tables(self) -> Self:
        for i, entry in enumerate(self.interventions):
            fixed = [key for key in entry.set if not is_street_live(key)]
            if fixed:
                raise ValueError(f"interventions[{i}].set: {', '.join(fixed)}: not a table that changes during a run "
                                 f"(those that do: {', '.join(STREET_LIVE)}; the funds are a year's budget)")
        if self.interventions and not self.street.shared:
            raise ValueError("interventions: a batch of independent communities (shared = false) has no street level "
                             "to change")
        return self

    def community_count(self) -> int:
        """Number of communities the street has (entries with ``count`` > 1 counted in full)."""
        return sum(entry.count for entry in self.street.communities)
