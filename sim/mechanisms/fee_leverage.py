"""Fee leverage: a public subsidy that levers residents' fees (撬动居民缴费; Yanqing, seed 004/8).

Evidence. Seed 004/8 (Beijing's pilots in old compounds): "延庆区对有些无法正常运转的物业服务企业给予一定补贴,
或先期对小区进行一定硬件投入,撬动居民缴费,重新激活物业服务" — Yanqing district gives property companies that cannot
run normally a subsidy (or invests in the compound's hardware first), to lever residents' payment of fees and
reactivate the property service. The amount and its form are not given.

Form. A matching grant (以奖代补: money in proportion to what the recipient raises itself; the matching grant of
fiscal federalism, Oates 1972, Gramlich 1977), acting through the company's state, not as a bonus:

- on the first day the district picks the market companies that cannot run normally: fee collection rate below
  ``eligible_below`` (fallback companies are subsidised per household already, §7.17);
- at every fee update (``organisations.property.update_interval_days``) a picked company receives
  ``match_ratio`` yuan per yuan of fees collected, for ``duration_days`` (先期, an initial period). Its
  ``financing`` — fees collected plus the match, as a share of full fees — sets its hours (staff × hours ×
  financing) and the quality it moves towards (its standard, raised or lowered with financing around the reference
  collection rate, ``links.fees_to_quality``);
- collection itself still follows owners' satisfaction (L11). So the subsidy is not a fixed amount: it grows with
  what owners pay, and it strengthens L11 (a point of satisfaction finances ``1 + match_ratio`` times what it did)
  rather than adding hours of its own. Whether it "levers" fees depends on whether the better service it buys raises
  owners' satisfaction, which the model leaves to the service chain (§7.4–7.6).

Cost. The subsidy is public money, recorded each day in the ledger (:data:`LEDGER_ITEM`): households × full fee ×
subsidy share, with the full fee ``fee_cny_per_household_month``. Residents' fees to market companies are not in the
ledger (they are the companies' money, with or without the arrangement).

Not represented: the alternative of investing in the compound's hardware first (先期硬件投入); companies choosing to
press for fees; the subsidy's end as a shock to a company that has come to rely on it, beyond its financing falling
back to its fees.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import FeeLeverage as FeeLeverageParams
from cogov.sim.ledger import Ledger
from cogov.sim.organisations.property import PropertyCompanies

LEDGER_ITEM = "fee_leverage_subsidies"
MONTHS_PER_YEAR = 12.0
DAYS_PER_YEAR = 365.0


class FeeLeverage:
    """Which companies the district subsidises, the match they receive, and what it costs a day."""

    def __init__(self, params: FeeLeverageParams, companies: PropertyCompanies,
                 households_by_company: NDArray[np.int64], ledger: Ledger):
        self.companies = companies
        self.households = np.asarray(households_by_company, dtype=float)
        self.ledger = ledger
        self.subsidised = np.zeros(len(companies), dtype=bool)
        """Companies picked on the first day as unable to run normally (collection below ``eligible_below``)."""
        self.start = 0
        """The day before the subsidy's first day: 0, or the day it was switched on mid-run (its period runs from
        there)."""
        self.configure(params)

    def configure(self, params: FeeLeverageParams) -> None:
        """Read this mechanism's parameters (at build, and again when an intervention changes them mid-run). Switching the
        lever on or off mid-run is :meth:`select` or :meth:`stop`."""
        self.params = params
        self.enabled = params.enabled

    def select(self, start: int = 0) -> None:
        """The first day (after the first collection; or, switched on mid-run, the day boundary ``start``): pick the
        market companies that cannot run normally and match their fees from the next day. Nothing happens when the
        lever is off."""
        if not self.enabled:
            return
        self.start = start
        c = self.companies
        self.subsidised = (c.collection_rate < self.params.eligible_below) & ~c.fallback
        c.subsidy_rate = self.match(start) * c.collection_rate

    def stop(self) -> None:
        """The lever switched off mid-run: the subsidy ends at once, and companies' financing falls back to their fees."""
        self.companies.subsidy_rate = np.zeros(len(self.companies))

    def companies_added(self, households_by_company: NDArray[np.int64]) -> None:
        """Companies set up mid-run (the party-led fallback companies): never subsidised (they are paid per
        household)."""
        self.households = np.asarray(households_by_company, dtype=float)
        self.subsidised = np.concatenate((self.subsidised, np.zeros(len(self.households) - len(self.subsidised),
                                                                    dtype=bool)))

    def match(self, day: int) -> NDArray[np.float64]:
        """Yuan of subsidy per yuan of fees collected, per company, on ``day``: ``match_ratio`` for a picked company
        during the period, 0 otherwise (and for every company when the lever is off)."""
        active = self.enabled and day - self.start < self.params.duration_days
        return self.subsidised * (self.params.match_ratio if active else 0.0)

    def step(self, day: int) -> None:
        """Each day: the district pays today's subsidy (public money in the ledger); on the day the period ends it
        stops, and the companies' financing falls back to their fees at once."""
        if not self.enabled:
            return
        c = self.companies
        if day - self.start >= self.params.duration_days:
            c.subsidy_rate = np.zeros(len(c))
        self.ledger.record(LEDGER_ITEM, self.cost_per_day())

    def cost_per_day(self) -> float:
        """CNY the district pays a day: households × full fee a day × each company's subsidy share."""
        fee_per_day = self.params.fee_cny_per_household_month * MONTHS_PER_YEAR / DAYS_PER_YEAR
        return float((self.households * self.companies.subsidy_rate).sum() * fee_per_day)
