"""Property service companies (物业服务企业; seeds 000, 004/3, 004/8) and their star rating lever.

A company serves one compound. Its state is a row of :class:`PropertyCompanies` (staff, fee
collection, stars, strikes, replacements, whether it has a party organisation); its quality is its
handler's row in the handlers table. What a company does lives here:

- every ``organisations.property.update_interval_days`` it collects fees in proportion to its
  owners' satisfaction (capacity scales with collected fees); its quality moves towards what its fees
  finance — its own standard at the reference collection rate, more above it and less below (L11:
  satisfaction → fees → quality → satisfaction, 撬动居民缴费, seed 004/8); and unless somebody holds it
  to account (star rating, or red property's accountability reviews) its quality drifts down (Sigmund et
  al. 2010): :meth:`PropertyCompanies.update`;
- each day it works ``staff × hours × collection rate`` hours: :meth:`PropertyCompanies.hours_today`;
- under fee leverage (``levers.fee_leverage``, :mod:`cogov.sim.mechanisms.fee_leverage`) public money matched to
  its fees adds to what it collects (its ``financing``), for its hours and its fee-financed quality alike;
- under the star-rating lever (``levers.property_rating``) it receives stars from the community,
  improves when rated below five, and is replaced after repeated strikes:
  :meth:`PropertyCompanies.review`;
- under red property its cross-appointed manager reports to the community's two committees: an
  accountability review, held as often as the company's party organisation is strong, after which it
  improves as a rated company does, without strikes (:meth:`PropertyCompanies.account`).

:class:`PropertyCompany` is the Mesa agent: a thin view on one row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from cogov.sim.config import PropertyCompanyParams, PropertyRating
from cogov.sim.handlers import Handlers
from cogov.sim.households import NEVER, Households
from cogov.sim.organisations.table import RowAgent, Table
from cogov.sim.stacking import joined, parts, spread

FIVE_STARS = 5
INITIAL_STARS = 3


class PropertyCompanies(Table):
    """The property companies table; row ``i`` is company ``i`` (in compound order)."""

    columns = ("community", "compound", "handler", "staff", "has_party_organisation", "stars", "strikes",
               "replacements", "collection_rate", "standard", "last_review", "fallback", "subsidy_rate", "serving")

    def __init__(self, handlers: Handlers):
        self.handlers = handlers
        self.community = np.empty(0, dtype=np.int64)
        self.compound = np.empty(0, dtype=np.int64)
        self.handler = np.empty(0, dtype=np.int64)
        self.staff = np.empty(0)
        self.has_party_organisation = np.empty(0, dtype=bool)
        self.stars = np.empty(0, dtype=np.int64)
        self.strikes = np.empty(0, dtype=np.int64)
        self.replacements = np.empty(0, dtype=np.int64)
        self.collection_rate = np.empty(0)
        self.standard = np.empty(0)  # the quality its fees finance at the reference collection rate
        self.last_review = np.empty(0, dtype=np.int64)  # day it last answered for its service (rating or review)
        self.fallback = np.empty(0, dtype=bool)  # set up by the party organisation where nobody served (托底)
        self.subsidy_rate = np.empty(0)  # public money matched to fees, as a share of full fees (levers.fee_leverage)
        self.serving = np.empty(0, dtype=bool)  # false once withdrawn (a fallback company switched off mid-run)

    def add(self, compound: int, handler: int, staff: float, quality: float, has_party_organisation: bool,
            community: int = 0, fallback: bool = False) -> int:
        """Register a company (at build) and return its row; ``fallback``: the party-led fallback company."""
        row = self._append(community=community, compound=compound, handler=handler, staff=staff,
                           has_party_organisation=has_party_organisation, stars=INITIAL_STARS, strikes=0,
                           replacements=0, collection_rate=1.0, standard=quality, last_review=NEVER, fallback=fallback,
                           subsidy_rate=0.0, serving=True)
        self.set_quality(row, quality)
        return row

    @property
    def quality(self) -> NDArray[np.float64]:
        """Each company's quality: the probability that its finished work fixes the issue (a copy)."""
        return self.handlers.quality[self.handler]

    def set_quality(self, row: int, value: float) -> None:
        """Set one company's quality, kept within [0, 1]."""
        self.handlers.quality[self.handler[row]] = float(np.clip(value, 0.0, 1.0))

    @property
    def financing(self) -> NDArray[np.float64]:
        """What each company has to spend, as a share of its full fees: fees collected plus any public money matched
        to them (levers.fee_leverage); its hours and the quality it can finance follow this."""
        return self.collection_rate + self.subsidy_rate

    def collect_fees(self, households: Households, n_compounds: int, fee_floor: float,
                     rows: NDArray[np.int64] | None = None) -> None:
        """Collect fees in proportion to owners' mean satisfaction in the compound (``rows``: only these companies',
        those set up mid-run)."""
        owners = households.owner
        owner_sat = np.bincount(households.compound[owners], weights=households.satisfaction[owners], minlength=n_compounds)
        count = np.maximum(1, np.bincount(households.compound[owners], minlength=n_compounds))
        rate = fee_floor + (1.0 - fee_floor) * owner_sat[self.compound] / count[self.compound]
        if rows is None:
            self.collection_rate = rate
        else:
            self.collection_rate[rows] = rate[rows]

    def withdraw(self, rows: NDArray[np.int64]) -> None:
        """Companies that stop serving their compounds (the fallback switched off mid-run): no staff, no hours; their
        rows stay, for the record, marked not serving."""
        self.serving[rows] = False
        self.staff[rows] = 0.0

    def update(self, households: Households, n_compounds: int, fee_floor: float, params: PropertyCompanyParams,
               fees_to_quality: float, drift: NDArray[np.float64], match: NDArray[np.float64] | float = 0.0) -> None:
        """Collect fees and the public money ``match``ed to them (per yuan collected; levers.fee_leverage); move
        quality towards what fees and match finance; lower it by ``drift`` (per company: 0 for a company held to
        account)."""
        self.collect_fees(households, n_compounds, fee_floor)
        self.subsidy_rate = match * self.collection_rate  # 0 without fee leverage: financing is the collection rate
        financed = np.clip(self.standard * (1.0 + fees_to_quality * (self.financing - params.reference_collection_rate)),
                           0.0, 1.0)
        quality = self.quality
        quality += params.adjustment_rate * (financed - quality) - drift
        self.handlers.quality[self.handler] = np.clip(quality, 0.0, 1.0)

    def account(self, row: int, score: float, rating: PropertyRating, day: int) -> None:
        """An accountability review (red property): the company hears its residents' judgement and improves as a
        rated company does, without strikes or replacement."""
        stars = int(np.clip(1 + np.floor(score * rating.star_scale), 1, FIVE_STARS))
        self.last_review[row] = day
        if stars < FIVE_STARS:
            quality = self.handlers.quality[self.handler[row]]
            self.set_quality(row, quality + rating.improvement_per_review * (FIVE_STARS - stars) / 4)

    def hours_today(self, work_hours_per_day: float) -> NDArray[np.float64]:
        """Hours each company works on residents' issues today: staff × hours × financing (fees collected, plus any
        public money matched to them)."""
        return company_hours_batch([self], [work_hours_per_day])[0]

    def review(self, row: int, score: float, rating: PropertyRating, rng: np.random.Generator,
               quality_range: tuple[float, float], day: int) -> None:
        """Give company ``row`` its stars for residents' mean satisfaction ``score``; it improves when rated
        below five stars, and is replaced by a new company after ``strikes_to_replace`` consecutive strikes."""
        self.stars[row] = int(np.clip(1 + np.floor(score * rating.star_scale), 1, FIVE_STARS))
        self.strikes[row] = self.strikes[row] + 1 if self.stars[row] <= rating.replace_below_stars else 0
        self.last_review[row] = day
        quality = self.handlers.quality[self.handler[row]]
        if self.strikes[row] >= rating.strikes_to_replace:
            low, high = quality_range
            self.set_quality(row, rng.uniform(low, high))
            self.standard[row] = self.handlers.quality[self.handler[row]]  # a new company, with its own standard
            self.stars[row], self.strikes[row] = INITIAL_STARS, 0
            self.replacements[row] += 1
        elif self.stars[row] < FIVE_STARS:
            self.set_quality(row, quality + rating.improvement_per_review * (FIVE_STARS - self.stars[row]) / 4)


class PropertyCompany(RowAgent):
    """A property service company (物业服务企业) serving one compound: a view on its row of the table."""

    table: PropertyCompanies

    @property
    def compound(self) -> int:
        """The compound it serves."""
        return int(self.table.compound[self.row])

    @property
    def handler(self) -> int:
        """Its handler id (its queue of issues)."""
        return int(self.table.handler[self.row])

    @property
    def staff(self) -> float:
        """Staff working on residents' issues."""
        return float(self.table.staff[self.row])

    @property
    def quality(self) -> float:
        """Probability that its finished work fixes the issue."""
        return float(self.table.handlers.quality[self.handler])

    @property
    def has_party_organisation(self) -> bool:
        """Whether it has a party organisation of its own."""
        return bool(self.table.has_party_organisation[self.row])

    @property
    def collection_rate(self) -> float:
        """Share of fees collected (follows owners' satisfaction)."""
        return float(self.table.collection_rate[self.row])

    @property
    def stars(self) -> int:
        """Stars at its last rating (3 before any)."""
        return int(self.table.stars[self.row])

    @property
    def strikes(self) -> int:
        """Consecutive ratings at or below the strike threshold."""
        return int(self.table.strikes[self.row])

    @property
    def replacements(self) -> int:
        """How often the company of this compound has been replaced."""
        return int(self.table.replacements[self.row])

    def hours_today(self) -> float:
        """Hours it works on residents' issues today."""
        return float(self.model.handlers.capacity[self.handler])


def company_hours_batch(tables: Sequence[PropertyCompanies], work_hours_per_day: Sequence[float]
                        ) -> list[NDArray[np.float64]]:
    """:meth:`PropertyCompanies.hours_today` of every community of a batch, in one pass over the companies joined."""
    counts = [len(table) for table in tables]
    position = None if len(tables) == 1 else np.repeat(np.arange(len(tables)), counts)
    hours = joined([t.staff for t in tables]) * spread(work_hours_per_day, position) * joined([t.financing for t in tables])
    return parts(hours, counts)
