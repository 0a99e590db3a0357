"""The scenario format: every parameter of the model, its default, its range and its source.

A scenario file (TOML) is validated against :class:`ScenarioConfig`. Each field's
``description`` states what it means and the evidence it rests on: a seed document
(``seed 004/8`` = ``../shared/seeds`` article 8 of document 004, see
``../shared/design/seed-digest.md``), a behavioural source
(``../shared/design/behaviour-building-blocks.md``) or an explicit *assumption*.

The same descriptions feed the exported JSON Schema, so an editor completing a key
shows the evidence too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

COMPOUND_TYPES: tuple[str, ...] = ("commercial", "affordable", "reform", "work_unit", "three_no")
"""Compound (小区) types of seed 004/8 in a fixed order; arrays index them by position."""

CATEGORIES: tuple[str, ...] = (
    "property_maintenance",
    "environment",
    "parking",
    "care",
    "dispute",
    "safety",
)
"""Issue categories in a fixed order; arrays index them by position."""

AGE_GROUPS: tuple[str, ...] = ("young", "middle", "elderly")
MEMBER_TYPES: tuple[str, ...] = ("none", "in_service", "retired", "mobile")
COOPERATOR_TYPES: tuple[str, ...] = ("conditional", "free_rider", "altruist")
SPECIALTIES: tuple[str, ...] = ("care", "dispute", "environment")
CO_BUILDING_KINDS: tuple[str, ...] = ("agency", "school", "hospital", "firm")
"""Kinds of co-building units (共建单位)."""
BRANCH_KINDS: tuple[str, ...] = ("community", "grid", "compound", "company")
"""Kinds of party organisation: the community's, grid branches, compound branches, property companies'."""
"""Social organisations' specialties: issue categories they take from the grid."""

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0, le=1e9)]
"""A non-negative number; the upper bound only keeps arithmetic finite (fields use tighter ones where known)."""
Weight = Annotated[float, Field(ge=0.0, le=1000.0)]
"""A relative weight (normalised with its siblings): bounded so that their sum stays a finite, usable number."""
LogitCost = Annotated[float, Field(ge=0.0, le=20.0)]
"""A cost in a logit choice, on the scale of the other logit weights (at 20 the choice all but never happens)."""
CnyPerHour = Annotated[float, Field(gt=0, le=10_000)]
"""A price of one hour of work (CNY)."""
SUM_TOLERANCE = 1e-6
Concentration = Annotated[float, Field(gt=0.0, le=10_000.0)]
"""Concentration (a + b) of a Beta distribution given by its mean: larger is tighter around the mean."""


class Section(BaseModel):
    """Base of every scenario section: unknown keys are errors, values are checked strictly."""

    # allow_inf_nan=False: inf or nan in any number field is an error (it would surface only at run time,
    # as a NaN probability or a null cost)
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, validate_default=True, allow_inf_nan=False)


class Shares(Section):
    """Base of sections whose values are shares of a whole: they must sum to 1."""

    share_label: ClassVar[str] = "shares"

    @model_validator(mode="after")
    def _sum_to_one(self) -> Self:
        total = sum(float(v) for v in self.model_dump().values())
        if abs(total - 1.0) > SUM_TOLERANCE:
            raise ValueError(f"{self.share_label} must sum to 1 (they sum to {total:.6g})")
        return self


class ByCompoundType(Section):
    """One number per compound type (commercial, affordable, reform, work-unit, three-no)."""

    commercial: Prob
    affordable: Prob
    reform: Prob
    work_unit: Prob
    three_no: Prob

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`COMPOUND_TYPES`."""
        return tuple(getattr(self, t) for t in COMPOUND_TYPES)


class CompoundMix(ByCompoundType, Shares):
    """Shares of compounds by type; they must sum to 1."""

    share_label: ClassVar[str] = "compound type shares"


class RateByCompoundType(Section):
    """A positive multiplier per compound type."""

    commercial: Annotated[float, Field(gt=0, le=10)] = 1.0
    affordable: Annotated[float, Field(gt=0, le=10)] = 1.0
    reform: Annotated[float, Field(gt=0, le=10)] = 1.0
    work_unit: Annotated[float, Field(gt=0, le=10)] = 1.0
    three_no: Annotated[float, Field(gt=0, le=10)] = 1.0

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`COMPOUND_TYPES`."""
        return tuple(getattr(self, t) for t in COMPOUND_TYPES)


def ordered_range(value: tuple[float, float]) -> tuple[float, float]:
    """Check that a ``(low, high)`` pair is in order (used by every range parameter)."""
    low, high = value
    if low > high:
        raise ValueError(f"must be [low, high] with low <= high (got [{low}, {high}])")
    return value


OrderedProbRange = Annotated[tuple[Prob, Prob], AfterValidator(ordered_range)]
PositiveRange = Annotated[tuple[NonNeg, NonNeg], AfterValidator(ordered_range)]
HoursPerWeekRange = Annotated[tuple[Annotated[float, Field(ge=0.0, le=168.0)], Annotated[float, Field(ge=0.0, le=168.0)]],
                              AfterValidator(ordered_range)]
"""A (low, high) range of hours a week: at most the 168 hours a week has."""
CnyPerYearRange = Annotated[tuple[Annotated[float, Field(ge=0.0, le=100_000_000)],
                                  Annotated[float, Field(ge=0.0, le=100_000_000)]], AfterValidator(ordered_range)]
"""A (low, high) range of money a year (CNY), bounded as ``levers.funding.annual_cny``."""


class ByCooperatorType(Section):
    """One number per contribution type (conditional cooperators, free riders, altruists)."""

    conditional: Prob
    free_rider: Prob
    altruist: Prob

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`COOPERATOR_TYPES`."""
        return tuple(getattr(self, t) for t in COOPERATOR_TYPES)


class Meta(Section):
    """What the scenario is, for people reading results."""

    name: str = Field("default", min_length=1, max_length=120, description="Short name shown in outputs.")
    description: str = Field("", max_length=4000, description="What arrangement the scenario represents.")
    description_zh: str = Field("", max_length=4000, description="The same in Chinese (the Chinese report and "
                                "`cogov scenarios --lang zh` use it; the English one where it is empty).")

    def described(self, lang: str) -> str:
        """The description in ``lang`` (``zh``: the Chinese one where given, else the English one)."""
        return (self.description_zh or self.description) if lang == "zh" else self.description


class Simulation(Section):
    """Run length; one step is one day."""

    days: int = Field(365, ge=1, le=3650, description="Horizon in days (one step = one day). Default one year.")


class Community(Section):
    """The physical and organisational make-up of one community (社区)."""

    households: int = Field(
        2000, ge=50, le=200_000,
        description="Resident households. Seed 003: community funding thresholds at 2,500 households; "
        "a typical urban community holds 1,000-3,000 households (assumption).",
    )
    households_per_building: int = Field(
        12, ge=1, le=500,
        description="Households per building entrance (楼栋单元); one grid cell is one building. Assumption.",
    )
    households_per_compound: int = Field(
        250, ge=12, le=20_000, description="Mean households per compound (小区). Assumption.",
    )
    households_per_grid: int = Field(
        300, ge=20, le=20_000,
        description="Households per management grid (网格). Seed 001 (Yuexiu: 1,893 grids); "
        "300 households per grid is the common urban norm (assumption).",
    )
    compound_mix: CompoundMix = Field(
        default_factory=lambda: CompoundMix(
            commercial=0.30, affordable=0.10, reform=0.20, work_unit=0.15, three_no=0.25
        ),
        description="Shares of compounds by type. Seed 004/8 (Beijing): roughly a third each with a "
        "property company, without one, and work-unit compounds.",
    )
    property_management: ByCompoundType = Field(
        default_factory=lambda: ByCompoundType(
            commercial=1.0, affordable=0.8, reform=0.3, work_unit=0.2, three_no=0.0
        ),
        description="Probability that a compound of each type has a property company. Default mix gives "
        "46.7 % overall, Beijing's figure (seed 004/8: 4,772 of 10,213 compounds).",
    )
    owners_committee: ByCompoundType = Field(
        default_factory=lambda: ByCompoundType(
            commercial=0.18, affordable=0.08, reform=0.03, work_unit=0.02, three_no=0.0
        ),
        description="Probability that a compound has an owners' committee. Default gives 7.3 % overall "
        "(Beijing, seed 004/8); Jurong reports 32.8 % (seed 004/3).",
    )
    party_branch: ByCompoundType = Field(
        default_factory=lambda: ByCompoundType(
            commercial=0.8, affordable=0.8, reform=0.8, work_unit=0.95, three_no=0.6
        ),
        description="Probability that a compound has a party branch. Default gives 77.5 %, i.e. Jurong's "
        "22.5 % of compounds without a party organisation (seed 004/3).",
    )
    property_party_organisation: Prob = Field(
        0.305,
        description="Share of property companies with their own party organisation. Beijing 30.5 % "
        "(seed 004/8; pilots 65 %).",
    )
    social_organisations: int = Field(
        6, ge=0, le=100,
        description="Social organisations active in the community. Jurong fewer than 7 (seed 004/3); "
        "target at least 12 urban (seed 004/10).",
    )
    co_building_units: int = Field(
        6, ge=0, le=200,
        description="Co-building units (agencies, schools, firms) near the community. Wuchang street: 44 "
        "units for 58 grids (seed 004/7); assumption of ~6 per community.",
    )
    community_staff: int = Field(
        8, ge=1, le=200,
        description="Community workers (社区工作者) serving residents. Assumption: 8 for 2,000 households (about "
        "5,600 residents). The seeds give no ratio of community workers: seed 001's '14 posts per 10,000 "
        "residents' (每萬人常住人口配備編制14個) counts street-office establishment posts (seed digest).",
    )


class AgeMix(Shares):
    """Shares of households by age group of the reference person; they must sum to 1."""

    share_label: ClassVar[str] = "age group shares"

    young: Prob = 0.30
    middle: Prob = 0.40
    elderly: Prob = 0.30


class MemberTypeMix(Shares):
    """Shares of party members by membership type; they must sum to 1."""

    share_label: ClassVar[str] = "membership type shares"

    in_service: Prob = 0.50
    retired: Prob = 0.40
    mobile: Prob = 0.10


class CooperatorMix(Shares):
    """Shares of contribution types; they must sum to 1 (Fischbacher, Gächter & Fehr 2001)."""

    share_label: ClassVar[str] = "cooperator type shares"

    conditional: Prob = 0.50
    free_rider: Prob = 0.33
    altruist: Prob = 0.17


class VulnerableShare(Section):
    """Share of households of each age group that are vulnerable (elderly living alone or in empty nests, disabled,
    low-income 低保/特困; seeds 000, 004/10)."""

    young: Prob = 0.02
    middle: Prob = 0.04
    elderly: Prob = 0.25

    def as_tuple(self) -> tuple[float, float, float]:
        """The shares in AGE_GROUPS order."""
        return (self.young, self.middle, self.elderly)


class Population(Section):
    """Who lives in the community."""

    age_mix: AgeMix = Field(default_factory=AgeMix, description="Age groups of households. Assumption.")
    owner_share: Prob = Field(0.72, description="Share of owner-occupier households (rest tenants). Assumption.")
    party_member_share: Prob = Field(
        0.07, description="Share of households with a party member registered in the community. Assumption "
        "(about 7 % of the population are party members).",
    )
    party_member_types: MemberTypeMix = Field(
        default_factory=MemberTypeMix,
        description="Membership types. Seed 003 (Zongyang, n=940): 38 % are over 55, so ~40 % retired; "
        "mobile members hard to reach (seed 000).",
    )
    registered_volunteer_share: Prob = Field(
        0.105, description="Share of non-member households with a registered volunteer. Calibrated so that "
        "registered volunteers (these plus party members, one person each) are 6 % of residents at 2.8 persons "
        "per household: seed 004/3, 6 % of the urban population (target 8 %).",
    )
    cooperator_mix: CooperatorMix = Field(
        default_factory=CooperatorMix,
        description="Conditional cooperators, free riders, altruists (Fischbacher et al. 2001).",
    )
    tie_strength_mean: Prob = Field(
        0.35, description="Mean strength of neighbourly ties, 0-1: 'stranger society' (陌生人社会, seeds 000, "
        "004/9) is low. Assumption.",
    )
    tie_strength_concentration: Concentration = Field(
        4.0, description="Concentration of the Beta distribution of tie strength (4: wide spread). Assumption.",
    )
    motivation_mean: ByCooperatorType = Field(
        default_factory=lambda: ByCooperatorType(conditional=0.5, free_rider=0.12, altruist=0.85),
        description="Mean initial intrinsic motivation of each contribution type: free riders low, altruists high, "
        "conditional cooperators between (Fischbacher et al. 2001). Assumption on magnitude.",
    )
    motivation_concentration: Concentration = Field(
        6.0, description="Concentration of the Beta distribution of initial motivation. Assumption.",
    )
    vulnerable_share: VulnerableShare = Field(
        default_factory=VulnerableShare,
        description="Vulnerable households (老弱病残, 空巢, 低保/特困; seeds 000, 004/10) by age group: the elderly most. "
        "Assumption. Drawn from their own random stream, so the rest of the community is the same whatever the "
        "shares; in the model they differ from others only in what proactive care does for them "
        "(levers.proactive_care).",
    )


class CategoryWeights(Section):
    """Relative frequency of each issue category (normalised; need not sum to 1)."""

    property_maintenance: Weight = 0.25
    environment: Weight = 0.20
    parking: Weight = 0.15
    care: Weight = 0.15
    dispute: Weight = 0.10
    safety: Weight = 0.15

    @model_validator(mode="after")
    def _positive(self) -> CategoryWeights:
        if sum(self.as_tuple()) <= 0:
            raise ValueError("at least one category weight must be positive")
        return self

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`CATEGORIES`."""
        return tuple(getattr(self, c) for c in CATEGORIES)


class EffortHours(Section):
    """Median person-hours of work to handle one issue of each category."""

    property_maintenance: Annotated[float, Field(gt=0, le=200)] = 4.0
    environment: Annotated[float, Field(gt=0, le=200)] = 2.0
    parking: Annotated[float, Field(gt=0, le=200)] = 3.0
    care: Annotated[float, Field(gt=0, le=200)] = 5.0
    dispute: Annotated[float, Field(gt=0, le=200)] = 4.0
    safety: Annotated[float, Field(gt=0, le=200)] = 3.0

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`CATEGORIES`."""
        return tuple(getattr(self, c) for c in CATEGORIES)


class Issues(Section):
    """How grievances and needs arise."""

    rate_per_household_year: Annotated[float, Field(ge=0, le=50)] = Field(
        2.2, description="Issues arising per household per year in a commercial compound. Assumption.",
    )
    rate_by_compound_type: RateByCompoundType = Field(
        default_factory=lambda: RateByCompoundType(
            commercial=1.0, affordable=1.1, reform=1.3, work_unit=1.2, three_no=1.6
        ),
        description="Multiplier of the issue rate by compound type: old and no-property compounds have "
        "more problems (seeds 004/3, 004/8). Assumption on magnitude.",
    )
    category_weights: CategoryWeights = Field(
        default_factory=CategoryWeights, description="Mix of categories. Assumption from seed 000's list.",
    )
    effort_hours: EffortHours = Field(default_factory=EffortHours, description="Median work per issue.")
    effort_sigma: Annotated[float, Field(ge=0, le=3)] = Field(
        0.8, description="Log-sd of the lognormal work per issue (right-skewed service times, Brown et al. 2005).",
    )
    collective_share: Prob = Field(
        0.15, description="Share of property, parking and environment issues that are collective and need "
        "owners' and company's agreement (seed 004/3). Assumption.",
    )
    severity_mean: Annotated[float, Field(gt=0, lt=1)] = Field(
        0.45, description="Mean severity (0-1, Beta distributed with concentration severity_concentration). Assumption.",
    )
    severity_concentration: Concentration = Field(
        4.0, description="Concentration of the Beta distribution of severity. Assumption.",
    )
    effort_severity_base: Annotated[float, Field(ge=0, le=10)] = Field(
        0.5, description="Work on an issue is effort_hours × (effort_severity_base + severity) × a lognormal factor: "
        "graver issues take longer. Assumption.",
    )
    time_limit_days: int = Field(
        15, ge=1, le=365,
        description="Time limit for closing an issue (限时办结, seed 001); on_time_share counts closures within it.",
    )


class SatisfactionParams(Section):
    """Expectation-disconfirmation satisfaction (Oliver 1980; Van Ryzin 2004)."""

    intercept: Annotated[float, Field(ge=-1, le=1)] = Field(0.1, description="a in S = a + bP + c(P - E).")
    performance: Annotated[float, Field(ge=0, le=2)] = Field(0.8, description="b: weight of perceived performance.")
    disconfirmation: Annotated[float, Field(ge=0, le=2)] = Field(
        0.1, description="c: disconfirmation weight; contested (Grimmelikhuijsen & Porumbescu 2017), kept small.",
    )
    expectation_rate: Prob = Field(0.1, description="λ in E <- E + λ(P - E).")
    outcome_weight: Prob = Field(
        0.6, description="Weight of the outcome (fixed or not) in perceived performance; the rest is timeliness.",
    )
    timeliness_days: Annotated[float, Field(gt=0, le=365)] = Field(
        14.0, description="Days to close at which timeliness falls to 1/e. Assumption.",
    )
    update_rate: Prob = Field(0.3, description="How far one evaluated episode moves overall satisfaction.")
    open_issue_drag: Annotated[float, Field(ge=0, le=0.1)] = Field(
        0.002, description="Daily fall in satisfaction per unit severity of an open issue older than a week.",
    )
    collective_drag_share: Prob = Field(
        0.02, description="Share of that daily fall felt by every household of the compound when the open issue "
        "is collective (a broken lift, parking chaos affect all). Assumption.",
    )
    recovery_rate: Annotated[float, Field(ge=0, le=0.1)] = Field(
        0.003, description="Daily drift of satisfaction towards the level it settles at as memories of episodes fade "
        "(disposition_weight). Assumption.",
    )
    disposition_weight: Prob = Field(
        0.3, description="Weight of the household's own disposition (its initial satisfaction) in the level its "
        "satisfaction settles at as memories fade; the rest is the satisfaction of an episode that would exactly "
        "meet its expectation, a + b·E (expectations carry what experience taught; Oliver 1980). Assumption.",
    )
    word_of_mouth: Prob = Field(
        0.1, description="Effect of a building neighbour's closed issue on a household's satisfaction and trust, as "
        "a share of the effect of its own (word of mouth shapes expectations and judgements, Zeithaml, Berry & "
        "Parasuraman 1993; it is hyperlocal, O'Brien 2018). Assumption.",
    )
    initial_mean: Prob = Field(0.6, description="Mean initial satisfaction (Beta, concentration initial_concentration).")
    initial_concentration: Concentration = Field(
        8.0, description="Concentration of the Beta distribution of initial satisfaction. Assumption.",
    )
    initial_expectation: Prob = Field(0.6, description="Mean initial expectation E.")
    drag_after_days: int = Field(
        7, ge=0, le=365, description="Age in days after which an open issue starts to weigh on satisfaction. Assumption.",
    )


class TrustParams(Section):
    """Trust in the community party organisation: asymmetric smoothing (Kampen et al. 2006; Slovic 1993)."""

    up_rate: Prob = Field(0.05, description="Smoothing rate towards a better-than-trust experience.")
    down_rate: Prob = Field(0.15, description="Smoothing rate towards a worse experience (negativity bias).")
    initial_mean: Prob = Field(0.5, description="Mean initial trust (Beta, concentration initial_concentration).")
    initial_concentration: Concentration = Field(
        8.0, description="Concentration of the Beta distribution of initial trust. Assumption.",
    )

    @model_validator(mode="after")
    def _asymmetry(self) -> TrustParams:
        if self.down_rate < self.up_rate:
            raise ValueError("down_rate must be >= up_rate (negativity asymmetry, Slovic 1993)")
        return self


class TimeCost(Section):
    """Logit time-cost of one volunteering session by membership type (seeds 001, 003)."""

    none: LogitCost = 1.0
    in_service: LogitCost = 1.5
    retired: LogitCost = 0.2
    mobile: LogitCost = 2.5

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`MEMBER_TYPES`."""
        return tuple(getattr(self, m) for m in MEMBER_TYPES)


class ParticipationParams(Section):
    """Logit choices to volunteer and to report (discrete choice; Ariely et al. 2009 on visibility)."""

    volunteer_intercept: Annotated[float, Field(ge=-20, le=5)] = Field(
        -4.3, description="Logit intercept of the daily choice to volunteer (a session every ~30-80 days).",
    )
    volunteer_motivation: Annotated[float, Field(ge=0, le=20)] = Field(2.5, description="Weight of intrinsic motivation.")
    volunteer_reward: Annotated[float, Field(ge=0, le=20)] = Field(
        1.5, description="Weight of reward salience (points value per hour relative to reward_reference_cny).",
    )
    volunteer_image: Annotated[float, Field(ge=0, le=20)] = Field(
        0.5, description="Weight of visibility: public ranking of points (Ariely, Bracha & Meier 2009).",
    )
    volunteer_social: Annotated[float, Field(ge=0, le=20)] = Field(
        1.5, description="Weight of the share of building neighbours who volunteered in the last 30 days.",
    )
    volunteer_employer_feedback: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="Weight, for in-service members, of community records fed back to the employer (seed 003).",
    )
    volunteer_min_hours: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="Weight, for party members behind their minimum hours, of the minimum-hours duty (seeds 001, 003).",
    )
    time_cost: TimeCost = Field(default_factory=TimeCost, description="Time cost by membership type.")
    volunteer_age_cost: Annotated[tuple[Annotated[float, Field(ge=0, le=20)], Annotated[float, Field(ge=0, le=20)],
                                        Annotated[float, Field(ge=0, le=20)]], Field()] = Field(
        (0.6, 0.3, 0.0), description="Logit cost of volunteering for young, middle-aged and elderly households: the "
        "elderly take part, the young rarely (seeds 001 '老人參加,年輕群體參與度不高', 004/3). Assumption on magnitude.",
    )
    session_hours: Annotated[float, Field(gt=0, le=24)] = Field(2.0, description="Hours of one volunteering session.")
    report_intercept: Annotated[float, Field(ge=-20, le=5)] = Field(
        -4.5, description="Logit intercept of the daily choice to report an open issue.",
    )
    report_trust: Annotated[float, Field(ge=0, le=20)] = Field(2.0, description="Weight of trust: people report when it helps.")
    report_severity: Annotated[float, Field(ge=0, le=20)] = Field(2.5, description="Weight of severity.")
    report_ties: Annotated[float, Field(ge=0, le=20)] = Field(1.0, description="Weight of neighbourly ties.")
    report_hotline: Annotated[float, Field(ge=0, le=20)] = Field(0.7, description="Added ease of reporting when the 12345 hotline runs.")
    report_age_cost: tuple[LogitCost, LogitCost, LogitCost] = Field(
        (0.6, 0.3, 0.4), description="Cost of reporting for young, middle, elderly households "
        "(reporting lower in disadvantaged groups; Kontokosta & Hong 2021).",
    )


class MotivationParams(Section):
    """Intrinsic motivation dynamics: crowding out and in (Deci et al. 1999; Frey & Goette 1999)."""

    learning_rate: Prob = Field(0.05, description="Step of motivation change per volunteering session.")
    crowding_out: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5, description="Strength with which tangible contingent rewards lower intrinsic motivation. Contested: "
        "tune in sensitivity analysis (Lacetera et al. 2013 found none).",
    )
    feedback_boost: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5, description="Strength with which positive feedback (ranking, employer feedback) raises it.",
    )
    unmonitored_decay: Annotated[float, Field(ge=0, le=0.1)] = Field(
        0.001, description="Daily fall of party members' motivation without monitoring or feedback: 'report but "
        "don't serve' (seeds 001, 003; Fischbacher & Gächter 2010 on decline without sanctions).",
    )
    conformity: Prob = Field(
        0.02, description="Daily pull of conditional cooperators' motivation towards their building's "
        "volunteering share (Fischbacher et al. 2001).",
    )
    reciprocity_share: Annotated[float, Field(gt=0, le=1)] = Field(
        0.1, description="Share of building neighbours volunteering at which a conditional cooperator's "
        "motivation target is full. Assumption.",
    )
    influence_window_days: int = Field(
        30, ge=1, le=365, description="A neighbour counts as volunteering (social influence) if they served in this "
        "many past days. Assumption.",
    )
    reward_reference_cny: CnyPerHour = Field(
        20.0, description="Reward per hour (CNY) at which reward salience is one half. Assumption.",
    )


class GrievanceParams(Section):
    """Residents' grievance while they wait: complaining upwards (12345) past Epstein's threshold
    (Epstein 2002), or giving up (abandonment)."""

    grievance_threshold: Prob = Field(0.25, description="Threshold on grievance − risk aversion × cost.")
    risk_aversion: Annotated[float, Field(ge=0, le=5)] = Field(0.3, description="Weight of the cost of complaining.")
    complaint_cost: Prob = Field(0.2, description="Perceived cost of calling the hotline. Assumption.")
    hardship_days: Annotated[float, Field(gt=0, le=365)] = Field(
        21.0, description="Waiting days at which hardship reaches 63 % of severity.",
    )
    patience_days: Annotated[float, Field(gt=0, le=3650)] = Field(
        60.0, description="Mean patience of a resident waiting for a found issue: each day it is abandoned "
        "(closed unresolved) with probability 1/patience (queues with abandonment, Erlang A; Brown et al. 2005).",
    )


class BargainingParams(Section):
    """Owners and company bargaining over collective issues: bounded-confidence opinion dynamics (Deffuant et al. 2000)."""

    confidence: Prob = Field(0.25, description="ε: parties whose positions differ by less move towards each other.")
    convergence: Annotated[float, Field(ge=0, le=0.5)] = Field(0.3, description="μ: how far each moves at a meeting.")
    agreement_gap: Prob = Field(0.08, description="Gap below which the parties agree.")
    souring: Prob = Field(0.03, description="Widening of the gap at a meeting that fails (parties harden).")
    initial_gap_mean: Prob = Field(0.45, description="Mean initial gap between owners and company. Assumption.")
    initial_gap_concentration: Concentration = Field(
        4.0, description="Concentration of the Beta distribution of initial gaps. Assumption.",
    )
    information_share: Prob = Field(
        0.4, description="Share of an owners'-company disagreement that comes from what one side does not know of the "
        "other's costs and constraints (information asymmetry, seed 004/1 '信息不对称…道德风险'), which a broker "
        "trusted by both can clear. Assumption.",
    )
    stalemate_days: int = Field(
        60, ge=1, le=3650, description="Days without agreement after which a collective issue counts as a stalemate.",
    )
    committee_meeting_days: int = Field(
        30, ge=1, le=365, description="Interval of owners' committee-company talks where an owners' committee of "
        "reference activeness exists; a committee of activeness a meets every committee_meeting_days × "
        "reference_activeness / a days.",
    )
    reference_activeness: Annotated[float, Field(gt=0, le=1)] = Field(
        0.5, description="Activeness of an owners' committee that meets every committee_meeting_days. Assumption.",
    )
    assembly_meeting_days: int = Field(
        90, ge=1, le=365, description="Interval of ad-hoc owners' meetings where no owners' committee exists.",
    )


class ServiceParams(Section):
    """Capacities and quality of the handlers (queues with finite servers; Brown et al. 2005)."""

    work_hours_per_day: Annotated[float, Field(gt=0, le=24)] = Field(8.0, description="Working hours of one staff member.")
    grid_worker_quality: Prob = Field(0.85, description="Probability a grid-handled issue is actually fixed.")
    community_quality: Prob = Field(0.85, description="Probability a community-handled issue is fixed.")
    unkept_recurrence: Prob = Field(
        0.3, description="Probability that a fixed property matter (repairs, environment, parking) of a compound nobody "
        "keeps (no company, self-management committee, fallback company or work unit) comes back: nobody is on site to "
        "keep it fixed (三无小区, seeds 004/3, 004/8). 0 switches the mechanism off. Assumption: the share of such fixes "
        "model version 2's multiplier (no_property_quality_factor 0.7) made fail, so that as many fixes fail as before; "
        "their effect differs (a recurrence is judged later, with the wait since the matter was first found, and is "
        "a new issue to fix).",
    )
    unkept_recurrence_days: Annotated[float, Field(ge=1, le=3650)] = Field(
        30.0, description="Mean days until a fixed matter of a compound nobody keeps comes back (geometric). "
        "Assumption: a month.",
    )
    street_quality: Prob = Field(0.9, description="Probability a street/department-handled issue is fixed.")
    street_hours_per_day: Annotated[float, Field(ge=0, le=10_000)] = Field(
        6.0, description="Department hours per day available to this community's escalated matters. Assumption.",
    )
    property_staff_per_100_households: Annotated[float, Field(ge=0, le=50)] = Field(
        0.25, description="Property-company staff hours base: staff per 100 households (work on residents' "
        "issues only). Assumption.",
    )
    property_quality_range: OrderedProbRange = Field(
        (0.6, 0.95), description="Range of property companies' initial quality (uniform).",
    )
    social_org_quality_range: OrderedProbRange = Field(
        (0.6, 0.9), description="Range of social organisations' quality (uniform).",
    )
    social_org_base_hours_per_day: Annotated[float, Field(ge=0, le=1000)] = Field(
        0.5, description="Hours per day each social organisation gives from its own resources (volunteers, "
        "venture philanthropy). Assumption.",
    )
    volunteer_work_efficiency: Prob = Field(
        0.5, description="Share of a volunteer hour that counts as handling work in the grid.",
    )
    patrol_visits_per_hour: Annotated[float, Field(ge=0, le=100)] = Field(
        3.0, description="Households a patroller visits per hour (入户访, seed 004/4). Assumption.",
    )
    patrol_detection: Prob = Field(0.7, description="Probability a visit finds an open issue of the household.")
    steward_detection: Prob = Field(
        0.16, description="Daily probability that a fully motivated building steward (楼栋管家, 党员中心户) notices an "
        "open issue in their building; a steward notices in proportion to their motivation (so one of average "
        "motivation 0.5 notices with 0.08). Assumption.",
    )
    secretary_hours_per_day: Annotated[float, Field(ge=0, le=24)] = Field(
        1.0, description="Hours a grid party-branch secretary gives the grid each day. Assumption.",
    )
    staff_hours_per_meeting: Annotated[float, Field(ge=0, le=100)] = Field(
        2.0, description="Community staff hours each meeting an arrangement convenes takes from the hours they work on "
        "issues: red property's accountability reviews, star-rating reviews, three-party linkage's joint meetings, "
        "council sessions, the big party committee's monthly meeting (sim/mechanisms/meeting_time.py). 0 switches the "
        "mechanism off. Assumption: one community worker for two hours.",
    )
    steward_share: Prob = Field(
        0.5, description="Share of buildings with a party member where one serves as building steward (seed 004/7).",
    )
    rework_probability: Prob = Field(
        0.8, description="Probability that a resident whose issue was closed without being fixed rejects the closure "
        "(群众评单, seed 000; 12345's return visits, 不满意重办, 001) and the issue is redone one level up. Assumption.",
    )
    max_reworks: int = Field(2, ge=0, le=10, description="Times an issue can be redone before it is closed unresolved.")
    fee_collection_floor: Prob = Field(
        0.5, description="Fee collection rate of a property company at zero owner satisfaction (capacity scales "
        "with collected fees). Assumption.",
    )


class CostParams(Section):
    """Unit costs turning money into hours (CNY). All assumptions at 2020 price levels."""

    social_org_cny_per_hour: CnyPerHour = Field(80.0, description="Price of purchased social-work hours.")
    part_time_grid_stipend_cny: Annotated[float, Field(gt=0, le=1_000_000)] = Field(
        6000.0, description="Yearly stipend of one part-time grid worker.",
    )
    part_time_hours_per_day: Annotated[float, Field(gt=0, le=24)] = Field(2.0, description="Hours per day of a part-timer.")
    repair_cny_per_hour: CnyPerHour = Field(120.0, description="Cost of a repair-work hour (materials included).")
    staff_cny_per_hour: CnyPerHour = Field(40.0, description="Cost of a community-worker hour.")
    staff_cny_per_year: Annotated[float, Field(ge=0, le=10_000_000)] = Field(
        70_000.0, description="Salary of one community or full-time grid worker (counted in cost).",
    )
    training_cny_per_session: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        1_000.0, description="Cost of one secretary's training session (venue, trainer, materials). Assumption.",
    )


class FundingSplit(Shares):
    """How the annual funds are spent; shares must sum to 1 (seeds 004/1, 004/3)."""

    share_label: ClassVar[str] = "funding shares"

    social_org: Prob = Field(0.35, description="Government purchase of social-organisation services.")
    grid_staff: Prob = Field(0.25, description="Stipends of part-time grid workers.")
    repairs: Prob = Field(0.25, description="Repairs fund for compounds without a property company.")
    co_building: Prob = Field(0.05, description="Matching money for joint projects with co-building units.")
    fee_follows_task: Prob = Field(0.10, description="Money following tasks pushed down (费随事转): buys staff hours.")


class Funding(Section):
    """Funding lever (seed 004/1: Beijing 200k -> 400k CNY per community per year; seed 003: 15-25k)."""

    annual_cny: Annotated[float, Field(ge=0, le=100_000_000)] = Field(
        200_000.0, description="Community service funds per year (Beijing 2018-19: 200k; 2020: 400k, seed 004/1).",
    )
    split: FundingSplit = Field(default_factory=FundingSplit, description="How the funds are spent.")


class CrossAppointment(Section):
    """Cross-appointment (交叉任职, 双向进入; seeds 000, 004/7, 004/8)."""

    party_owners_committee: bool = Field(
        False, description="A party branch secretary chairs or sits on each owners' committee (书记兼任业委会主任, "
        "seeds 000, 004/7): the committee's talks with the company are convened as often as the branch's strength "
        "allows, and the secretary brokers information in them.",
    )
    party_property: bool = Field(
        False, description="'Red property' (红色物业, seeds 000, 004/8): every property company has a party "
        "organisation, and its managers and the community's two committees hold each other's posts: the company's "
        "party organisation brokers information in owners-company talks and the company answers to the community "
        "at regular accountability reviews.",
    )
    big_party_committee: bool = Field(
        False, description="Co-building-unit officials serve as part-time members of the community party "
        "committee (大党委, seeds 002, 004/7): every unit is asked every month and its official holds a post, so "
        "it sends people.",
    )


class ThreePartyLinkage(Section):
    """Three-party linkage (三方联动, seeds 004/3, 004/7): regular joint meetings."""

    enabled: bool = Field(False, description="Residents' committee, owners' committee and company meet regularly.")
    meeting_interval_days: int = Field(
        14, ge=1, le=365, description="Days between joint meetings, where the community party organisation brokers "
        "information between owners and company.",
    )


class DeliberationCouncil(Section):
    """Residents' deliberation councils (议事会, 协商议事; seeds 001, 002, 004/4, 004/7)."""

    enabled: bool = Field(
        False, description="Collective issues go through a residents' council convened by the community: the "
        "resident who raised the issue takes part (participation builds ties and trust, links.participation_to_*), "
        "and the community party organisation brokers information between owners and company.",
    )
    meeting_interval_days: int = Field(
        30, ge=1, le=365, description="Longest interval between talks on a collective issue when a council "
        "deliberates (a council meets at least monthly). Assumption.",
    )


class ListsMatching(Section):
    """Resource / needs / project lists (三单制, seed 002; 资源清单, seeds 000, 004/8)."""

    enabled: bool = Field(False, description="Co-building resources are matched to listed needs.")
    matched_efficiency: Prob = Field(1.0, description="Useful share of co-building hours when matched.")
    unmatched_efficiency: Prob = Field(0.4, description="Useful share when offered without matching. Assumption.")


class VolunteerIncentives(Section):
    """Points systems (积分制) and duties for volunteers and in-service members (seeds 001, 002, 003, 004/2)."""

    points_per_hour: Annotated[float, Field(ge=0, le=1000)] = Field(0.0, description="Points per volunteer hour (0: no points).")
    cny_per_point: Annotated[float, Field(ge=0, le=1000)] = Field(
        1.0, description="Redemption value of one point in CNY (rewards paid from public funds).",
    )
    public_ranking: bool = Field(False, description="Points ranked publicly (Wuchang monthly ranking, seed 004/7).")
    employer_feedback: bool = Field(
        False, description="In-service members' community record is fed back to their employer (seed 003).",
    )
    min_hours_per_year: Annotated[float, Field(ge=0, le=500)] = Field(
        0.0, description="Minimum service hours per party member per year (12 in seed 003; 'five ones', seed 001).",
    )


class GridStaffing(Section):
    """Grid management '1+1+N' (seeds 000, 001, 002)."""

    full_time_workers: int = Field(1, ge=0, le=20, description="Full-time grid workers per grid (the second '1').")
    part_time_workers: int = Field(
        2, ge=0, le=100, description="Unpaid part-timers per grid (the 'N': sunk-down staff, 'five olds'), besides "
        "those paid from the grid-staff fund.",
    )
    unpaid_part_time_hours_per_day: Annotated[float, Field(ge=0, le=24)] = Field(
        0.5, description="Hours per day one unpaid part-timer gives. Assumption.",
    )
    patrol_share: Prob = Field(0.4, description="Share of grid workers' resident time spent patrolling and visiting.")
    grid_first: bool = Field(
        True, description="'Small matters do not leave the grid' (小事不出网格, seed 001/002): non-property issues "
        "go to the grid first; off, they go straight to the community.",
    )


class Hotline(Section):
    """12345 hotline with time limits (接诉即办, seeds 001, 004/4)."""

    enabled: bool = Field(True, description="Residents can call 12345; overdue calls go to departments.")
    share_of_reports: Prob = Field(0.25, description="Share of resident reports made through the hotline.")
    deadline_days: int = Field(7, ge=1, le=365, description="Days for a hotline case before it is escalated to the street.")
    street_mediation: Prob = Field(
        0.6, description="Chance that the street or a department mediates a called-in collective dispute at each of its "
        "meetings (at least every deadline_days): departments can broker between owners and company but cannot decide "
        "for the owners, so a stuck collective issue stays in talks rather than jumping the queue. Assumption.",
    )


class EscalationLadder(Section):
    """Escalation deadlines per level: grid -> community -> street/departments (seeds 001, 002)."""

    grid_days: int = Field(5, ge=1, le=365, description="Days at grid level before escalation to the community.")
    community_days: int = Field(10, ge=1, le=365, description="Days at community level before escalation to the street.")


class Whistle(Section):
    """'The street blows the whistle, departments report' (街乡吹哨、部门报到; seeds 000, 004/4)."""

    enabled: bool = Field(False, description="Departments must respond to the street's call.")
    capacity_multiplier: Annotated[float, Field(ge=1, le=20)] = Field(
        3.0, description="Department hours available when the whistle is in force. Assumption.",
    )


class Burden(Section):
    """Administrative burden pushed onto communities (seeds 002, 003, 004/3, 004/4)."""

    admin_share: Prob = Field(
        0.5, description="Share of community and grid staff time taken by top-down tasks ('a small horse "
        "pulling a big cart', seed 004/3). Assumption on magnitude.",
    )
    access_list: bool = Field(False, description="Access list (准入制度) filters tasks pushed down.")
    access_list_cut: Prob = Field(0.4, description="Share of the burden the access list removes.")


class PropertyRating(Section):
    """Star rating and replacement of property companies (seeds 000, 004/8)."""

    enabled: bool = Field(False, description="The community rates companies and replaces persistent poor performers.")
    review_interval_days: int = Field(90, ge=7, le=365, description="Days between reviews.")
    replace_below_stars: int = Field(2, ge=1, le=5, description="Stars at or below which a company gets a strike.")
    strikes_to_replace: int = Field(2, ge=1, le=10, description="Consecutive strikes after which the company is replaced.")
    improvement_per_review: Prob = Field(
        0.04, description="Quality gain of a company rated below five stars (it responds to public rating).",
    )
    unrated_quality_drift: Annotated[float, Field(ge=0, le=0.01)] = Field(
        0.0002, description="Daily quality loss of an unrated company (no accountability; Sigmund et al. 2010).",
    )
    star_scale: Annotated[float, Field(gt=0, le=100)] = Field(
        5.0, description="Stars given for residents' mean satisfaction s: 1 + ⌊s × star_scale⌋, between 1 and 5. "
        "Assumption.",
    )


class SpecialtyWeights(Shares):
    """Shares of social organisations by main specialty; they must sum to 1."""

    share_label: ClassVar[str] = "specialty shares"

    care: Prob = 0.5
    dispute: Prob = 0.3
    environment: Prob = 0.2

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`SPECIALTIES`."""
        return tuple(getattr(self, s) for s in SPECIALTIES)


class SocialOrganisationParams(Section):
    """What the community's social organisations specialise in (seeds 001, 004/9, 004/10)."""

    specialty_weights: SpecialtyWeights = Field(
        default_factory=SpecialtyWeights, description="Main specialty: mostly elderly and child care, then "
        "mediation, then environment. Assumption.",
    )
    second_specialty_probability: Prob = Field(
        0.3, description="Probability that an organisation has a second specialty (drawn uniformly). Assumption.",
    )


class ByUnitKind(Section):
    """One probability per kind of co-building unit."""

    agency: Prob
    school: Prob
    hospital: Prob
    firm: Prob

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`CO_BUILDING_KINDS`."""
        return tuple(getattr(self, k) for k in CO_BUILDING_KINDS)


class CoBuildingParams(Section):
    """What co-building units (共建单位) can give, and how much they give (seeds 002, 003, 004/2, 004/3)."""

    commitment_mean: Prob = Field(
        0.3, description="Mean commitment, 0-1: the share of what a unit could give that it gives. Low: 'money or "
        "things, not people' (seed 004/3). Assumption.",
    )
    commitment_concentration: Concentration = Field(6.0, description="Concentration of the Beta distribution of commitment.")
    staff_hours_per_week: HoursPerWeekRange = Field(
        (4.0, 16.0), description="Range (uniform) of a unit's staff hours a week it could give. Assumption.",
    )
    money_cny_per_year: CnyPerYearRange = Field(
        (10_000.0, 50_000.0), description="Range (uniform) of the money a year a unit could give (CNY). Assumption.",
    )
    venue_probability: Prob = Field(0.5, description="Probability that a unit has a venue to lend. Assumption.")
    people_share: Prob = Field(
        0.25, description="Share of a unit's contribution given as people rather than money when it is asked without "
        "a post to fill (seed 004/3: 'mostly money or things'; 003: '份外事'). Assumption.",
    )
    official_post_share: Prob = Field(
        0.6, description="Share of its contribution a unit gives as people when its official holds a post on the big "
        "party committee (大干部小职务, seed 004/7). Assumption.",
    )
    listed_need_match: ByUnitKind = Field(
        default_factory=lambda: ByUnitKind(agency=0.5, school=0.8, hospital=0.8, firm=0.2),
        description="Probability that the community's needs list has a post matching a unit of each kind (three lists, "
        "seed 002; a school's teachers for holiday tutoring, 004/2). Assumption.",
    )
    engagement_gain: Prob = Field(
        0.1, description="Share of the way to full commitment a unit moves in a month it is asked (reciprocity; "
        "seeds 002, 004/7). Assumption.",
    )
    neglect_loss: Prob = Field(
        0.05, description="Share of its commitment a unit loses in a month nobody asks it (份外事, seed 003). Assumption.",
    )
    matching_gain_max: Prob = Field(
        0.3, description="Largest gain in commitment that the community's matching money (funding.split.co_building) "
        "can bring. Assumption.",
    )
    matching_half_gain_cny: Annotated[float, Field(gt=0, le=100_000_000)] = Field(
        50_000.0, description="Matching money a year (CNY) that brings half of matching_gain_max. Assumption.",
    )


class OwnersCommitteeParams(Section):
    """Owners' committees (业主委员会, seeds 000, 004/3, 004/8)."""

    activeness_range: OrderedProbRange = Field(
        (0.2, 0.8), description="Range (uniform) of a committee's activeness, 0-1, which sets how often it meets the "
        "company. Assumption.",
    )


class PropertyCompanyParams(Section):
    """Property companies' routine (seeds 000, 004/3, 004/8)."""

    update_interval_days: int = Field(
        7, ge=1, le=365, description="Days between a company's fee collection and quality updates (weekly). Assumption.",
    )
    reference_collection_rate: Prob = Field(
        0.8, description="Fee collection rate at which a company keeps its own service standard (its initial quality); "
        "above it the company can do more, below it less (links.fees_to_quality). Assumption.",
    )
    adjustment_rate: Prob = Field(
        0.02, description="Share of the way to its fee-financed quality a company moves at each update (weekly: about "
        "a year to adjust). Assumption.",
    )
    accountability_interval_days: int = Field(
        90, ge=7, le=365, description="Days between the accountability reviews a red-property company gives the "
        "community (its cross-appointed manager reports to the two committees). Assumption.",
    )


class Organisations(Section):
    """How the organisations of the community are drawn and behave, beyond their numbers (``community``)."""

    social: SocialOrganisationParams = Field(default_factory=SocialOrganisationParams)
    co_building: CoBuildingParams = Field(default_factory=CoBuildingParams)
    owners_committee: OwnersCommitteeParams = Field(default_factory=OwnersCommitteeParams)
    property: PropertyCompanyParams = Field(default_factory=PropertyCompanyParams)


class InitialStrength(Section):
    """Mean initial strength per kind of party organisation (community, grid branch, compound branch, company)."""

    community: Prob = 0.6
    grid: Prob = 0.5
    compound: Prob = 0.5
    company: Prob = 0.4

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`BRANCH_KINDS`."""
        return tuple(getattr(self, k) for k in BRANCH_KINDS)


class Attendance(Section):
    """Probability that a member attends a branch's organisational life, by membership type (seeds 000, 003)."""

    in_service: Prob = 0.5
    retired: Prob = 0.9
    mobile: Prob = 0.15

    def as_tuple(self) -> tuple[float, ...]:
        """Values in the order of :data:`MEMBER_TYPES` (0 for non-members)."""
        return (0.0, self.in_service, self.retired, self.mobile)


class PartyParams(Section):
    """Organisational strength (组织力) of the party organisations and what it takes to keep it.

    Strength is the share of its functions an organisation actually performs: organisational life held,
    members asked and followed up, talks convened, problems visited. It is a stock that grows with results,
    recognition and training and decays with neglect and overload (organisational learning and forgetting,
    Argote & Epple 1990; performance feedback, Cyert & March 1963; seeds 004/1 '软弱涣散', 004/3 '组织力').
    """

    initial_strength: InitialStrength = Field(
        default_factory=InitialStrength,
        description="Mean initial strength of each kind of organisation. Assumption (a middling community).",
    )
    strength_concentration: Concentration = Field(
        10.0, description="Concentration of the Beta distribution of initial strengths. Assumption.",
    )
    growth_rate: Annotated[float, Field(ge=0, le=1)] = Field(
        0.006, description="Daily rate at which results, recognition and training build strength (towards 1). Chosen "
        "with decay_rate so that a branch with middling results and burden keeps its initial strength (about a "
        "year's time scale): an assumed steady state, not a fit to any outcome. The community party organisation, "
        "drawn stronger (0.6) and carrying the community's queue, settles lower (about 0.43 at the defaults; "
        "ODD §7.14).",
    )
    decay_rate: Annotated[float, Field(ge=0, le=1)] = Field(
        0.0027, description="Daily rate at which strength is forgotten without upkeep (about a year's time scale; "
        "knowledge depreciation, Argote & Epple 1990). Assumption.",
    )
    neglect_weight: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="Extra decay, in units of decay_rate, of an organisation that held no organisational life "
        "in its last two intervals (软弱涣散). Assumption.",
    )
    aspiration: Prob = Field(
        0.6, description="Results (residents' mean perceived performance of closed issues) a new organisation starts "
        "from and against which it is recognised. Assumption.",
    )
    results_memory_days: Annotated[float, Field(gt=0, le=3650)] = Field(
        90.0, description="Mean age of the results an organisation's strength responds to (exponential memory). "
        "Assumption.",
    )
    overload_reference_days: Annotated[float, Field(gt=0, le=365)] = Field(
        5.0, description="Days of queued work at which the grid's or community's queue counts as fully overloading "
        "its branch. Assumption.",
    )
    life_interval_days: int = Field(
        30, ge=1, le=365, description="Interval of organisational life (三会一课: a monthly branch meeting).",
    )
    attendance: Attendance = Field(
        default_factory=Attendance, description="Attendance of organisational life by membership type: mobile members "
        "are hard to reach (seed 003 '流動黨員管理難'). Assumption.",
    )
    asks_per_month: Annotated[float, Field(ge=0, le=30)] = Field(
        2.0, description="Times a month a fully strong branch asks each member to serve (党员带群众, 书记带党员, seed "
        "004/4). Assumption.",
    )
    steward_asks_per_month: Annotated[float, Field(ge=0, le=30)] = Field(
        1.0, description="Times a month a fully motivated building steward asks each registered volunteer of the "
        "building to serve. Assumption.",
    )
    visits_per_member_per_month: Annotated[float, Field(ge=0, le=100)] = Field(
        2.0, description="Households a member of a fully strong compound branch visits a month (入户访, 六必访, seeds "
        "004/3, 004/4). Assumption.",
    )
    secretary_turnover_per_year: Prob = Field(
        0.1, description="Yearly probability that a branch's secretary leaves (seed 003: three-year elections). "
        "Assumption.",
    )
    turnover_loss: Prob = Field(
        0.3, description="Share of its strength a branch loses when its secretary leaves. Assumption.",
    )
    training_gain: Prob = Field(
        0.05, description="Share of the way to full strength one training session for its secretary brings (头雁工程, "
        "seed 002; 书记工作室, 004/4). Assumption.",
    )
    recognition_gain: Prob = Field(
        0.1, description="Share of the way to full strength a branch moves when it is rewarded as well-run (奖补, seed "
        "004/3). Assumption.",
    )


class Links(Section):
    """Strength of each feedback link of the co-governance loops (seed-coverage §2.2); 0 switches a link off.

    Each is the coefficient of the link's behavioural form, so that its contribution can be measured by
    turning it off (``cogov validate-model`` does) and its importance screened (``cogov sensitivity``).
    """

    asked_to_volunteer: Annotated[float, Field(ge=0, le=20)] = Field(
        1.4, description="L2: logit weight of being asked by one's branch or steward on the choice to volunteer; being "
        "asked is the strongest predictor of volunteering (odds about 4×: Musick & Wilson 2008; Bekkers 2005).",
    )
    trust_to_volunteer: Annotated[float, Field(ge=0, le=20)] = Field(
        2.0, description="L13: logit weight of trust in the party organisation (above or below 0.5) on the choice to "
        "volunteer (认同 → 参与, seed 004/3). Assumption on magnitude.",
    )
    trust_to_cooperation: Annotated[float, Field(ge=0, le=2)] = Field(
        0.3, description="L14: widening of the owners'-company confidence bound per unit of the compound's mean trust "
        "above 0.5 (党群感情, 协商共识; seeds 004/2, 004/7). Assumption.",
    )
    participation_to_ties: Prob = Field(
        0.03, description="L15: share of the way to full ties a volunteering session or an attended branch meeting "
        "brings (活动聚民, 邻里守望; seeds 003, 004/3, 004/4). Assumption.",
    )
    participation_to_trust: Prob = Field(
        0.02, description="L15: share of the way to full trust a volunteering session or a council meeting brings "
        "(seed 004/2: no participation, no trust). Assumption.",
    )
    results_to_strength: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="L16: weight of results (residents' judgements of closed issues) in the growth of an "
        "organisation's strength (双促共赢, seed 004/3). Assumption.",
    )
    overload_to_strength: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="L20: extra decay of strength, in units of decay_rate, of a fully overloaded organisation "
        "(小马拉大车…力不从心, seed 004/3). Assumption.",
    )
    broker_information: Prob = Field(
        0.5, description="Share of the informational part of an owners'-company disagreement a fully strong party "
        "broker clears at one meeting (information asymmetry, seed 004/1 '信息不对称'). Assumption.",
    )
    fees_to_quality: Annotated[float, Field(ge=0, le=5)] = Field(
        1.0, description="L11: change of a company's fee-financed quality, relative to its standard, per unit of "
        "collection rate above or below the reference (撬动居民缴费, seed 004/8). Assumption.",
    )


class TiesParams(Section):
    """Neighbourly ties: built by taking part, fading back to the stranger society (陌生人社会, seeds 000, 004/9)."""

    decay_rate: Annotated[float, Field(ge=0, le=0.1)] = Field(
        0.002, description="Daily drift of ties back to their initial level without participation. Assumption.",
    )


class PartyBuilding(Section):
    """Party-building levers that act on organisational strength (seeds 002, 004/1, 004/3, 004/4)."""

    training_days_per_year: Annotated[float, Field(ge=0, le=52)] = Field(
        0.0, description="Training sessions a year for every branch secretary (头雁工程, 书记工作室).",
    )
    performance_reward_cny: Annotated[float, Field(ge=0, le=10_000_000)] = Field(
        0.0, description="Yearly reward (party-fee 奖补) to each well-run branch, paid quarterly into the community's "
        "service funds (Jurong: at least 20,000 CNY per well-run compound branch, seed 004/3).",
    )
    reward_threshold: Prob = Field(
        0.7, description="Results (mean perceived performance) at or above which a branch counts as well-run.",
    )


class Mediation(Section):
    """People's mediation (人民调解): the community's mediation committee, in a team per grid of the "five olds"
    (五老: retired cadres, veterans, experts, teachers and model workers) who live there (seeds 004/2, 004/3, 004/4).
    Neighbour disputes go to the team of their grid; mediators notice disputes in their own building; a settled
    dispute is a meeting of the parties (it builds their ties and trust, L15)."""

    enabled: bool = Field(
        False, description="A mediation committee with five-olds teams in the grids takes the neighbour disputes "
        "(人民调解委员会; Jurong: about 4,000 five-olds handled 600+ disputes, seed 004/3).",
    )
    mediators_per_100_households: Annotated[float, Field(ge=0, le=50)] = Field(
        4.2, description="Five-olds mediators per 100 households, chosen among elderly residents (retired party "
        "members first). Jurong: about 4,000 five-olds in 27 communities of about 3,500 households each "
        "(seed 004/3; households per community assumed from its 16,000 volunteers being 6 % of residents).",
    )
    hours_per_mediator_per_week: Annotated[float, Field(ge=0, le=40)] = Field(
        1.0, description="Hours a week each mediator gives to disputes. Assumption.",
    )
    success_probability: Prob = Field(
        0.85, description="Probability that a mediated dispute is settled: by default the grid workers' default quality "
        "(service.grid_worker_quality, 0.85; it does not follow a change of that parameter), so that mediation adds "
        "time, presence and ties, not an assumed better fix. Assumption.",
    )
    notice_probability: Prob = Field(
        0.05, description="Daily probability that a mediator notices an unreported dispute in their own building "
        "(矛盾纠纷排查). Assumption, below a fully motivated steward's 0.16 (service.steward_detection).",
    )
    max_wait_days: Annotated[float, Field(ge=0, le=365)] = Field(
        5.0, description="A team takes a new dispute only if its queue is shorter than this many days of its "
        "hours; otherwise the dispute goes the usual way (the grid, or a social organisation). Assumption: the "
        "grid's deadline (levers.escalation.grid_days).",
    )
    cny_per_case: Annotated[float, Field(ge=0, le=100_000)] = Field(
        100.0, description="Subsidy paid per mediated case (以案定补), public money. Assumption.",
    )
    legal_share: Prob = Field(
        0.2, description="Share of neighbour disputes that turn on a point of law (涉法纠纷: tenancy, inheritance, "
        "property rights, compensation). The five olds refer these rather than mediate them without legal knowledge; "
        "a lawyer on the committee takes them (律师与法官“法治”, seed 004/4 '四治融合'). Assumption.",
    )
    lawyer_hours_per_week: Annotated[float, Field(ge=0, le=40)] = Field(
        0.0, description="Hours a week a lawyer gives the committee (法律顾问坐班; 0: no lawyer, the committee is the "
        "five olds alone). Seed 004/4: lawyers and judges in the 'four governances' (四治融合); the hours are an "
        "assumption (half a day a week in scenarios/mediation_lawyer.toml).",
    )
    lawyer_cny_per_hour: CnyPerHour = Field(
        200.0, description="What an hour of the lawyer costs the public purse (政府购买法律服务). Assumption.",
    )

    @model_validator(mode="after")
    def _lawyer_needs_the_committee(self) -> Self:
        if self.lawyer_hours_per_week > 0 and not self.enabled:
            raise ValueError("lawyer_hours_per_week > 0 needs enabled = true: the lawyer sits on the mediation committee "
                             "(switch the committee on, or set lawyer_hours_per_week to 0)")
        return self


class SelfManagement(Section):
    """Self-management of compounds without a property company (自管会, 管委会, 准物业; seeds 004/1, 004/3, 004/8).

    Residents of a compound no company serves elect a committee that collects a set fee and hires caretakers
    (准物业), so that property matters there are somebody's job, and that convenes the residents' talks on
    collective issues (there is no company to bargain with)."""

    enabled: bool = Field(
        False, description="Compounds without a property company may have a residents' self-management committee "
        "(Beijing: over 90 % of old compounds without property management, seed 004/1; Jurong: 8, seed 004/3).",
    )
    coverage: Prob = Field(
        0.9, description="Share of compounds without a property company that have a committee (Beijing: over 90 % "
        "of old compounds without property management, seed 004/1).",
    )
    fee_cny_per_household_month: Annotated[float, Field(ge=0, le=1000)] = Field(
        10.0, description="The set fee each household is asked to pay (收取确定的费用, seed 004/3). Assumption.",
    )
    caretaker_cny_per_hour: CnyPerHour = Field(
        25.0, description="What an hour of a caretaker or cleaner the committee hires costs. Assumption.",
    )


class FallbackProperty(Section):
    """The party-led fallback property service (托底; seed 004/3): a property company set up under the community
    party organisation serves the compounds nobody else serves (no market company, no self-management committee)."""

    enabled: bool = Field(
        False, description="A company led by the community party organisation serves every compound nobody else "
        "serves (Jurong: 5 three-no compounds, '成立社区党组织领导下的物业服务企业,为“三无〞小区管理托底', seed 004/3).",
    )
    quality: Prob = Field(
        0.6, description="Initial quality of the fallback company: a basic service, the lower end of "
        "service.property_quality_range. Assumption.",
    )
    subsidy_cny_per_household_year: Annotated[float, Field(ge=0, le=10_000)] = Field(
        120.0, description="Public subsidy per household served a year: what the public pays for the fallback (public "
        "money in the cost ledger). In the model the company's hours follow its staffing and residents' fees as a "
        "market company's do; the subsidy is its cost, not its capacity. Assumption.",
    )


class FeeLeverage(Section):
    """A public subsidy that levers residents' fees (撬动居民缴费; Yanqing, seed 004/8): the district subsidises property
    companies that cannot run normally, matching the fees their owners pay, so that what the company can finance —
    its hours and the quality its fees buy — rises with collection, which follows owners' satisfaction (L11)."""

    enabled: bool = Field(
        False, description="The district subsidises property companies that cannot run normally, in proportion to the "
        "fees their owners pay (Yanqing: '对有些无法正常运转的物业服务企业给予一定补贴…撬动居民缴费,重新激活物业服务', "
        "seed 004/8).",
    )
    eligible_below: Prob = Field(
        0.8, description="A market company whose fee collection rate is below this on the first day cannot run "
        "normally (无法正常运转) and is subsidised. Assumption: the reference collection rate "
        "(organisations.property.reference_collection_rate), below which a company cannot finance its own standard.",
    )
    match_ratio: Annotated[float, Field(ge=0, le=5)] = Field(
        0.5, description="Subsidy per yuan of fees the company collects (以奖代补: the more its owners pay, the more the "
        "district adds); it finances hours and quality as fees do. Assumption.",
    )
    duration_days: int = Field(
        1095, ge=1, le=3650, description="Days from the start during which the district pays (先期: an initial period); "
        "afterwards the company lives on its fees again. Assumption: a three-year pilot.",
    )
    fee_cny_per_household_month: Annotated[float, Field(ge=0, le=1000)] = Field(
        30.0, description="A company's full fee per household a month, to count the subsidy in CNY (public money in the "
        "cost ledger); hours and quality follow the shares of fees collected and matched, not this amount. "
        "Assumption (about 0.5 CNY a square metre for a 60 m² flat in an old compound).",
    )


class CommitteeFormation(Section):
    """Owners' committees formed over the years by party-led organising (党建引领业委会组建; seed 004/3: Jurong's
    committees rose from 40 to 89, 49 new, as compound branches were set up)."""

    enabled: bool = Field(
        False, description="Party branches organise owners to form a committee in compounds that have none "
        "(Jurong: 49 new committees, 40 -> 89 of 271 compounds, seed 004/3; the period is not given).",
    )
    rate_per_year: Annotated[float, Field(ge=0, le=10)] = Field(
        0.25, description="Yearly rate at which a branch of full strength gets a committee formed in a compound "
        "without one (the rate scales with the strength of the branch nearest the compound: its own, else its "
        "grid's). Assumption: at the default strength of about 0.5, one compound in eight a year.",
    )
    elections: bool = Field(
        False, description="Owners' committees serve terms: at a term's end the owners re-elect the committee (换届) "
        "or it lapses and the compound is without one until a committee forms again. Works with or without "
        "`enabled` (formation). Off by default: committees then sit for the whole run, as in model version 2.",
    )
    term_years: Annotated[float, Field(gt=0, le=10)] = Field(
        5.0, description="Length of a committee's term (years). The national rule caps a term at five years "
        "(业主大会和业主委员会指导规则, 2009, art. 31; not a seed); committees present at the start are part-way "
        "through theirs (uniform).",
    )
    reelect_intercept: Annotated[float, Field(ge=-20, le=20)] = Field(
        0.0, description="Utility of re-electing the committee at neutral satisfaction (0.5) and without a branch, in "
        "the owners' binary logit (behaviour-building-blocks: binary logit on a utility). Assumption.",
    )
    reelect_satisfaction_weight: Annotated[float, Field(ge=0, le=50)] = Field(
        6.0, description="Weight of the owners' mean satisfaction in their compound (minus 0.5) in the re-election "
        "logit: content owners keep their committee, discontented ones let it lapse. Assumption.",
    )
    reelect_branch_weight: Annotated[float, Field(ge=0, le=50)] = Field(
        2.0, description="Weight of the strength of the party branch nearest the compound in the re-election logit: a "
        "branch that organises the election (党建引领换届) keeps committees going. Assumption: at 0.5 strength and "
        "neutral satisfaction about 73 % are re-elected.",
    )


class SocialContracts(Section):
    """Purchase of social-work services that lives by its results (准入退出; seeds 004/1, 004/10): a third-party
    evaluation of each contracted organisation's cases decides whether its contract is renewed."""

    enabled: bool = Field(
        False, description="Contracts are reviewed by a third-party evaluation and not renewed below a threshold; a "
        "new provider wins the tender (Beijing: third-party evaluation of 160 M CNY of purchased services, seed "
        "004/1; past performance decides future purchase, seed 004/10).",
    )
    review_interval_days: int = Field(365, ge=30, le=3650, description="Days between evaluations (a contract period).")
    exit_below: Prob = Field(
        0.55, description="Mean perceived performance of an organisation's cases in the period below which its "
        "contract is not renewed. Assumption (organisations' means range about 0.4-0.85 in the default community).",
    )
    min_cases: int = Field(10, ge=1, le=10_000, description="Cases in the period below which an organisation is not judged.")
    evaluation_cny_per_org: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        3000.0, description="Cost of one organisation's third-party evaluation (public money). Assumption.",
    )
    share_by_evaluation: Annotated[float, Field(ge=0, le=10)] = Field(
        0.0, description="How strongly the evaluation shares out the purchase: after each evaluation the purchased "
        "hours go to contracted organisations in proportion to evaluation ** this (0: equal shares, as without it; 1: "
        "in proportion to the evaluation; larger: more to the best). The total stays the budget; an organisation not "
        "judged and a new provider count at the mean evaluation. Seed 004/10: services delivered are 'an important "
        "reference for future purchase'; the power form is an assumption.",
    )


class VenturePhilanthropy(Section):
    """Venture-philanthropy projects (公益创投) and incubation of community social organisations (seeds 004/3, 004/10)."""

    projects_per_year: int = Field(
        0, ge=0, le=50, description="Projects funded each year (004/10: at least 1 per urban community, at least 2 by "
        "2023).",
    )
    cny_per_project: Annotated[float, Field(ge=0, le=10_000_000)] = Field(
        30_000.0, description="Money per project, spent on the project organisation's hours over the year (public "
        "money). Assumption.",
    )
    incubate_below: int = Field(
        12, ge=0, le=200, description="While the community has fewer social organisations than this (or none), a "
        "project incubates a new one; otherwise it funds an existing one (004/10: at least 12 per urban community by "
        "2023).",
    )
    growth: bool = Field(
        False, description="Incubated organisations grow: they start with staff of `initial_share` of a mature "
        "organisation's and grow by `growth_per_year` of it each year while their residents' evaluation since they "
        "started is not below levers.social_contracts.exit_below (with at least its min_cases), up to the mature size (004/10's 2021 -> "
        "2023 growth plan; 004/3: Jurong's organisations 'incubated and grown'). Staff hours are paid as "
        "social-work hours (public money: 004/10's development funds and purchase by streets). Off by default: an "
        "incubated organisation then works its base hours and its project's only.",
    )
    mature_hours_per_day: Annotated[float, Field(ge=0, le=100)] = Field(
        4.0, description="Staff hours a day of a mature community social organisation, beyond its base hours, "
        "contracts and projects. Assumption: half a full-time social worker.",
    )
    initial_share: Prob = Field(
        0.25, description="Staff of a newly incubated organisation, as a share of a mature one's. Assumption.",
    )
    growth_per_year: Prob = Field(
        0.25, description="Yearly growth of an incubated organisation's staff, as a share of a mature one's (from "
        "0.25 it is mature after three years of growth, the span of 004/10's 2021 -> 2023 plan). Assumption.",
    )


class AppAdoption(Section):
    """Share of households who use the platform's app, by age group (the young most)."""

    young: Prob = 0.7
    middle: Prob = 0.5
    elderly: Prob = 0.15

    def as_tuple(self) -> tuple[float, float, float]:
        """The shares in AGE_GROUPS order."""
        return (self.young, self.middle, self.elderly)


class DigitalPlatform(Section):
    """A grid app or integrated platform as a reporting channel beside 12345 (两微一端, 越秀人家, 线上收, 信息化集成平台;
    seeds 000, 001, 002, 004/4, 004/10)."""

    enabled: bool = Field(
        False, description="Residents can report issues from their phones through the community's app or platform "
        "(Yuexiu's 越秀人家 mini-program, seed 001; 'online collection' 线上收, seed 004/4; integrated platform, 000).",
    )
    adoption: AppAdoption = Field(
        default_factory=AppAdoption, description="Share of households of each age group that use the app (the "
        "digital divide: the elderly least). Assumption.",
    )
    report_ease: Annotated[float, Field(ge=0, le=20)] = Field(
        0.7, description="Added ease of reporting (logit) for a household with the app: as much as the hotline's "
        "(behaviour.participation.report_hotline). Assumption.",
    )
    share_of_reports: Prob = Field(
        0.6, description="Share of an app user's reports made through the app rather than in person or by 12345. "
        "Assumption.",
    )
    cny_per_year: Annotated[float, Field(ge=0, le=10_000_000)] = Field(
        30_000.0, description="Running cost of the platform for the community a year (public money). Assumption.",
    )
    task_claiming: bool = Field(
        False, description="The platform shows every grid's queue, so a matter found in one grid can be claimed by a "
        "neighbouring grid whose workers would reach it sooner (派单/接单 on the integrated platform, seeds 002, "
        "004/4, 004/10). Only with the platform on.",
    )
    claim_neighbours: int = Field(
        2, ge=0, le=50, description="With task claiming, how many of the nearest other grids (by the distance between "
        "their buildings' centres on the Mesa grid) may claim a grid's matters. Assumption.",
    )

    @model_validator(mode="after")
    def _claiming_needs_the_platform(self) -> Self:
        if self.task_claiming and not self.enabled:
            raise ValueError("task_claiming = true needs enabled = true: tasks are claimed on the platform (switch the "
                             "platform on, or leave task_claiming false)")
        return self


class ProactiveCare(Section):
    """Proactive care visits to vulnerable households (关爱探访, 六必访, 由坐等服务向主动服务; seeds 000, 001, 004/3,
    004/4, 004/10), bought from social organisations."""

    enabled: bool = Field(
        False, description="Every vulnerable household is visited on a schedule: the visit finds what it has not "
        "reported, and the household meets someone (from 'waiting for service' to 'active service', seed 004/4; "
        "六必访, seed 004/3).",
    )
    visit_interval_days: int = Field(30, ge=1, le=365, description="Days between visits to a vulnerable household. "
                                     "Assumption: monthly.")
    hours_per_visit: Annotated[float, Field(gt=0, le=24)] = Field(1.0, description="Hours one visit takes. Assumption.")
    detection: Prob = Field(
        0.9, description="Probability that a visit finds an open issue of the household nobody has reported. "
        "Assumption, above a patrol visit's 0.7 (service.patrol_detection): a care visit asks.",
    )


class PostKinds(Shares):
    """Shares of the kinds of post members claim; they must sum to 1. The four posts of Zhonghualu street (seed 004:
    党建工作指导员、政策法规宣传员、矛盾纠纷调解员、社区工作监督员), each acting where its holder lives. By default every post
    is a supervisor's, the form of model version 2's posts."""

    share_label: ClassVar[str] = "kinds of post shares"

    supervisor: Prob = Field(1.0, description="社区工作监督员: notices and raises unreported issues of the holder's building.")
    publicist: Prob = Field(0.0, description="政策法规宣传员: households of the holder's building know how to report "
                            "(their reporting is easier by levers.posts.publicity_report_ease).")
    mediator: Prob = Field(0.0, description="矛盾纠纷调解员: notices and raises unreported neighbour disputes of the "
                           "holder's building (to the mediation team where one works).")
    guide: Prob = Field(0.0, description="党建工作指导员: the day after the holder serves, the party members of their "
                        "building are asked to serve (an ask, L2).")

    def as_tuple(self) -> tuple[float, float, float, float]:
        """The shares in POST_KINDS order."""
        return (self.supervisor, self.publicist, self.mediator, self.guide)


class Posts(Section):
    """Party members as people with posts (设岗定责, 认领岗位, 微心愿; seeds 001, 003, 004/3, 004/7): a member asked by
    their branch may claim a defined post, which is a duty they are seen to hold, and a post-holder notices and
    raises matters in their building (suggestions, 金点子)."""

    enabled: bool = Field(
        False, description="Members asked by their branch claim posts (Jurong: 1,200 posts claimed by 4,000+ "
        "in-service members, 800 suggestions, seed 004/3; 设岗定责, seed 001; claiming micro-wishes and duty posts, "
        "004/7).",
    )
    claim_probability: Prob = Field(
        0.5, description="Probability that a member without a post claims one when their branch asks them. "
        "Assumption.",
    )
    commitment: Annotated[float, Field(ge=0, le=20)] = Field(
        1.0, description="Weight of holding a post in the volunteering logit (a specific duty one is seen to hold). "
        "Assumption: as the minimum-hours duty's (behaviour.participation.volunteer_min_hours).",
    )
    notice_probability: Prob = Field(
        0.02, description="Daily probability that an unreported issue in a building where a post-holder lives is "
        "noticed and raised (a suggestion; once per building, however many post-holders live there). Assumption.",
    )
    lapse_days: int = Field(
        90, ge=1, le=3650, description="A post whose holder has not served for this many days lapses unless somebody "
        "follows the member up (organisational life, employer feedback 双报告, public ranking): 'report but don't "
        "serve' where registration has no teeth (只报到少服务, seed 001). Assumption.",
    )
    kinds: PostKinds = Field(
        default_factory=PostKinds, description="Shares of the kinds of post claimed (seed 004, Zhonghualu street's four "
        "posts); a claimed post's kind is drawn from them. Default: every post a supervisor's.",
    )
    publicity_report_ease: Annotated[float, Field(ge=0, le=5)] = Field(
        0.35, description="Added ease of reporting (logit) for households of a building where a publicist's post is "
        "held: they know where and how to report. Assumption: half of the app's (levers.digital_platform.report_ease), "
        "knowing how without the phone's convenience.",
    )


class ActivityAttendance(Section):
    """Probability that a household within reach of a venue takes part in an activity held there, by age group: the
    elderly take part, the young rarely (seed 001)."""

    young: Prob = 0.03
    middle: Prob = 0.06
    elderly: Prob = 0.15

    def as_tuple(self) -> tuple[float, float, float]:
        """The probabilities in AGE_GROUPS order."""
        return (self.young, self.middle, self.elderly)


class Activities(Section):
    """Activities that build ties (文体活动, 党群活动, 邻里节; seeds 002, 004/2, 004/3, 004/4), held at the community's
    service centre and at the venues co-building units lend (共建单位 venues, 共享场地; 004/2, 004/3)."""

    enabled: bool = Field(
        False, description="Activities are held each month at the community's service centre and at the venues of "
        "engaged co-building units; households nearby take part (seed 004/4: '活动听', listening at activities; seed "
        "004/3: 'neighbourly mutual aid not yet built', only 4 of 27 communities have it).",
    )
    per_venue_per_month: int = Field(2, ge=1, le=30, description="Activities a month at each venue. Assumption.")
    reach_cells: int = Field(
        4, ge=0, le=100, description="Buildings within this many cells of a venue (Chebyshev distance on the grid of "
        "buildings) are within reach of its activities (a 'fifteen-minute circle' in miniature, seed 004/1). "
        "Assumption.",
    )
    attendance: ActivityAttendance = Field(
        default_factory=ActivityAttendance,
        description="Chance that a household within reach takes part in an activity, by age group. Assumption.",
    )
    cny_per_activity: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        500.0, description="Cost of one activity (materials, organisers), public money. Assumption.",
    )


class NeedsProjects(Section):
    """Projects that answer listed needs with co-building units' people and venues (三单制: needs, resources and
    projects lists; seeds 000, 002, 004/2, 004/8): a school's teachers tutor children in the holidays, a hospital checks
    the elderly's health, an agency advises, a firm pays for materials."""

    enabled: bool = Field(
        False, description="Each year the community lists needs; an engaged co-building unit of the matching kind runs "
        "a project for the households it suits near its venue (004/2: holiday tutoring by a school's teachers; "
        "002: needs, resources and projects lists, two-way claiming).",
    )
    needs_per_year: int = Field(4, ge=0, le=100, description="Needs the community lists each year. Assumption.")
    reach_cells: int = Field(
        4, ge=0, le=100, description="Buildings within this many cells of the unit's building (where its venue is, if "
        "it has one) are within reach of its project. Assumption: as for activities.",
    )
    cny_per_project: Annotated[float, Field(ge=0, le=1_000_000)] = Field(
        5000.0, description="The community's matching money for one project (public money); the unit gives its "
        "people and venue. Assumption.",
    )
    residents_order: bool = Field(
        False, description="Residents order (居民点单, seed 000: 居民点单、社区下单、部门接单、群众评单): the needs are collected "
        "from residents before the list is made, so the list follows what households voiced and each project goes to "
        "the unit whose reach covers most of those who voiced it; otherwise the community lists needs of kinds it "
        "draws and the first unit that takes a need runs it.",
    )
    voice_probability: Prob = Field(
        0.3, description="With residents ordering, the probability that a household whose need has not been met voices "
        "it when needs are collected, times its trust in the party organisation (residents speak to those they "
        "trust). Assumption.",
    )

    @model_validator(mode="after")
    def _ordering_needs_projects(self) -> Self:
        if self.residents_order and not self.enabled:
            raise ValueError("residents_order = true needs enabled = true: residents order the needs the projects answer "
                             "(switch the projects on, or leave residents_order false)")
        return self


class WorkUnitManagement(Section):
    """Work-unit compounds still looked after by their former work unit (单位大院, 自助式; seed 004/8): the unit's
    logistics department (后勤) keeps the buildings where no property company was ever brought in."""

    enabled: bool = Field(
        False, description="Work-unit compounds without a property company may still be looked after by their unit "
        "(seed 004/8: 'self-help' management of work-unit compounds; a third of Beijing's compounds are work-unit "
        "compounds).",
    )
    share: Prob = Field(
        0.5, description="Share of work-unit compounds without a property company whose unit still looks after them. "
        "Assumption.",
    )
    staff_per_100_households: Annotated[float, Field(ge=0, le=50)] = Field(
        0.25, description="Logistics staff the unit gives per 100 households: as a property company's "
        "(service.property_staff_per_100_households). Assumption.",
    )
    cny_per_hour: CnyPerHour = Field(
        40.0, description="What an hour of the unit's logistics staff costs the unit (not public money): as a "
        "community worker's hour (costs.staff_cny_per_hour). Assumption.",
    )


class VolunteerTeams(Section):
    """Party members' volunteer teams (党员志愿服务队; seed 003: 16 teams, 193 members in 14 communities of Zongyang;
    seed 002: teams by interest and skill; seed 004/2): a team in each grid that serves together on its service day
    and keeps its members in view."""

    enabled: bool = Field(
        False, description="Each grid has a party members' volunteer team; members asked by their branch may join it "
        "(seed 003: 16 teams, 193 members in 14 communities; seed 002: teams by interest and skill).",
    )
    join_probability: Prob = Field(
        0.2, description="Probability that a party member asked by their branch joins their grid's team if not in it. "
        "Assumption.",
    )
    service_day_interval_days: int = Field(
        30, ge=1, le=365, description="Days between a team's service days, when every member is asked to serve. "
        "Assumption: monthly.",
    )


class FiveOnes(Section):
    """The "five ones" (五个一), the minimum prescribed actions of an in-service member registered in the community
    (seed 001): serve once as a grid volunteer, take part in one community activity, make one reasonable suggestion,
    help solve one difficult problem, help one household in difficulty (paired with it, 双结对). Simple, prescribed,
    counted, and followed up by the branch where a member falls behind: the answer seed 001 gives to 'report but
    don't serve' (只报到少服务)."""

    enabled: bool = Field(
        False, description="In-service members registered in the community have the five ones as a yearly checklist, "
        "paired with a household in difficulty; their branch reviews the checklist and follows up whoever is behind "
        "(seed 001: 规定动作“五个一”, 双结对).",
    )
    review_interval_days: int = Field(
        91, ge=1, le=365, description="Days between the branch's reviews of the checklist; a member behind schedule "
        "at a review is asked to serve and kept in view until the next. Assumption: quarterly.",
    )
    visit_detection: Prob = Field(
        0.9, description="Probability that a member's visit to their paired household finds an open issue of the "
        "household nobody has reported. Assumption: as a care visit's (levers.proactive_care.detection).",
    )


class Levers(Section):
    """The governance arrangements a scenario switches or tunes."""

    funding: Funding = Field(default_factory=Funding)
    cross_appointment: CrossAppointment = Field(default_factory=CrossAppointment)
    three_party_linkage: ThreePartyLinkage = Field(default_factory=ThreePartyLinkage)
    deliberation_council: DeliberationCouncil = Field(default_factory=DeliberationCouncil)
    lists_matching: ListsMatching = Field(default_factory=ListsMatching)
    volunteer_incentives: VolunteerIncentives = Field(default_factory=VolunteerIncentives)
    grid: GridStaffing = Field(default_factory=GridStaffing)
    hotline: Hotline = Field(default_factory=Hotline)
    escalation: EscalationLadder = Field(default_factory=EscalationLadder)
    whistle: Whistle = Field(default_factory=Whistle)
    burden: Burden = Field(default_factory=Burden)
    property_rating: PropertyRating = Field(default_factory=PropertyRating)
    party_building: PartyBuilding = Field(default_factory=PartyBuilding)
    mediation: Mediation = Field(default_factory=Mediation)
    self_management: SelfManagement = Field(default_factory=SelfManagement)
    work_unit_management: WorkUnitManagement = Field(default_factory=WorkUnitManagement)
    fallback_property: FallbackProperty = Field(default_factory=FallbackProperty)
    fee_leverage: FeeLeverage = Field(default_factory=FeeLeverage)
    committee_formation: CommitteeFormation = Field(default_factory=CommitteeFormation)
    social_contracts: SocialContracts = Field(default_factory=SocialContracts)
    venture_philanthropy: VenturePhilanthropy = Field(default_factory=VenturePhilanthropy)
    digital_platform: DigitalPlatform = Field(default_factory=DigitalPlatform)
    proactive_care: ProactiveCare = Field(default_factory=ProactiveCare)
    posts: Posts = Field(default_factory=Posts)
    volunteer_teams: VolunteerTeams = Field(default_factory=VolunteerTeams)
    five_ones: FiveOnes = Field(default_factory=FiveOnes)
    activities: Activities = Field(default_factory=Activities)
    needs_projects: NeedsProjects = Field(default_factory=NeedsProjects)


class Behaviour(Section):
    """Coefficients of the behavioural building blocks."""

    satisfaction: SatisfactionParams = Field(default_factory=SatisfactionParams)
    trust: TrustParams = Field(default_factory=TrustParams)
    participation: ParticipationParams = Field(default_factory=ParticipationParams)
    motivation: MotivationParams = Field(default_factory=MotivationParams)
    grievance: GrievanceParams = Field(default_factory=GrievanceParams)
    bargaining: BargainingParams = Field(default_factory=BargainingParams)
    ties: TiesParams = Field(default_factory=TiesParams)


def flat_key_paths(values: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables of key paths written as dotted paths (``{"levers": {"burden": {"admin_share": 0.8}}}`` and
    ``{"levers__burden__admin_share": 0.8}`` both give ``{"levers.burden.admin_share": 0.8}``), in the order given."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        path = f"{prefix}{str(key).replace('__', '.')}"
        if isinstance(value, Mapping):
            flat |= flat_key_paths(value, f"{path}.")
        else:
            flat[path] = value
    return flat


class ScheduledIntervention(Section):
    """A change of parameters during the run, from the start of a day on (``[[interventions]]``): the same change
    :meth:`cogov.sim.model.CommunityModel.intervene` makes when called at the end of the day before. Only live
    parameters can change mid-run (``docs/parameters.md``, column *when*; :mod:`cogov.sim.live`); each change is
    recorded in the run's outputs (day, key, old value, new value)."""

    day: int = Field(ge=1, le=3650, description="The first day the new values act (1: from the first day). At most "
                     "the scenario's simulation.days when the file is loaded.")
    set: dict[str, Any] = Field(
        min_length=1, description="Key paths and their new values, e.g. { \"levers.cross_appointment.party_property\" "
        "= true }; nested tables of keys are read as key paths. Each value is checked as a scenario value would be.",
    )

    @field_validator("set", mode="after")
    @classmethod
    def _key_paths(cls, values: dict[str, Any]) -> dict[str, Any]:
        # one spelling of each change, so that equal interventions have equal digests
        return flat_key_paths(values)


class ScenarioConfig(Section):
    """A whole scenario: what the community is, how people behave, and which levers are set."""

    extends: str | None = Field(
        None, description="A built-in scenario name or a path (relative to this file) whose values this file "
        "overrides.",
    )
    meta: Meta = Field(default_factory=Meta)
    simulation: Simulation = Field(default_factory=Simulation)
    community: Community = Field(default_factory=Community)
    population: Population = Field(default_factory=Population)
    issues: Issues = Field(default_factory=Issues)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    service: ServiceParams = Field(default_factory=ServiceParams)
    organisations: Organisations = Field(default_factory=Organisations)
    party: PartyParams = Field(default_factory=PartyParams)
    links: Links = Field(default_factory=Links)
    costs: CostParams = Field(default_factory=CostParams)
    levers: Levers = Field(default_factory=Levers)
    interventions: list[ScheduledIntervention] = Field(
        default_factory=list, description="Changes of live parameters during the run, each from the start of its day "
        "([[interventions]]: day = N, set = { \"key.path\" = value }), applied in day order (same day: in file "
        "order). A file extending another replaces its interventions when it writes its own.",
    )

