"""The levers a teacher can move on the classroom page, and every word on it, in English and Chinese.

A :class:`Lever` names a scenario key path (``levers.burden.admin_share``), the kind of control and its
range; :func:`lever_values` reads the current values from a scenario, :func:`lever_overrides` turns
the page's settings back into the overrides :class:`~cogov.sim.model.CommunityModel` accepts (only those that
differ from the scenario, so the model's provenance says exactly what the class changed).
No solara here: the app, the tests and ``cogov animate`` share it.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cogov.sim.config import ScenarioConfig
from cogov.sim.labels import parameter_text
from cogov.sim.outcomes.registry import outcome_names
from cogov.sim.scenario import builtin_dir, builtin_names, file_title

LANGS: tuple[str, ...] = ("en", "zh")

LeverKind = Literal["switch", "int", "float"]


@dataclass(frozen=True)
class Lever:
    """One control on the page: a scenario parameter, its kind and range. Its words are the
    parameter's name and unit in :data:`cogov.sim.labels.PARAMETER_LABELS`, the same as in figures and
    reports."""

    path: str
    kind: LeverKind
    group: str
    min: float = 0.0
    max: float = 1.0
    step: float = 1.0

    def label(self, lang: str) -> str:
        """Name with its unit, as shown next to the control."""
        return parameter_text(self.path, lang)

    def name(self, lang: str) -> str:
        """Name without the unit."""
        return parameter_text(self.path, lang, with_unit=False)

    def coerce(self, value: Any) -> bool | int | float:
        """A control's value as the parameter's type (sliders report floats, switches bools)."""
        if self.kind == "switch":
            return bool(value)
        if self.kind == "int":
            return round(float(value))
        return float(value)


GROUPS: dict[str, dict[str, str]] = {
    "money": {"en": "Money", "zh": "经费"},
    "cross": {"en": "Cross-appointment (party building)", "zh": "交叉任职（党建引领）"},
    "volunteers": {"en": "Volunteers and party members", "zh": "志愿者与党员"},
    "grid": {"en": "Grid staffing", "zh": "网格力量"},
    "burden": {"en": "Administrative burden", "zh": "行政负担"},
    "arrangements": {"en": "Co-governance arrangements", "zh": "共治机制"},
}
"""Headings of the lever groups, in page order."""

LEVERS: tuple[Lever, ...] = (
    Lever("levers.funding.annual_cny", "int", "money", min=0, max=1_000_000, step=10_000),
    Lever("levers.cross_appointment.party_owners_committee", "switch", "cross"),
    Lever("levers.cross_appointment.party_property", "switch", "cross"),
    Lever("levers.cross_appointment.big_party_committee", "switch", "cross"),
    Lever("levers.three_party_linkage.enabled", "switch", "cross"),
    Lever("levers.volunteer_incentives.points_per_hour", "int", "volunteers", min=0, max=30, step=1),
    Lever("levers.volunteer_incentives.cny_per_point", "float", "volunteers", min=0.0, max=5.0, step=0.5),
    Lever("levers.volunteer_incentives.employer_feedback", "switch", "volunteers"),
    Lever("levers.grid.full_time_workers", "int", "grid", min=0, max=5, step=1),
    Lever("levers.grid.part_time_workers", "int", "grid", min=0, max=12, step=1),
    Lever("levers.burden.admin_share", "float", "burden", min=0.0, max=0.9, step=0.05),
    Lever("levers.burden.access_list", "switch", "burden"),
    Lever("levers.mediation.enabled", "switch", "arrangements"),
    Lever("levers.self_management.enabled", "switch", "arrangements"),
    Lever("levers.work_unit_management.enabled", "switch", "arrangements"),
    Lever("levers.fallback_property.enabled", "switch", "arrangements"),
    Lever("levers.fee_leverage.enabled", "switch", "arrangements"),
    Lever("levers.committee_formation.enabled", "switch", "arrangements"),
    Lever("levers.digital_platform.enabled", "switch", "arrangements"),
    Lever("levers.proactive_care.enabled", "switch", "arrangements"),
    Lever("levers.activities.enabled", "switch", "arrangements"),
    Lever("levers.needs_projects.enabled", "switch", "arrangements"),
    Lever("levers.posts.enabled", "switch", "volunteers"),
    Lever("levers.volunteer_teams.enabled", "switch", "volunteers"),
    Lever("levers.five_ones.enabled", "switch", "volunteers"),
    Lever("levers.social_contracts.enabled", "switch", "arrangements"),
    Lever("levers.venture_philanthropy.projects_per_year", "int", "arrangements", min=0, max=6, step=1),
)
"""Levers on the page (issue 6: funding, each cross-appointment link, points, employer feedback, grid
staffing, burden; issue 12: the arrangements added since: mediation, self-management, the fallback company, fee leverage,
committees formed over the years, social organisations' contracts and projects, the
community's app, proactive care, members' posts, activities, needs
projects), each inside the range the
scenario format allows."""

LEVERS_BY_PATH: dict[str, Lever] = {lever.path: lever for lever in LEVERS}

CHART_METRICS: tuple[str, ...] = outcome_names(view="classroom")
"""Daily outcomes charted live: those the outcome registry (:mod:`cogov.sim.outcomes.registry`) puts in the
``classroom`` view, with their names, units and typical ranges from there."""

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Community co-governance — classroom", "zh": "社区多方共治 · 课堂演示"},
    "language": {"en": "中文", "zh": "English"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "run": {"en": "Run", "zh": "运行"},
    "step": {"en": "Step", "zh": "单步"},
    "play": {"en": "Play", "zh": "播放"},
    "pause": {"en": "Pause", "zh": "暂停"},
    "reset": {"en": "Reset", "zh": "重置"},
    "speed": {"en": "Days per step", "zh": "每步天数"},
    "seed": {"en": "Random seed (same seed: same community and issues)", "zh": "随机种子（相同种子：相同社区与问题）"},
    "levers": {"en": "Levers", "zh": "政策杠杆"},
    "scenario_values": {"en": "Back to the scenario's values", "zh": "恢复情景原设置"},
    "day": {"en": "Day {day} of {days}", "zh": "第 {day} 天（共 {days} 天）"},
    "finished": {"en": "end of the run", "zh": "运行结束"},
    "pending": {"en": "Settings changed: press Reset to start again with them.",
                "zh": "设置已更改：按“重置”后按新设置重新开始。"},
    "changed": {"en": "Changed from the scenario: {items}", "zh": "相对情景的更改：{items}"},
    "unchanged": {"en": "Levers as in the scenario file.", "zh": "政策杠杆与情景文件一致。"},
    "previous": {"en": "previous run", "zh": "上一次运行"},
    "previous_none": {"en": "previous run (after a Reset)", "zh": "上一次运行（重置后显示）"},
    "current": {"en": "this run", "zh": "本次运行"},
    "map_alt": {"en": "Community map", "zh": "社区地图"},
    "charts_alt": {"en": "Charts over time", "zh": "指标变化图"},
    "status": {"en": "Day {day}: resolved {resolution} · backlog {backlog} · satisfaction {satisfaction:.3f} · "
                     "trust {trust:.3f} · volunteering {volunteer:.1%} · public cost so far CNY {cost_k:,.0f}k",
               "zh": "第 {day} 天：解决率 {resolution} · 积压 {backlog} 件 · 满意度 {satisfaction:.3f} · "
                     "信任度 {trust:.3f} · 志愿参与 {volunteer:.1%} · 累计公共支出 {cost_w:,.1f} 万元"},
    "issues_found": {"en": "Issue being handled", "zh": "办理中的问题"},
    "issues_agreement": {"en": "Issue awaiting owners' and company's agreement", "zh": "待业主与物业协商一致的问题"},
    "issues_latent": {"en": "Issue not yet found", "zh": "尚未发现的问题"},
    "map_title": {"en": "Satisfaction by building, day {day}", "zh": "各楼栋居民满意度（第 {day} 天）"},
    "charts_title": {"en": "{scenario}: day {day}", "zh": "{scenario}：第 {day} 天"},
    "legend_title": {"en": "Lines", "zh": "图例"},
    "error": {"en": "Could not build the model: {error}", "zh": "无法建立模型：{error}"},
    "not_offered": {"en": "That scenario is not offered on this page.", "zh": "本页面不提供该情景。"},
    "how": {"en": "Predict first, then press Play. Levers take effect at Reset; the previous run stays as a "
                  "dashed grey line.",
            "zh": "先预测，再按“播放”。政策杠杆在“重置”后生效；上一次运行以灰色虚线保留。"},
}
"""Every other word on the page and in ``cogov animate``."""


def text(key: str, lang: str, **fields: Any) -> str:
    """UI text ``key`` in ``lang`` (``en`` or ``zh``) with ``fields`` filled in."""
    return TEXT[key][lang].format(**fields)


def _get(config: ScenarioConfig, path: str) -> Any:
    return functools.reduce(getattr, path.split("."), config)


def lever_values(config: ScenarioConfig) -> dict[str, bool | int | float]:
    """Current value of every lever in ``config`` (a scenario as loaded)."""
    return {lever.path: lever.coerce(_get(config, lever.path)) for lever in LEVERS}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def lever_overrides(values: dict[str, Any], config: ScenarioConfig) -> dict[str, bool | int | float]:
    """The page's lever ``values`` that differ from ``config``, as ``CommunityModel`` overrides by key path.

    Unknown paths raise ``KeyError`` (a typo in the page must not be silently ignored).
    """
    base = lever_values(config)
    overrides: dict[str, bool | int | float] = {}
    for path, value in values.items():
        lever = LEVERS_BY_PATH[path]
        value = lever.coerce(value)
        if not _same(value, base[path]):
            overrides[path] = value
    return overrides


def format_value(lever: Lever, value: Any, lang: str) -> str:
    """A lever's value in words (switches: on/off in the language)."""
    if lever.kind == "switch":
        return ({"en": "on", "zh": "开"} if value else {"en": "off", "zh": "关"})[lang]
    if lever.kind == "int":
        return f"{int(value):,}"
    return f"{float(value):g}"


def override_items(overrides: dict[str, Any], config: ScenarioConfig, lang: str) -> str:
    """The levers that differ from the scenario, as ``name old → new`` joined in ``lang``."""
    base = lever_values(config)
    items = []
    for path, value in overrides.items():
        lever = LEVERS_BY_PATH[path]
        items.append(f"{lever.name(lang)} {format_value(lever, base[path], lang)} → {format_value(lever, value, lang)}")
    return ("；" if lang == "zh" else "; ").join(items)


def describe_overrides(overrides: dict[str, Any], config: ScenarioConfig, lang: str) -> str:
    """One sentence saying which levers differ from the scenario, e.g. ``Changed …: burden 0.8 → 0.5``."""
    if not overrides:
        return text("unchanged", lang)
    return text("changed", lang, items=override_items(overrides, config, lang))


@functools.cache
def scenario_titles() -> dict[str, dict[str, str]]:
    """Title of every built-in scenario in both languages, from the first line of its file
    (``# English title — 中文标题``, :func:`cogov.sim.scenario.file_title`); the name itself where a file has
    no such line."""
    return {name: file_title(builtin_dir() / f"{name}.toml") or {"en": name, "zh": name} for name in builtin_names()}


def scenario_title(name: str, lang: str) -> str:
    """Display name of a scenario: its title with the name, or the file name for a scenario file."""
    titles = scenario_titles()
    if name in titles:
        return f"{name} — {titles[name][lang]}"
    return Path(name).name
