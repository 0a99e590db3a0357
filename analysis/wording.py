"""Plain words for comparison results, in English and Chinese.

Turns a row of the comparison table (:func:`cogov.analysis.compare.compare_runs`) into a sentence a
district official can read: the two means in the outcome's own units, the difference with its 95 %
interval, whether that is better or worse for residents, how large it is against the variation
between replicate communities, or that it cannot be told apart from noise.

Kept apart from the report layout (:mod:`cogov.analysis.report`) so that the console, the HTML and the
Markdown reports say the same thing in the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from cogov.analysis.figures import check_lang, metric_name

Kind = Literal["share", "score", "days", "count", "cny", "number"]
Direction = Literal[1, -1, 0]

OUTCOME_KIND: dict[str, Kind] = {
    "resolution_rate": "share", "on_time_share": "share", "resolved_in_grid_share": "share",
    "escalation_rate": "share", "volunteer_share": "share", "inservice_serving_share": "share",
    "mean_days_to_resolve": "days",
    "backlog": "count", "stalemates": "count", "latent": "count", "issues_arisen": "count", "resolved": "count",
    "satisfaction_mean": "score", "satisfaction_p10": "score", "trust_mean": "score",
    "company_quality": "score", "volunteer_motivation": "score",
    "cost_per_resolved": "cny", "cost_total": "cny",
}
"""How each outcome is measured, which decides how its numbers are written."""

BETTER_WHEN: dict[str, Direction] = {
    "resolution_rate": 1, "on_time_share": 1, "resolved_in_grid_share": 1, "volunteer_share": 1,
    "inservice_serving_share": 1, "satisfaction_mean": 1, "satisfaction_p10": 1, "trust_mean": 1,
    "company_quality": 1, "volunteer_motivation": 1,
    "mean_days_to_resolve": -1, "backlog": -1, "stalemates": -1, "latent": -1, "cost_per_resolved": -1,
    "cost_total": -1,
    # Escalation is not simply good or bad: the whistle lever raises it on purpose (issues reach the
    # level that can solve them), while "small matters stay in the grid" lowers it. No verdict.
    "escalation_rate": 0,
}
"""+1: higher is an improvement (for residents, or for the public purse); -1: lower is; 0: no verdict."""

EFFECT_SIZES: tuple[tuple[float, str], ...] = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"),
                                               (math.inf, "large"))
"""Cohen's conventional bounds on |d| (difference over the pooled SD across replicates)."""

WORDS: dict[str, dict[str, str]] = {
    "better": {"en": "an improvement", "zh": "有所改善"},
    "worse": {"en": "a deterioration", "zh": "有所恶化"},
    "tradeoff": {"en": "neither better nor worse in itself", "zh": "本身无好坏之分"},
    "rises": {"en": "rises from {a} to {b}", "zh": "由 {a} 升至 {b}"},
    "falls": {"en": "falls from {a} to {b}", "zh": "由 {a} 降至 {b}"},
    "change": {"en": "{diff}; 95 % CI {low} to {high}", "zh": "{diff}；95% 置信区间 {low} 至 {high}"},
    "size": {"en": "size: {size} (d = {d})", "zh": "效应量：{size}（d = {d}）"},
    "noise": {"en": "no difference that can be told apart from noise ({a} vs {b}; difference {change}).",
              "zh": "差异与随机波动无法区分（{a} 对 {b}；差值 {change}）。"},
    "identical": {"en": "the same in every replicate ({a}).", "zh": "各次重复中完全相同（{a}）。"},
    "negligible": {"en": "negligible", "zh": "可忽略"},
    "small": {"en": "small", "zh": "小"},
    "medium": {"en": "medium", "zh": "中等"},
    "large": {"en": "large", "zh": "大"},
    "pp": {"en": " percentage points", "zh": " 个百分点"},
    "days": {"en": " days", "zh": " 天"},
    "cny": {"en": " CNY", "zh": " 元"},
}
"""Phrases, per language; ``{…}`` fields are filled in by :func:`describe`."""


@dataclass(frozen=True)
class Verdict:
    """One outcome of one scenario against the baseline, in words and as flags."""

    outcome: str
    scenario: str
    sentence: str
    distinguishable: bool
    better: bool | None  # None: no verdict (trade-off outcome, or noise)
    size: str


def kind(outcome: str) -> Kind:
    """How ``outcome`` is measured (``number`` for an outcome this module does not know)."""
    return OUTCOME_KIND.get(outcome, "number")


def format_value(outcome: str, value: float, lang: str = "en") -> str:
    """A level in the outcome's own units: ``91.2 %``, ``0.741``, ``6.3 days``, ``1,234 CNY``."""
    if not math.isfinite(value):
        return "n/a"
    match kind(outcome):
        case "share":
            return f"{value * 100:.1f} %" if lang == "en" else f"{value * 100:.1f}%"
        case "score":
            return f"{value:.3f}"
        case "days":
            return f"{value:.1f}{WORDS['days'][lang]}"
        case "count":
            return f"{value:,.1f}"
        case "cny":
            return f"{value:,.0f}{WORDS['cny'][lang]}"
        case _:
            return f"{value:.4g}"


def format_difference(outcome: str, value: float, lang: str = "en", unit: bool = True) -> str:
    """A signed difference: shares in percentage points (``+2.7 percentage points``), others in
    their units."""
    if not math.isfinite(value):
        return "n/a"
    match kind(outcome):
        case "share":
            return f"{value * 100:+.1f}" + (WORDS["pp"][lang] if unit else "")
        case "score":  # small score changes are common and real under paired seeds: keep a significant digit
            return f"{value:+.4f}" if 0 < abs(value) < 0.001 else f"{value:+.3f}"
        case "days":
            return f"{value:+.1f}" + (WORDS["days"][lang] if unit else "")
        case "count":
            return f"{value:+,.1f}"
        case "cny":
            return f"{value:+,.0f}" + (WORDS["cny"][lang] if unit else "")
        case _:
            return f"{value:+.4g}"


def effect_size(d: float) -> str:
    """Cohen's label for |d|: negligible, small, medium or large (``n/a`` when undefined)."""
    if not math.isfinite(d):
        return "n/a"
    return next(label for bound, label in EFFECT_SIZES if abs(d) < bound)


def describe(row: Any, baseline_mean: float, lang: str = "en") -> Verdict:
    """The verdict on one non-baseline row of the comparison table (a mapping or a pandas row)."""
    lang = check_lang(lang)
    outcome, diff = str(row["outcome"]), float(row["difference"])
    name = metric_name(outcome, lang)
    a, b = format_value(outcome, baseline_mean, lang), format_value(outcome, float(row["mean"]), lang)
    change = WORDS["change"][lang].format(
        diff=format_difference(outcome, diff, lang), low=format_difference(outcome, float(row["diff_ci_low"]), lang,
                                                                            unit=False),
        high=format_difference(outcome, float(row["diff_ci_high"]), lang, unit=False))
    size = effect_size(float(row["cohens_d"]))
    colon = ": " if lang == "en" else "："
    if diff == 0 and float(row["diff_ci_low"]) == 0 and float(row["diff_ci_high"]) == 0:
        sentence = f"{name}{colon}" + WORDS["identical"][lang].format(a=a)
        return Verdict(outcome, str(row["scenario"]), sentence, False, None, size)
    if not bool(row["distinguishable"]):
        sentence = f"{name}{colon}" + WORDS["noise"][lang].format(a=a, b=b, change=change)
        return Verdict(outcome, str(row["scenario"]), sentence, False, None, size)
    moves = WORDS["rises" if diff > 0 else "falls"][lang].format(a=a, b=b)
    direction = BETTER_WHEN.get(outcome, 0)
    better = None if direction == 0 else (diff * direction > 0)
    judgement = WORDS["tradeoff" if better is None else ("better" if better else "worse")][lang]
    size_text = WORDS["size"][lang].format(size=WORDS[size][lang] if size in WORDS else size,
                                           d=f"{float(row['cohens_d']):+.2f}")
    if lang == "en":
        sentence = f"{name}{colon}{moves} ({change}) — {judgement}; {size_text}."
    else:
        sentence = f"{name}{colon}{moves}（{change}），{judgement}；{size_text}。"
    return Verdict(outcome, str(row["scenario"]), sentence, True, better, size)
