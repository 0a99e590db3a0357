"""Every outcome the model reports, declared once: what it measures, its names and units in English
and Chinese, how it is displayed, which direction is better, and the smallest difference that matters.

How an outcome is *computed* lives in :mod:`cogov.sim.outcomes.metrics` (and the flat run outputs in
:meth:`cogov.experiments.targets.CogovTarget.run`); what it *means* lives here, and nowhere else. The
command line, figures, plain-words verdicts, comparison tables, reports, sensitivity plots, the
classroom page and the animations all look outcomes up in :data:`OUTCOMES`. An outcome that is not
declared is an error (:class:`UndeclaredOutcome`) wherever it turns up, never a silent fallback to
its column name, so a new metric cannot reach a reader unlabelled, unformatted or judged the wrong
way round.

Declaring a new outcome: add an :class:`Outcome` to the table in this module (one of the ``_…``
builders below); code that produces outcomes of its own (a test function such as the Ishigami
target of :mod:`cogov.experiments.targets`, a plugin) calls :func:`register` instead.

Chinese names follow the policy terms of the source documents already used for the parameters
(:mod:`cogov.sim.labels`): 网格, 业委会, 在职党员, 共建单位, 12345热线 and so on.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, get_args

from cogov.sim.config import AGE_GROUPS, COMPOUND_TYPES
from cogov.sim.issues import State

# The compound types' names as the parameter labels give them (one source for both tables), so that
# "商品房小区" is spelled the same in every label.
from cogov.sim.labels import COMPOUND_TYPE_LABELS as COMPOUND_TYPE_NAMES
from cogov.sim.labels import LANGS
from cogov.sim.ledger import ITEMS as LEDGER_ITEMS
from cogov.sim.ledger import PUBLIC, payer_of

Kind = Literal["share", "score", "days", "count", "cny", "hours", "number"]
"""How an outcome is measured, which decides how its numbers are written (:data:`KINDS`)."""

KINDS: dict[str, str] = {
    "share": "a share of a whole, 0-1 (or a difference of two shares); written in per cent, differences in "
             "percentage points",
    "score": "a resident score or quality on 0-1 (or a difference of two); written with three decimals",
    "days": "a duration in days; written with one decimal and 'days'",
    "count": "a number of things (issues, calls, households, organisations); means written with one decimal, "
             "one run's whole numbers without",
    "cny": "an amount of money in yuan; written as whole CNY",
    "hours": "an amount of time in hours; written as whole hours",
    "number": "a plain number without a unit of the model (a test function's output); four significant digits",
}
"""Every kind with what it means and how :mod:`cogov.analysis.wording` writes it."""

Direction = Literal[1, -1, 0]
"""+1: higher is an improvement; -1: lower is; 0: no verdict (see :attr:`Outcome.better`)."""

View = Literal["over_time", "distribution", "classroom"]
"""Default views an outcome appears in: ``over_time`` and ``distribution``, the figures of a comparison
report (:mod:`cogov.analysis.report`); ``classroom``, the live charts of the classroom page
(:mod:`cogov.viz.controls`)."""

DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "share": (0.0, 1.0), "score": (0.0, 1.0), "days": (0.0, math.inf), "count": (0.0, math.inf),
    "cny": (0.0, math.inf), "hours": (0.0, math.inf), "number": (-math.inf, math.inf),
}
"""Possible values of each kind, unless an outcome declares its own (differences of shares or scores
lie in [-1, 1])."""

DIFFERENCE = (-1.0, 1.0)
"""Bounds of a difference between two shares or two scores."""

WHERE = "sim/outcomes/registry.py (cogov.sim.outcomes.registry), or by code with its register()"
"""Where outcomes are declared, as error messages say it."""


@dataclass(frozen=True)
class Text:
    """A piece of text in every language of :data:`cogov.sim.labels.LANGS` (English and Chinese)."""

    en: str
    zh: str

    def __getitem__(self, lang: str) -> str:
        """The text in ``lang``; a :class:`ValueError` naming the languages for any other."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGS)}")
        return str(getattr(self, lang))


@dataclass(frozen=True)
class Outcome:
    """One outcome of the model: its meaning, names, display, direction and smallest meaningful difference.

    Attributes:
        name: the column name in run outputs and daily series (``resolution_rate``).
        description: what it measures, in English, precisely enough to recompute it.
        label: short name per language, for axes, tables and sentences (unique within a language).
        unit: unit per language, shown after the name (may be empty).
        kind: how it is measured and written (:data:`KINDS`).
        better: +1 if higher is an improvement (for residents, or for the public purse), -1 if lower
            is, 0 if a change is neither good nor bad in itself (e.g. escalation, or a description of
            the generated community).
        smallest_difference: the smallest difference between two scenarios, in the outcome's own
            units, that a reader would act on; differences below it are real but immaterial.
        smallest_difference_source: where that number comes from, or the assumption it is.
        daily: recorded every day in the daily series (``CommunityModel.series()``).
        key: compared by default (``cogov compare``, reports).
        views: the default figures it is drawn in (:data:`View`).
        typical_range: the range a year of the built-in scenarios stays within for the default
            community of 2,000 households (counts scale with the number of households); live charts
            start from it so that their axes seldom move. None where no chart needs one.
        bounds: the values it can possibly take; by default those of its kind (:data:`DEFAULT_BOUNDS`).
    """

    name: str
    description: str
    label: Text
    unit: Text
    kind: Kind
    better: Direction
    smallest_difference: float
    smallest_difference_source: str
    daily: bool = False
    key: bool = False
    views: frozenset[View] = frozenset()
    typical_range: tuple[float, float] | None = None
    bounds: tuple[float, float] | None = None  # None: the bounds of its kind, filled in on creation

    def __post_init__(self) -> None:
        """Check the declaration, so that a wrong one fails at import rather than in a figure."""
        problems = []
        if not self.name.isidentifier():
            problems.append("name must be a column name (letters, digits, underscores)")
        if not self.description.strip():
            problems.append("description is empty")
        for lang in LANGS:
            if not self.label[lang].strip() or self.label[lang] != self.label[lang].strip():
                problems.append(f"label[{lang}] is empty or padded")
            if self.unit[lang] != self.unit[lang].strip():
                problems.append(f"unit[{lang}] is padded")
        if self.kind not in KINDS:
            problems.append(f"kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.better not in get_args(Direction):
            problems.append(f"better must be 1, -1 or 0, not {self.better!r}")
        if not (math.isfinite(self.smallest_difference) and self.smallest_difference > 0):
            problems.append("smallest_difference must be a positive number")
        if not self.smallest_difference_source.strip():
            problems.append("smallest_difference_source is empty: give the source or the assumption")
        unknown_views = set(self.views) - set(get_args(View))
        if unknown_views:
            problems.append(f"unknown views {sorted(unknown_views)}")
        if not self.daily and self.views & {"over_time", "classroom"}:
            problems.append("only daily outcomes can be drawn over time")
        if self.bounds is None:
            object.__setattr__(self, "bounds", DEFAULT_BOUNDS.get(self.kind, (-math.inf, math.inf)))
        low, high = self.bounds  # type: ignore[misc]  # set just above
        if not low < high:
            problems.append(f"bounds {self.bounds} are empty")
        if self.typical_range is not None and not low <= self.typical_range[0] < self.typical_range[1] <= high:
            problems.append(f"typical_range {self.typical_range} is not an interval within the bounds")
        if problems:
            raise ValueError(f"outcome {self.name!r}: " + "; ".join(problems))

    def axis_label(self, lang: str) -> str:
        """Name with its unit, as an axis or a table heading shows it: ``Backlog (open found issues)``."""
        name, unit = self.label[lang], self.unit[lang]
        if not unit:
            return name
        return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


class UndeclaredOutcome(KeyError):
    """An outcome name that is not in the registry: its message names it, suggests the closest declared
    names and says where outcomes are declared.

    ``choices``: the outcomes that would have been accepted where fewer than all are (e.g. the daily
    ones for a chart over time); suggestions are drawn from them and the message lists them.
    """

    def __init__(self, name: str, choices: Sequence[str] | None = None) -> None:
        self.name = name
        pool = list(choices) if choices is not None else list(_REGISTRY)
        close = difflib.get_close_matches(str(name), pool, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        among = f" (choose from {', '.join(pool)})" if choices is not None else ""
        self.message = f"undeclared outcome {name!r}{hint}{among}. Outcomes are declared in {WHERE}"
        super().__init__(self.message)

    def __str__(self) -> str:
        """The message itself (``KeyError`` would show it quoted)."""
        return self.message


# ---------------------------------------------------------------------------------------------- helpers
_SHARE_EN, _SHARE_ZH = "share 0-1", "比例 0-1"
_SCORE = Text("score 0-1", "0-1 分")
_ISSUES = Text("issues", "件")
_ISSUE_TEN = ("assumption: 10 issues, under one day's intake of the default community (about 15 issues "
              "arise a day among its 2,000 households)")
_PP = "assumption: 1 percentage point of {what} is the smallest change a district would act on"
_SCORE_POINT = ("assumption: 0.01, one point on the 0-100 scale residents' satisfaction surveys report in; "
                "a smaller shift is not visible in a survey")


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


# ---------------------------------------------------------------------------------------------- daily metrics
def _daily() -> list[Outcome]:
    """The columns of the daily series (:data:`cogov.sim.outcomes.metrics.DAILY_METRICS`, without ``day``).

    Declared in reading order: issue flow, speed and level, open issues, residents, participation,
    cost. The key outcomes keep the order in which comparison tables have always listed them.
    """
    return [
        Outcome("issues_arisen", "Issues that have arisen since day 0 (found or not).",
                _t("Issues arisen", "累计发生问题数"), _t("issues, cumulative", "件"), "count", 0,
                10, _ISSUE_TEN, daily=True),
        Outcome("resolved", "Issues resolved (fixed) since day 0.",
                _t("Issues resolved", "累计解决问题数"), _t("issues, cumulative", "件"), "count", 0,
                10, _ISSUE_TEN, daily=True),
        Outcome("resolution_rate", "Issues resolved (fixed) / issues arisen, cumulative from day 0.",
                _t("Resolution rate", "问题解决率"), _t("resolved / arisen", "已解决/已发生"), "share", 1,
                0.01, _PP.format(what="resolution"), daily=True, key=True,
                views=frozenset({"over_time", "distribution", "classroom"}), typical_range=(0.0, 1.0)),
        Outcome("mean_days_to_resolve", "Mean days from found to closed, over resolved issues.",
                _t("Mean time to resolve", "平均解决用时"), _t("days", "天"), "days", -1,
                0.5, "assumption: half a day; time limits and residents' expectations are set in whole days "
                "(限时办结, 15 days by default, seed 001)", daily=True, key=True,
                views=frozenset({"distribution"})),
        Outcome("on_time_share", "Closed issues closed by a handler within issues.time_limit_days of being found / "
                "all closed issues (abandoned ones count as closed, never as on time).",
                _t("Closed on time", "按时办结比例"), _t("share of closed issues", "占已办结问题"), "share", 1,
                0.01, _PP.format(what="issues closed on time"), daily=True, key=True),
        Outcome("resolved_in_grid_share", "Resolved issues closed at grid level (grid, property company or social "
                "organisation) / resolved issues ('small matters do not leave the grid').",
                _t("Resolved within the grid", "网格内解决比例"), _t("share of resolved issues", "占已解决问题"),
                "share", 1, 0.01, _PP.format(what="issues resolved in the grid"), daily=True, key=True),
        # Escalation is not simply good or bad: the whistle lever raises it on purpose (issues reach the
        # level that can solve them), while "small matters stay in the grid" lowers it. No verdict.
        Outcome("escalation_rate", "Found issues escalated at least once / found issues.",
                _t("Escalation rate", "问题上报升级率"), _t("share of found issues", "占已发现问题"), "share", 0,
                0.01, _PP.format(what="escalation"), daily=True, key=True),
        Outcome("backlog", "Issues found and still open today (waiting for agreement or in a handler's queue).",
                _t("Backlog", "积压问题数"), _t("open found issues", "件，已发现未办结"), "count", -1,
                10, _ISSUE_TEN, daily=True, key=True, views=frozenset({"over_time", "classroom"}),
                typical_range=(0.0, 200.0)),
        Outcome("latent", "Open issues nobody has found yet, today.",
                _t("Latent issues", "未发现问题数"), _t("open, not yet found", "件"), "count", -1,
                10, _ISSUE_TEN, daily=True, typical_range=(0.0, 150.0)),
        Outcome("stalemates", "Collective issues that waited behaviour.bargaining.stalemate_days without agreement, "
                "since day 0.",
                _t("Stalled collective issues", "集体事项僵局数"), _t("count, cumulative", "件，累计"), "count", -1,
                1, "assumption: 1 stalled collective issue; each is a dispute between owners and company that the "
                "community has to take up", daily=True, key=True, views=frozenset({"classroom"}),
                typical_range=(0.0, 150.0)),
        Outcome("satisfaction_mean", "Mean satisfaction of all households today.",
                _t("Mean satisfaction", "居民平均满意度"), _SCORE, "score", 1, 0.01, _SCORE_POINT,
                daily=True, key=True, views=frozenset({"over_time", "distribution", "classroom"}),
                typical_range=(0.55, 0.65)),
        Outcome("satisfaction_p10", "10th percentile of household satisfaction today (the least satisfied).",
                _t("Satisfaction, 10th percentile", "满意度第10百分位"), _SCORE, "score", 1, 0.01, _SCORE_POINT,
                daily=True, key=True),
        Outcome("trust_mean", "Mean trust of households in the community party organisation today.",
                _t("Mean trust", "居民平均信任度"), _SCORE, "score", 1,
                0.01, "assumption: 0.01 on the 0-1 trust score, as for satisfaction", daily=True, key=True,
                views=frozenset({"over_time", "classroom"}), typical_range=(0.47, 0.53)),
        Outcome("volunteer_share", "Households who volunteered in the last 30 days / all households, today.",
                _t("Volunteer share", "志愿参与率"),
                _t("households active in last 30 days", "近30天参与的住户比例"), "share", 1,
                0.01, "assumption: 1 percentage point, half the gap between the 6 % of the urban population "
                "registered as volunteers and the 8 % target (seed 004/3)", daily=True, key=True,
                views=frozenset({"classroom"}), typical_range=(0.0, 0.2)),
        Outcome("volunteer_hours", "Hours volunteered by households since day 0.",
                _t("Volunteer hours", "累计志愿服务时长"), _t("hours, cumulative", "小时"), "hours", 1,
                12, "source: 12 hours, the yearly minimum of community service asked of a party member (seed 003); "
                "less is below one member's duty", daily=True),
        Outcome("inservice_serving_share", "In-service party members who served in the last 30 days / in-service "
                "party members, today.",
                _t("In-service party members serving", "在职党员参与服务比例"), _t("share, last 30 days", "近30天"),
                "share", 1, 0.02, "assumption: 2 percentage points, a little more than one of the default "
                "community's 65 in-service party members (one member is 1.5 points)", daily=True, key=True,
                views=frozenset({"classroom"}), typical_range=(0.0, 1.0)),
        Outcome("cost_total", "Public money spent since day 0: every public item of the cost ledger (community funds and "
                "staff salaries, points, training, rewards and the arrangements' costs; sim/ledger.py ITEMS).",
                _t("Public cost", "公共支出"), _t("CNY, cumulative", "元，累计"), "cny", -1,
                10_000, "assumption: 10,000 CNY (1 万元, the unit community budgets are stated in), half the smallest "
                "yearly running fund the sources name (20,000 CNY, seed 003)", daily=True),
        Outcome("cost_per_resolved", "Public money spent (every public item of the cost ledger) / issues resolved, "
                "cumulative from day 0.",
                _t("Public cost per resolved issue", "每件问题公共支出"), _t("CNY per issue", "元/件"), "cny", -1,
                10, "assumption: 10 CNY per resolved issue, about 3 % of the default community's cost per issue "
                "(about 350 CNY over a year)", daily=True, key=True),
        Outcome("party_strength", "Organisational strength of the community party organisation today: the "
                "share of its functions it performs (organisational capacity).",
                _t("Community party organisation strength", "社区党组织组织力"), _SCORE, "score", 1,
                0.02, "assumption: 0.02 on the 0-1 strength scale, one function in fifty performed more or less",
                daily=True, views=frozenset({"classroom"}), typical_range=(0.3, 0.8)),
        Outcome("branch_strength", "Mean organisational strength of the grid and compound party branches today.",
                _t("Party branch strength", "党支部组织力"), _SCORE, "score", 1,
                0.02, "assumption: 0.02 on the 0-1 strength scale, as for the community party organisation",
                daily=True, key=True, views=frozenset({"over_time"}), typical_range=(0.3, 0.8)),
        Outcome("ties_mean", "Mean strength of neighbourly ties of households today, 0-1.",
                _t("Neighbourly ties", "邻里关系强度"), _SCORE, "score", 1, 0.01, _SCORE_POINT, daily=True,
                typical_range=(0.3, 0.5)),
        Outcome("company_quality", "Mean quality (chance of fixing an issue) of the property companies today.",
                _t("Property company quality", "物业服务质量"), _SCORE, "score", 1,
                0.01, "assumption: 0.01 on the 0-1 quality scale, one issue in a hundred fixed more or less",
                daily=True, typical_range=(0.5, 0.95)),
        Outcome("co_building_commitment", "Mean commitment of the co-building units today: the share of what they "
                "could give that they give in a month they are engaged.",
                _t("Co-building commitment", "共建单位投入度"), _SCORE, "score", 1,
                0.02, "assumption: 0.02 on the 0-1 commitment scale", daily=True, typical_range=(0.1, 0.6)),
        Outcome("dispute_resolution_rate", "Neighbour disputes resolved (fixed) / disputes arisen, cumulative from "
                "day 0.",
                _t("Dispute resolution rate", "矛盾纠纷化解率"), _t("resolved / arisen disputes", "已化解/已发生纠纷"),
                "share", 1, 0.01, _PP.format(what="disputes resolved"), daily=True, key=True,
                views=frozenset({"classroom"}), typical_range=(0.0, 1.0)),
        # How many disputes the mediators closed is a volume, not a verdict: more may mean more disputes.
        Outcome("disputes_mediated", "Neighbour disputes closed by a mediation team of five-olds "
                "(levers.mediation), since day 0; disputes the resident gave up on are not counted.",
                _t("Disputes mediated", "人民调解纠纷数"), _t("count, cumulative", "件，累计"), "count", 0,
                5, "assumption: 5 disputes, about a quarter of what a Jurong community's five-olds handle in a year "
                "(600+ in 27 communities, seed 004/3)", daily=True, key=True),
        Outcome("owners_committee_share", "Compounds with an owners' committee today / compounds (committees formed "
                "during the run included, lapsed ones not, levers.committee_formation).",
                _t("Compounds with an owners' committee", "成立业委会的小区比例"), _t("share of compounds", "占小区"),
                "share", 1, 0.05, "assumption: 5 percentage points, one compound in twenty (Beijing: 7.3 % of "
                "compounds have a committee, seed 004/8)", daily=True, views=frozenset({"over_time"}),
                typical_range=(0.0, 1.0)),
        Outcome("social_org_quality", "Mean quality (chance of fixing an issue) of the social organisations today.",
                _t("Social organisation quality", "社会组织服务质量"), _SCORE, "score", 1,
                0.01, "assumption: 0.01 on the 0-1 quality scale, as for property companies", daily=True,
                typical_range=(0.5, 0.95)),
        Outcome("social_org_count", "Social organisations active in the community today (incubated ones "
                "included, levers.venture_philanthropy).",
                _t("Social organisations", "社会组织数量"), _t("organisations", "个"), "count", 1, 1,
                "assumption: 1 organisation (seed 004/10 counts them one by one: at least 12 per urban community)",
                daily=True, typical_range=(0.0, 20.0)),
        Outcome("vulnerable_reached_share", "Vulnerable households visited by proactive care in the last 30 days / "
                "vulnerable households, today (levers.proactive_care).",
                _t("Vulnerable households reached", "困难群体关爱覆盖率"), _t("visited in last 30 days", "近30天走访"),
                "share", 1, 0.05, "assumption: 5 percentage points, about ten of the default community's 200 "
                "vulnerable households", daily=True, key=True, typical_range=(0.0, 1.0)),
        Outcome("satisfaction_vulnerable", "Mean satisfaction of vulnerable households today (elderly living alone or "
                "in empty nests, disabled, low-income; population.vulnerable_share).",
                _t("Satisfaction of vulnerable households", "困难群体满意度"), _SCORE, "score", 1, 0.01, _SCORE_POINT,
                daily=True, key=True, views=frozenset({"classroom"}), typical_range=(0.5, 0.75)),
        Outcome("posts_held_share", "In-service party members holding a claimed post today / in-service party "
                "members (levers.posts).",
                _t("In-service members holding a post", "在职党员认领岗位比例"), _t("share, today", "当日"), "share", 1,
                0.02, "assumption: 2 percentage points, as for in-service members serving", daily=True,
                typical_range=(0.0, 1.0)),
        Outcome("activity_reach_share", "Households that took part in an activity in the last 30 days / households, "
                "today (levers.activities).",
                _t("Households at activities", "参与社区活动的住户比例"), _t("took part in last 30 days", "近30天参与"),
                "share", 1, 0.01, "assumption: 1 percentage point, as for the volunteer share", daily=True, key=True,
                typical_range=(0.0, 0.5)),
        Outcome("needs_met", "Households served by projects that answer the community's listed needs, summed over "
                "projects, since day 0 (levers.needs_projects).",
                _t("Listed needs met", "清单需求满足户次"), _t("households, cumulative", "户次，累计"), "count", 1, 10,
                "assumption: 10 households, a small project's reach", daily=True, key=True),
        Outcome("team_member_share", "Party members in a volunteer team today / party members "
                "(levers.volunteer_teams).",
                _t("Party members in volunteer teams", "党员志愿服务队参与率"), _t("share, today", "当日"), "share", 1,
                0.02, "assumption: 2 percentage points, as for in-service members serving", daily=True,
                typical_range=(0.0, 1.0)),
        Outcome("five_ones_completed_share", "In-service party members who have done all five of the five ones "
                "this year / in-service party members (levers.five_ones; the list starts again each year).",
                _t("In-service members who did the five ones", "完成“五个一”的在职党员比例"), _t("share, this year", "本年"),
                "share", 1, 0.02, "assumption: 2 percentage points, as for in-service members serving", daily=True,
                typical_range=(0.0, 1.0)),
        Outcome("fee_collection_rate", "Mean share of their fees the property companies collect today (a floor plus "
                "owners' mean satisfaction; levers.fee_leverage).",
                _t("Property fee collection rate", "物业费收缴率"), _t("share, today", "当日"), "share", 1,
                0.01, "assumption: 1 percentage point, one household in a hundred paying more or less", daily=True,
                typical_range=(0.5, 1.0)),
        Outcome("meeting_staff_hours", "Community staff hours taken from issue handling by the meetings arrangements "
                "convene (accountability reviews, star ratings, three-party linkage, councils, the big party "
                "committee; service.staff_hours_per_meeting each), since day 0.",
                _t("Staff hours in convened meetings", "召集会议占用的人员工时"), _t("hours, cumulative", "小时，累计"),
                "hours", 0, 8, "assumption: 8 hours, one working day of one community worker", daily=True),
    ]


# ---------------------------------------------------------------------------------------------- pattern measures
def _pattern_measures() -> list[Outcome]:
    """The measures of :func:`cogov.sim.outcomes.metrics.pattern_measures` (patterns and lever checks)."""
    return [
        Outcome("mean_latent", "Open issues nobody has found, averaged over the days of the run (less noisy "
                "than the last day's latent).",
                _t("Latent issues, run average", "未发现问题日均数"), _t("open, not yet found; mean over days", "件，逐日平均"),
                "count", -1, 10, _ISSUE_TEN),
        Outcome("escalated_wait_days", "Days from found to closed (or to the horizon, if still open) of issues "
                "escalated at least once; free of the survivor bias of means over resolved issues.",
                _t("Wait of escalated issues", "升级问题等待天数"),
                _t("days from found to closed or horizon", "天，发现至办结或模拟结束"), "days", -1,
                0.5, "assumption: half a day, as for the mean time to resolve"),
        Outcome("stalemate_share", "Stalled share of the collective issues found since day 0.",
                _t("Stalemate share of collective issues", "集体事项僵局比例"),
                _t("share of collective issues found", "占已发现集体事项"), "share", -1,
                0.01, _PP.format(what="collective issues stalled")),
        Outcome("branch_strength_change", "Mean strength of the grid and compound party branches at the end minus at "
                "day 0.", _t("Change in party branch strength", "党支部组织力变化"), _SCORE, "score", 1,
                0.02, "assumption: 0.02 on the 0-1 strength scale, as for branch strength", bounds=DIFFERENCE),
        Outcome("volunteer_motivation", "Mean intrinsic motivation, at the end, of households who may volunteer "
                "(party members and registered volunteers).",
                _t("Volunteer motivation", "志愿服务动机"), _SCORE, "score", 1,
                0.01, "assumption: 0.01 on the 0-1 motivation score, as for satisfaction"),
        Outcome("co_building_hours_total", "Useful people-hours given by co-building units since day 0.",
                _t("Co-building hours", "共建单位投入工时"), _t("useful person-hours, cumulative", "有效工时，累计"),
                "hours", 1, 8, "assumption: 8 hours, one working day of one unit's staff member"),
        # Seeds 001, 003 and 004/3 name "money, not people" a pathology of co-building: a higher money share
        # is worse.
        Outcome("co_building_money_share", "Money's share of co-building units' contribution, their people-hours "
                "valued at community staff cost (money / (money + hours x staff CNY per hour)).",
                _t("Co-building money share", "共建单位出资占比"),
                _t("share of contribution valued at staff cost", "占按人力成本折算的投入"), "share", -1,
                0.01, _PP.format(what="the money share")),
        Outcome("inservice_serving_decline", "In-service party members serving (30-day window): mean over days "
                "31-60 minus mean over the last 30 days ('report but don't serve' when positive).",
                _t("Decline of in-service members serving", "在职党员服务比例下降"),
                _t("share, days 31-60 minus last 30 days", "第31-60天减最后30天"), "share", -1,
                0.02, "assumption: 2 percentage points, as for the share serving", bounds=DIFFERENCE),
        # The gaps below describe who takes part and who is served (patterns of the seeds to reproduce);
        # a change in them is not better or worse for residents by itself, so no verdict.
        Outcome("volunteer_rate_elderly_minus_young", "Share of elderly households who volunteered at all minus "
                "that of young households.",
                _t("Volunteering gap, elderly minus young", "志愿参与差：老年减青年"),
                _t("share of households who volunteered", "曾参与志愿服务的住户比例"), "share", 0,
                0.01, _PP.format(what="the gap"), bounds=DIFFERENCE),
        Outcome("stalemate_share_no_committee_minus_committee", "Stalled share of found collective issues in "
                "compounds without an owners' committee minus that in compounds with one.",
                _t("Stalemate gap, no committee minus committee", "僵局比例差：无业委会减有业委会"),
                _t("share of collective issues stalled", "集体事项陷入僵局的比例"), "share", 0,
                0.01, _PP.format(what="the gap"), bounds=DIFFERENCE),
        Outcome("satisfaction_no_property_minus_property", "Mean satisfaction of households in compounds without a "
                "property company minus that of households in compounds with one.",
                _t("Satisfaction gap, no property company minus with", "满意度差：无物业减有物业"),
                _t("difference in score 0-1", "0-1 分之差"), "score", 0, 0.01, _SCORE_POINT, bounds=DIFFERENCE),
    ]


# ---------------------------------------------------------------------------------------------- group satisfaction
AGE_GROUP_NAMES: dict[str, tuple[str, str]] = {
    "young": ("young", "青年"), "middle": ("middle-aged", "中年"), "elderly": ("elderly", "老年"),
}
"""Age groups (:data:`cogov.sim.config.AGE_GROUPS`) as the parameter labels name them (青年住户占比 …)."""

RESIDENT_GROUPS: dict[str, tuple[str, str, str]] = {
    # summary key: English, Chinese, what the group is
    "owner": ("owner-occupiers", "业主自住户", "owner-occupied households"),
    "tenant": ("tenants", "租户", "households renting their home"),
    "party_member": ("party-member households", "党员户", "households with a party member"),
    "non_member": ("households without a party member", "非党员户", "households without a party member"),
}
"""Resident groups of ``satisfaction_by_group`` besides age (:func:`cogov.sim.outcomes.metrics.summarise`)."""


def _satisfaction_groups() -> list[Outcome]:
    """``satisfaction_<compound type>``, ``satisfaction_age_<group>`` and ``satisfaction_<resident group>``:
    mean satisfaction at the end of the run within each group (NaN when a group is empty)."""
    def one(key: str, en: str, zh: str, who: str) -> Outcome:
        return Outcome(f"satisfaction_{key}", f"Mean satisfaction at the end of the run of {who} (NaN when there "
                       "are none).", _t(f"Satisfaction: {en}", f"满意度：{zh}"), _SCORE, "score", 1, 0.01, _SCORE_POINT)

    out = [one(t, f"{COMPOUND_TYPE_NAMES[t][0]} compounds", COMPOUND_TYPE_NAMES[t][1],
               f"households in {COMPOUND_TYPE_NAMES[t][0]} compounds") for t in COMPOUND_TYPES]
    out += [one(f"age_{g}", f"{AGE_GROUP_NAMES[g][0]} households", f"{AGE_GROUP_NAMES[g][1]}住户",
                f"{AGE_GROUP_NAMES[g][0]} households") for g in AGE_GROUPS]
    out += [one(key, en, zh, who) for key, (en, zh, who) in RESIDENT_GROUPS.items()]
    return out


# ---------------------------------------------------------------------------------------------- counters
COUNTERS: dict[str, tuple[str, str, str, Kind, Direction, float, str]] = {
    # counter of model.counters (incremented in sim/lifecycle.py): English, Chinese, what it counts, kind,
    # direction, smallest difference, its source. Directions follow the daily metric of the same events.
    "arisen": ("issues arisen", "发生问题", "issues that arose", "count", 0, 10, _ISSUE_TEN),
    "found": ("issues found", "发现问题", "issues found (reported, patrolled or noticed by a steward)", "count", 0,
              10, _ISSUE_TEN),
    "hotline_calls": ("12345 hotline calls", "12345热线来电", "residents' calls to the 12345 hotline", "count", 0,
                      1, "assumption: 1 call; under 接诉即办 every 12345 call must be answered and followed up"),
    "resolved": ("issues resolved", "解决问题", "issues closed with a fix", "count", 0, 10, _ISSUE_TEN),
    "unresolved": ("issues closed unresolved", "办结未解决问题", "issues closed without a fix (failed or abandoned)",
                   "count", -1, 10, _ISSUE_TEN),
    "resolve_days": ("days to resolve", "解决用时", "days from found to closed, summed over resolved issues",
                     "days", 0, 10, ("assumption: 10 days summed over all resolved issues; read the mean "
                                     "(mean_days_to_resolve) to judge speed")),
    "on_time": ("closed on time", "按时办结问题", "issues closed by a handler within the time limit", "count", 0,
                10, _ISSUE_TEN),
    "resolved_in_grid": ("resolved within the grid", "网格内解决问题", "resolved issues closed at grid level",
                         "count", 0, 10, _ISSUE_TEN),
    "abandoned": ("issues abandoned", "居民放弃的问题", "found issues residents gave up waiting for", "count", -1,
                  10, _ISSUE_TEN),
    "stalemates": ("stalled collective issues", "集体事项僵局", "collective issues that stalled", "count", -1,
                   1, "assumption: 1 stalled collective issue, as for stalemates"),
    "escalated": ("issues escalated", "上报升级问题", "issues escalated at least once", "count", 0, 10, _ISSUE_TEN),
    "reworked": ("fixes redone", "重办次数", "failed fixes residents rejected, redone one level up", "count", -1,
                 10, _ISSUE_TEN),
    "disputes_arisen": ("neighbour disputes arisen", "发生邻里纠纷", "issues of the dispute category that arose",
                        "count", 0, 5, "assumption: 5 disputes, as for disputes_mediated"),
    "disputes_resolved": ("neighbour disputes resolved", "化解邻里纠纷", "disputes closed with a fix", "count", 0, 5,
                          "assumption: 5 disputes, as for disputes_mediated"),
    "disputes_mediated": ("disputes mediated", "人民调解纠纷", "disputes closed by a mediation team", "count", 0, 5,
                          "assumption: 5 disputes, as for disputes_mediated"),
    "committees_formed": ("owners' committees formed", "新成立业委会", "owners' committees formed during the run",
                          "count", 1, 1, "assumption: 1 committee"),
    "committees_reelected": ("owners' committees re-elected", "业委会换届连任",
                             "committees re-elected at the end of a term (levers.committee_formation.elections)",
                             "count", 1, 1, "assumption: 1 committee"),
    "committees_lapsed": ("owners' committees lapsed", "业委会到期未换届",
                          "committees that lapsed at the end of a term (levers.committee_formation.elections)",
                          "count", -1, 1, "assumption: 1 committee"),
    "social_contracts_ended": ("social organisations' contracts not renewed", "未续约社会组织",
                               "contracts that went to a new provider after a third-party evaluation", "count", 0, 1,
                               "assumption: 1 contract"),
    "social_orgs_incubated": ("social organisations incubated", "孵化社会组织",
                              "organisations incubated by venture-philanthropy projects", "count", 1, 1,
                              "assumption: 1 organisation"),
    "venture_projects": ("venture-philanthropy projects", "公益创投项目", "projects funded", "count", 0, 1,
                         "assumption: 1 project"),
    "social_orgs_grown": ("growth steps of incubated organisations", "孵化组织成长次数",
                          "yearly steps by which incubated organisations' staff grew (levers.venture_philanthropy)",
                          "count", 1, 1, "assumption: 1 step"),
    "recurred_unkept": ("matters come back where nobody keeps the compound", "无人管理小区问题复发",
                        "fixed property matters of compounds nobody keeps that came back (service.unkept_recurrence)",
                        "count", -1, 10, _ISSUE_TEN),
    "claimed_by_neighbours": ("matters claimed by a neighbouring grid", "邻近网格接单",
                              "matters a neighbouring grid claimed on the platform (task claiming)", "count", 0, 10,
                              _ISSUE_TEN),
    "reported_by_app": ("issues reported through the app", "经App上报问题",
                        "resident reports made through the community's app (levers.digital_platform)", "count", 0, 10,
                        _ISSUE_TEN),
    "care_visits": ("care visits", "关爱走访", "visits of proactive care to vulnerable households", "count", 0, 10,
                    "assumption: 10 visits"),
    "found_by_care_visits": ("issues found by care visits", "走访发现问题",
                             "open issues of vulnerable households a care visit found", "count", 0, 10, _ISSUE_TEN),
    "posts_claimed": ("posts claimed", "认领岗位", "posts party members claimed when their branch asked", "count", 0,
                      1, "assumption: 1 post"),
    "posts_lapsed": ("posts lapsed", "岗位失效", "posts whose holders neither served nor were followed up", "count",
                     -1, 1, "assumption: 1 post"),
    "suggestions": ("suggestions raised", "党员建议", "unreported issues post-holders noticed and raised", "count", 0, 10,
                    _ISSUE_TEN),
    "five_ones_actions": ("prescribed actions done", "“五个一”规定动作", ("actions of the five ones in-service members "
                          "did (one per session)"), "count", 1, 10, "assumption: 10 actions"),
    "five_ones_suggestions": ("prescribed suggestions", "“五个一”合理建议", ("unreported issues of their building "
                              "in-service members raised as their suggestion of the five ones"), "count", 0, 10,
                              _ISSUE_TEN),
    "five_ones_visits": ("visits to paired households", "结对帮扶走访", ("visits in-service members paid to the "
                         "household in difficulty they are paired with"), "count", 1, 5, "assumption: 5 visits"),
    "five_ones_followed_up": ("members followed up on the five ones", "“五个一”督促党员", ("in-service members behind on "
                              "the five ones whom their branch asked at its review"), "count", 0, 10,
                              "assumption: 10 members"),
    "activities": ("activities held", "举办活动", "activities held at the centre and lent venues", "count", 0, 1,
                   "assumption: 1 activity"),
    "activity_attendances": ("attendances at activities", "活动参与人次",
                             "households taking part, counted once a day whatever the venues", "count", 1, 10,
                             "assumption: 10 attendances"),
    "needs_listed": ("needs listed", "需求清单事项", "needs the community listed", "count", 0, 1, "assumption: 1 need"),
    "needs_voiced": ("needs voiced by residents", "居民点单", ("households that voiced their need when needs "
                     "were collected (levers.needs_projects.residents_order)"), "count", 0, 10, "assumption: 10 households"),
    "needs_matched": ("needs taken by a unit", "认领需求", "listed needs an engaged co-building unit took on", "count",
                      1, 1, "assumption: 1 need"),
    "needs_met": ("listed needs met", "需求满足户次", "households served by projects answering listed needs", "count", 1,
                  10, "assumption: 10 households"),
    "team_members_joined": ("members joining volunteer teams", "加入志愿服务队党员",
                            "party members who joined their grid's team when asked", "count", 1, 1,
                            "assumption: 1 member"),
    "found_by_mediators": ("disputes found by mediators", "调解员排查发现纠纷",
                           "unreported disputes a mediator noticed in their building", "count", 0, 5,
                           "assumption: 5 disputes, as for disputes_mediated"),
}
"""Every counter of ``model.counters``; a counter missing here fails the registry test that reads
``sim/`` for ``counters["…"]``."""

STATE_NAMES: dict[str, tuple[str, str, str, Direction]] = {
    # issue state (cogov.sim.issues.State): English, Chinese, what it is, direction
    "latent": ("latent issues", "未发现问题", "open issues nobody has found", -1),
    "agreement": ("awaiting agreement", "待协商一致问题",
                  "found collective issues waiting for owners and company to agree", -1),
    "queued": ("being handled", "办理中问题", "found issues in a handler's queue", -1),
    "resolved": ("resolved", "已解决问题", "issues closed with a fix", 0),
    "unresolved": ("closed unresolved", "办结未解决问题", "issues closed without a fix", -1),
}
"""Issue states as the end-of-run ``count_state_<state>`` outcomes name them."""


def _counts() -> list[Outcome]:
    """``count_<counter>`` (cumulative counters) and ``count_state_<state>`` (issues by state at the end)."""
    out = [Outcome(f"count_{key}", f"Run total of {what}, from day 0 to the end (counter {key!r}).",
                   _t(f"Run total: {en}", f"全程累计：{zh}"),
                   Text("days", "天") if kind == "days" else _ISSUES, kind, better, smallest, source)
           for key, (en, zh, what, kind, better, smallest, source) in COUNTERS.items()]
    for state in State:
        en, zh, what, better = STATE_NAMES[state.name.lower()]
        out.append(Outcome(f"count_state_{state.name.lower()}", f"Issues in state {state.name.lower()} at the end "
                           f"of the run: {what}.", _t(f"At the end: {en}", f"期末状态：{zh}"), _ISSUES, "count",
                           better, 10, _ISSUE_TEN))
    return out


# ---------------------------------------------------------------------------------------------- community descriptors
_ONE = ("assumption: 1; the descriptors are whole numbers of a generated community, so any difference is a "
        "different community")
_STEP = ("assumption: 1 percentage point; the share moves in steps of one compound, company or member, so any "
         "change of the generated community exceeds it")

COMMUNITY: dict[str, tuple[str, str, Text, Kind]] = {
    # key of CommunityModel.describe_community (nested keys joined with '_'): English, Chinese, unit, kind
    "households": ("households", "住户数", Text("households", "户"), "count"),
    "buildings": ("buildings", "楼栋数", Text("buildings", "栋"), "count"),
    "compounds": ("compounds", "小区数", Text("compounds", "个"), "count"),
    "grids": ("grids", "网格数", Text("grids", "个"), "count"),
    **{f"compounds_by_type_{t}": (f"{COMPOUND_TYPE_NAMES[t][0]} compounds", f"{COMPOUND_TYPE_NAMES[t][1]}数",
                                  Text("compounds", "个"), "count") for t in COMPOUND_TYPES},
    "property_management_share": ("compounds with a property company", "物业覆盖率",
                                  Text("share of compounds", "占小区比例"), "share"),
    "owners_committee_share": ("compounds with an owners' committee", "业委会组建率",
                               Text("share of compounds", "占小区比例"), "share"),
    "party_branch_share": ("compounds with a party branch", "党支部覆盖率",
                           Text("share of compounds", "占小区比例"), "share"),
    "party_member_households": ("party-member households", "党员户数", Text("households", "户"), "count"),
    "in_service_members": ("in-service party members", "在职党员数", Text("members", "人"), "count"),
    "retired_member_share": ("retired party members", "离退休党员占比",
                             Text("share of party-member households", "占党员户比例"), "share"),
    "eligible_volunteers": ("possible volunteers", "可参与志愿服务住户数",
                            Text("households: party members and registered volunteers", "户，党员与注册志愿者"),
                            "count"),
    "community_staff": ("community workers", "社区工作者人数", Text("persons", "人"), "count"),
    "property_party_organisation_share": ("property companies with a party organisation", "物业企业党组织覆盖率",
                                          Text("share of property companies", "占物业企业比例"), "share"),
    "property_companies": ("property companies", "物业公司数", Text("companies", "个"), "count"),
    "social_organisations": ("social organisations", "社会组织数", Text("organisations", "个"), "count"),
    "co_building_units": ("co-building units", "共建单位数", Text("units", "个"), "count"),
}
"""The numbers of ``CommunityModel.describe_community()``, run outputs as ``community_<key>``."""


def _community() -> list[Outcome]:
    """``community_<descriptor>``: the generated community, fixed by the scenario and the seed. They
    describe the community rather than judge its governance: no verdict."""
    return [Outcome(f"community_{key}", f"The generated community: {en} (CommunityModel.describe_community).",
                    _t(f"Community: {en}", f"社区：{zh}"), unit, kind, 0, 0.01 if kind == "share" else 1,
                    _STEP if kind == "share" else _ONE)
            for key, (en, zh, unit, kind) in COMMUNITY.items()]


# ---------------------------------------------------------------------------------------------- spending by item
SPENDING_LABELS: dict[str, tuple[str, str]] = {
    "funds_and_salaries": ("funds and salaries", "经费与工资"),
    "volunteer_points": ("volunteer points", "志愿积分兑换"),
    "secretary_training": ("secretaries' training", "书记培训"),
    "branch_rewards": ("branch rewards", "支部奖补"),
    "co_building_money": ("co-building units' money", "共建单位资金"),
    "mediation_case_subsidies": ("mediation case subsidies", "调解以案定补"),
    "mediation_lawyer_hours": ("mediation lawyer", "调解法律顾问"),
    "fallback_property_subsidies": ("fallback property subsidies", "托底物业补贴"),
    "social_org_evaluations": ("social organisation evaluations", "社会组织第三方评估"),
    "venture_projects": ("venture philanthropy projects", "公益创投项目"),
    "incubated_org_staff": ("incubated organisations' staff", "孵化组织人员"),
    "digital_platform": ("digital platform", "数字平台"),
    "care_visits": ("care visits", "关爱走访"),
    "activities": ("activities", "社区活动"),
    "needs_projects": ("needs projects", "需求项目"),
    "work_unit_logistics": ("work units' logistics staff", "原单位后勤人员"),
    "self_management_fees": ("self-management fees", "自管会费用"),
    "fee_leverage_subsidies": ("fee leverage subsidies", "撬动缴费配套资金"),
    "meeting_staff_time": ("staff time in meetings", "会议占用的人员工时"),
}
"""Short names of the cost ledger's items (:data:`cogov.sim.ledger.ITEMS`), for ``spent_<item>``."""
assert set(SPENDING_LABELS) == set(LEDGER_ITEMS), "every ledger item needs a short name here"
PAYER_NAMES: dict[str, tuple[str, str]] = {
    PUBLIC: ("public money", "公共资金"), "co_building_units": ("co-building units", "共建单位"),
    "work_units": ("former work units", "原单位"), "residents": ("residents", "居民"),
}


_TEN_THOUSAND_CNY = "assumption: 10,000 CNY, as the public cost's (1 万元, the unit community budgets are stated in)"


def _spending() -> list[Outcome]:
    """``spent_<item>``: money spent on each item of the cost ledger since day 0, public or not (a breakdown: no
    verdict); the public items add up to ``cost_total``."""
    out = []
    for item, description in LEDGER_ITEMS.items():
        en, zh = SPENDING_LABELS[item]
        payer_en = PAYER_NAMES[payer_of(item)][0]
        # the ledger names items with their Chinese terms; an English description keeps only the English
        english = re.sub(r"\(\s*\)", "", re.sub(r"[\u3000-\u9fff]+(,\s*)?", "", description)).replace("  ", " ")
        out.append(Outcome(f"spent_{item}", f"Money spent since day 0 on {english}; paid by {payer_en}.",
                           _t(f"Spent: {en}", f"支出：{zh}"), _t("CNY, cumulative", "元，累计"), "cny", 0, 10_000,
                           _TEN_THOUSAND_CNY))
    return out


# ---------------------------------------------------------------------------------------------- a street's outcomes
STREET_COMPARED: tuple[str, ...] = (
    "satisfaction_mean",
    "trust_mean",
    "resolution_rate",
    "on_time_share",
    "mean_days_to_resolve",
    "backlog",
    "escalation_rate",
    "cost_per_resolved",
)
"""Community outcomes a street run compares across its communities (:mod:`cogov.sim.street.outcomes`): each is
also a street outcome under its own name (the household-weighted street mean) and with the suffixes of
:data:`STREET_SPREADS`."""
STREET_SPREADS: tuple[str, ...] = ("gap", "sd", "min", "max")
"""How a compared outcome's spread across a street's communities is named (``satisfaction_mean_gap``…)."""
STREET_TOTALS: tuple[str, ...] = ("department_hours_sent", "whistled_hours_sent", "sunk_hours_sent", "street_cost_total")
"""What a street's level did over a run (hours), and what the whole street cost (CNY)."""


def _street() -> list[Outcome]:
    """A street run's outcomes: each compared outcome's gap, spread, lowest and highest community, in the compared
    outcome's units and with its smallest meaningful difference; and the street level's hours."""
    words = {
        "gap": ("Gap across communities", "社区间差距", -1, "the highest community minus the lowest"),
        "sd": ("Spread across communities", "社区间标准差", -1, "the standard deviation across communities"),
        "min": ("Lowest community", "最低社区", None, "the lowest community's value"),
        "max": ("Highest community", "最高社区", None, "the highest community's value"),
    }
    declared = {o.name: o for o in _daily()}
    out: list[Outcome] = []
    for name in STREET_COMPARED:
        base = declared[name]
        low, high = base.bounds if base.bounds is not None else DEFAULT_BOUNDS.get(base.kind, (-math.inf, math.inf))
        for kind, (en, zh, better, what) in words.items():
            out.append(Outcome(
                f"{name}_{kind}", f"Street: {what} of {base.name} at the end of the run. {base.description}",
                _t(f"{en}: {base.label['en']}", f"{zh}：{base.label['zh']}"), base.unit, base.kind,
                base.better if better is None else better, base.smallest_difference,
                f"{base.smallest_difference_source} (that of {base.name})",
                bounds=(0.0, high - low) if kind in ("gap", "sd") else (low, high)))
    hours = {
        "department_hours_sent": ("Department hours sent", "部门派出工时", ("Hours the district departments sent to the "
                                  "communities' street-level matters over the run (a street run).")),
        "whistled_hours_sent": ("Whistled hours", "吹哨派出工时", ("Of the department hours, those sent to matters "
                                "raised through 12345 under the street's whistle (a street run).")),
        "sunk_hours_sent": ("Sunk-post hours sent", "下沉编制工时", ("Hours of posts sunk to the street office sent "
                            "to the communities' street-level matters over the run (a street run).")),
    }
    for name, (en, zh, description) in hours.items():
        out.append(Outcome(name, description, _t(en, zh), _t("hours", "小时"), "hours", 0, 10.0,
                           "assumption: 10 hours, a working day and a bit, over a run"))
    out.append(Outcome("street_backlog", "Matters waiting at the street level (escalated or called in), all the street's "
                       "communities together (a street run's daily series).", _t("Street-level backlog", "街道层级积压"),
                       _t("open issues", "件"), "count", -1, 10, declared["backlog"].smallest_difference_source))
    cost = declared["cost_total"]
    out.append(Outcome("street_cost_total", "Public money spent since day 0 by the whole street: every community's "
                       "public cost (cost_total) plus the salaries of posts sunk to the street office. Departments' "
                       "hours are not costed: they are existing staff's time, sent one way or another.",
                       _t("Street's public cost", "街道公共支出"), cost.unit, "cny", -1, cost.smallest_difference,
                       cost.smallest_difference_source))
    return out


# ---------------------------------------------------------------------------------------------- a street's communities
PER_COMMUNITY: tuple[str, ...] = ("satisfaction_mean", "resolution_rate", "mean_days_to_resolve", "cost_total")
"""Community outcomes a street run records for each of its communities, one by one (:func:`community_column`)."""
FUNDS_YEAR = "funds_year"
"""A street run also records each community's funds for each year of the run it began: ``c<k>_funds_year<y>``."""
_COMMUNITY_COLUMN = re.compile(r"c([1-9][0-9]{0,3})_(\w+)")
_FUNDS_YEAR = re.compile(FUNDS_YEAR + r"([1-9][0-9]?)")


def community_column(position: int, name: str) -> str:
    """The run-table column of community outcome ``name`` (of :data:`PER_COMMUNITY`, or ``funds_year<y>``) for the
    street's ``position``-th community: ``c<position>_<name>`` (``c3_satisfaction_mean``, ``c3_funds_year1``).

    Why positions rather than names: community names come from street files (up to 120 characters of anything,
    Chinese, spaces, quotes), and a sanitised name could collide with another (``a-b`` and ``a_b``) or lose all its
    letters; a position is 1-based in the street file's order, entries with ``count`` > 1 counted in full (as
    ``communities.csv`` lists them), so ``c1`` is always the first community. The names belong to the street file
    (a report reads them from it, :mod:`cogov.analysis.street_communities`)."""
    if not isinstance(position, int) or isinstance(position, bool) or not 1 <= position <= 9999:
        raise ValueError(f"community position must be a whole number from 1 to 9999, not {position!r}")
    column = f"c{position}_{name}"
    if _per_community(column) is None:
        raise UndeclaredOutcome(column)
    return column


def parse_community_column(column: str) -> tuple[int, str] | None:
    """``(position, outcome)`` of a per-community column (``c3_funds_year1`` → ``(3, "funds_year1")``); None for any
    other name."""
    match = _COMMUNITY_COLUMN.fullmatch(column) if isinstance(column, str) else None
    if match is None:
        return None
    rest = match.group(2)
    if rest not in PER_COMMUNITY and _FUNDS_YEAR.fullmatch(rest) is None:
        return None
    return int(match.group(1)), rest


@functools.lru_cache(maxsize=4096)
def _per_community(column: str) -> Outcome | None:
    """The declaration of a per-community column, made from its community outcome's (None if it is none).

    Why a family resolved by name rather than rows of :data:`OUTCOMES`: how many there are depends on the street (a
    street of 24 communities has 96 of them, and a street may have any number), so they cannot be listed once. Every
    consumer that looks an outcome up by name (figures, wording, ``cogov compare --outcomes c2_satisfaction_mean``,
    ``cogov plot --metric``, reports) gets a full declaration; every enumeration of :data:`OUTCOMES` (key outcomes,
    figures' views, the classroom, a comparison's default table) never lists them, so they stay out of the generic
    tables and figures and appear in the report's section on the communities of a street."""
    parsed = parse_community_column(column)
    if parsed is None:
        return None
    position, name = parsed
    ordinal = f"community {position} of the street (in the street file's order)"
    if name in PER_COMMUNITY:
        base = _REGISTRY[name]
        return Outcome(column, f"Street run: {base.name} of {ordinal} at the end of the run. {base.description}",
                       _t(f"Community {position}: {base.label['en']}", f"第 {position} 个社区：{base.label['zh']}"),
                       base.unit, base.kind, base.better, base.smallest_difference,
                       f"{base.smallest_difference_source} (that of {base.name})", bounds=base.bounds)
    year = int(name.removeprefix(FUNDS_YEAR))
    return Outcome(column, f"Street run: the funds the street allotted {ordinal} for year {year} of the run (CNY a "
                   "year; under the 'own' rule the community's own levers.funding.annual_cny). Set at the start of "
                   "each year, so a run records the years it began.",
                   _t(f"Community {position}: Funds, year {year}", f"第 {position} 个社区：第 {year} 年经费"),
                   _t("CNY a year", "元/年"), "cny", 0, 10_000,
                   _TEN_THOUSAND_CNY)


# ---------------------------------------------------------------------------------------------- the registry
def _table(declared: Iterable[Outcome]) -> dict[str, Outcome]:
    table: dict[str, Outcome] = {}
    for item in declared:
        if item.name in table:
            raise ValueError(f"outcome {item.name!r} is declared twice")
        table[item.name] = item
    return table


_REGISTRY: dict[str, Outcome] = _table([*_daily(), *_pattern_measures(), *_satisfaction_groups(), *_counts(),
                                        *_community(), *_spending(), *_street()])
assert not [n for n in _REGISTRY if parse_community_column(n)], "a declared name reads as a per-community column"
STREET_ONLY: frozenset[str] = frozenset(o.name for o in _street())
"""Outcomes only a street run has (a street's means share their community outcomes' names)."""


def compared_by_default() -> tuple[str, ...]:
    """What a comparison shows unless told otherwise: the key outcomes, then the gaps across communities of those a
    street compares (present only in street runs; a comparison keeps the outcomes its runs have)."""
    key = outcome_names(key=True)
    return (*key, *(f"{name}_gap" for name in STREET_COMPARED if name in key))

OUTCOMES: Mapping[str, Outcome] = MappingProxyType(_REGISTRY)
"""Every declared outcome by name, in declaration order (a read-only view; :func:`register` adds to it)."""


def outcome(name: str) -> Outcome:
    """The declared outcome ``name``, or the per-community column ``name`` of a street run (``c3_satisfaction_mean``,
    :func:`community_column`); :class:`UndeclaredOutcome` if it is neither."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):  # TypeError: an unhashable "name" is not declared either
        pass
    member = _per_community(name) if isinstance(name, str) else None
    if member is None:
        raise UndeclaredOutcome(name) from None
    return member


def outcomes(*, daily: bool | None = None, key: bool | None = None, view: View | None = None) -> tuple[Outcome, ...]:
    """Declared outcomes in declaration order, optionally only those with the given ``daily`` or ``key``
    flag or drawn in ``view``."""
    return tuple(o for o in _REGISTRY.values()
                 if (daily is None or o.daily == daily) and (key is None or o.key == key)
                 and (view is None or view in o.views))


def outcome_names(*, daily: bool | None = None, key: bool | None = None, view: View | None = None) -> tuple[str, ...]:
    """Names of :func:`outcomes` with the same filters (e.g. ``outcome_names(key=True)``: the outcomes
    compared by default)."""
    return tuple(o.name for o in outcomes(daily=daily, key=key, view=view))


def smallest_difference(name: str, overrides: Mapping[str, float] | None = None) -> float:
    """The smallest meaningful difference of ``name`` in its own units: ``overrides[name]`` where given
    (a user's own threshold), else the declared one.

    Every name in ``overrides`` must be a declared outcome (a misspelt override would otherwise be
    silently ignored) and every value a positive number.
    """
    declared = outcome(name).smallest_difference
    if not overrides:
        return declared
    for other, value in overrides.items():
        outcome(other)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
            raise ValueError(f"smallest difference of {other!r} must be a positive number, not {value!r}")
    return float(overrides.get(name, declared))


def register(item: Outcome) -> Outcome:
    """Declare an outcome from code (a test function, a plugin target): its output must be declared
    before any consumer can show it.

    Registering the same declaration again is allowed (a module imported twice); a different one under
    a name already declared raises :class:`ValueError`, as do labels another outcome already uses.
    Returns ``item``.
    """
    existing = _REGISTRY.get(item.name)
    if existing is not None:
        if existing == item:
            return existing
        raise ValueError(f"outcome {item.name!r} is already declared differently; outcomes are declared in {WHERE}")
    for lang in LANGS:
        clash = next((o.name for o in _REGISTRY.values() if o.label[lang] == item.label[lang]), None)
        if clash is not None:
            raise ValueError(f"outcome {item.name!r}: label {item.label[lang]!r} ({lang}) is already that of {clash!r}")
    _REGISTRY[item.name] = item
    return item


__all__ = ["COUNTERS", "KINDS", "OUTCOMES", "Direction", "Kind", "Outcome", "Text", "UndeclaredOutcome", "View",
           "outcome", "outcome_names", "outcomes", "register", "smallest_difference"]
