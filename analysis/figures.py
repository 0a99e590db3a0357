"""Publication figures of cogov runs and sweeps, in English or Chinese, in one consistent style.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global state,
no display needed; the Agg canvas draws it) and, given ``path``, also saves it as PNG.

- :func:`series_with_bands`: a daily metric over time, mean per scenario with a 95 % t-interval band
  across runs.
- :func:`final_distributions`: end-of-run outcomes across replicates, box plot plus jittered points.
- :func:`community_map`: the layout of a live :class:`~cogov.sim.model.CommunityModel` (compounds, grids,
  buildings coloured by satisfaction or backlog, organisations as markers).
- :func:`response_curve`: mean and 95 % CI of an outcome against a swept parameter.
- :func:`heatmap`: mean outcome over two swept parameters, annotated cells.
- :func:`difference_plot`: every outcome's paired difference from the baseline, as a share of the
  baseline mean, with its interval (a forest plot of a comparison table).

Style: :data:`STYLE` (rcParams applied while a figure is built and saved), the Okabe-Ito palette
:data:`PALETTE` (colour-blind safe) and viridis/cividis colour maps. Text: every outcome's name and
unit come from the outcome registry (:mod:`cogov.sim.outcomes.registry`; an undeclared outcome raises
:class:`~cogov.sim.outcomes.registry.UndeclaredOutcome`), and :data:`TEXT` holds the axis, title and
legend text in both languages. Bands and intervals are :func:`cogov.analysis.stats.t_interval`. Chinese needs a CJK
font (:data:`CJK_FONTS`, e.g. Debian ``fonts-wqy-microhei`` or ``fonts-noto-cjk``); without one the
figure falls back to English with a warning, so no glyph is ever drawn as a missing-glyph box.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from cogov.analysis.stats import CONFIDENCE, t_interval
from cogov.sim.agents import GridWorker, OwnersCommittee
from cogov.sim.issues import State
from cogov.sim.labels import parameter_text
from cogov.sim.outcomes.registry import outcome

LANGS = ("en", "zh")
CONF_LEVEL = CONFIDENCE
DPI = 150

PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe-Ito colours, distinguishable with the common forms of colour blindness."""

SEQUENTIAL_CMAP = "viridis"
COUNT_CMAP = "cividis"
DIVERGING_CMAP = "PuOr"
"""Differences from a baseline: purple and orange either side of a light 0 (readable with colour-blindness)."""

STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "figure.titlesize": 12,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.8,
    "image.cmap": SEQUENTIAL_CMAP,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "figure.dpi": 100,
}
"""rcParams in force while a figure of this module is built and saved."""

CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Heiti SC", "Sarasa Gothic SC", "AR PL UMing CN",
)
"""Font families with Simplified Chinese glyphs, in order of preference."""

_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "wenquanyi", "msyh", "simhei")

TEXT: dict[str, dict[str, str]] = {
    "day": {"en": "Day of simulation (days)", "zh": "模拟天数（天）"},
    "scenario": {"en": "Scenario", "zh": "情景"},
    "runs": {"en": "runs", "zh": "次运行"},
    "over_time": {"en": "{metric} over time", "zh": "{metric}随时间变化"},
    "band_caption": {"en": "Line: mean across runs; band: {conf:.0f} % t-interval across runs per day",
                     "zh": "实线：各次运行的均值；阴影：按天计算的{conf:.0f}% t 置信区间"},
    "res_dim": {"en": "Parameters restricted", "zh": "受限参数个数"},
    "chosen_box": {"en": "reported box", "zh": "报告的区域"},
    "coverage": {"en": "Coverage (share of the cases inside the box)", "zh": "覆盖率（区域内案例占全部案例的比例）"},
    "density": {"en": "Density (share of the box's runs that are cases)", "zh": "密度（区域内运行中案例的比例）"},
    "peeling_title": {"en": "PRIM peeling trajectory", "zh": "PRIM 剥离轨迹"},
    "peeling_caption": {"en": "Each step peels the box smaller: density rises as coverage falls",
                        "zh": "每一步将区域剥得更小：密度上升，覆盖率下降"},
    "share_of_range": {"en": "Share of the swept range", "zh": "占扫描范围的比例"},
    "box_title": {"en": "The PRIM box", "zh": "PRIM 区域"},
    "box_caption": {"en": "Bars: the box's range of each parameter; grey: not restricted",
                    "zh": "横条：各参数在区域中的范围；灰色：未受限"},
    "envelope_caption": {"en": "Line: mean across runs; band: lowest to highest run on each day",
                         "zh": "实线：各次运行的均值；阴影：每天最低到最高的运行"},
    "final_title": {"en": "{metric} at the end of the run", "zh": "运行结束时的{metric}"},
    "final_caption": {"en": "Box: median and quartiles; whiskers: 1.5 IQR; dots: replicates; diamond: mean",
                      "zh": "箱体：中位数与四分位数；须：1.5 倍四分位距；圆点：各次重复；菱形：均值"},
    "response_title": {"en": "{metric} against {parameter}", "zh": "{metric}与{parameter}的关系"},
    "response_caption": {"en": "Line: mean over replicates; band: {conf:.0f} % t-interval",
                         "zh": "折线：重复运行的均值；阴影：{conf:.0f}% t 置信区间"},
    "heatmap_title": {"en": "Mean {metric}", "zh": "{metric}均值"},
    "heatmap_caption": {"en": "Cells: mean over replicates", "zh": "单元格：重复运行的均值"},
    "diff_title": {"en": "Change from {baseline}", "zh": "相对于{baseline}的变化"},
    "diff_axis": {"en": "Difference from baseline (% of the baseline mean)", "zh": "与基准情景的差异（占基准均值的百分比）"},
    "diff_caption": {"en": "Marker: mean paired difference (green better, red worse, grey neither); bar: {conf:.0f} % "
                           "CI; hollow: indistinguishable from noise",
                     "zh": "标记：配对差值均值（绿色为改善，红色为恶化，灰色为无好坏之分）；横线：{conf:.0f}% 置信区间；空心：与随机波动"
                           "无法区分"},
    "diff_better": {"en": "better", "zh": "改善"},
    "diff_worse": {"en": "worse", "zh": "恶化"},
    "map_title": {"en": "Community layout: {what} by building, day {day}",
                  "zh": "社区布局：各楼栋{what}（第{day}天）"},
    "map_caption": {"en": "Solid outlines: compounds; dashed lines: grid boundaries",
                    "zh": "实线框：小区；虚线：网格边界"},
    "mean_satisfaction": {"en": "mean household satisfaction", "zh": "住户平均满意度"},
    "satisfaction_bar": {"en": "Mean satisfaction (score 0-1)", "zh": "平均满意度（0-1 分）"},
    "difference_bar": {"en": "Difference from baseline: {what}", "zh": "与基准的差值：{what}"},
    "difference_what": {"en": "change in {what}", "zh": "{what}的变化"},
    "backlog_bar": {"en": "Open found issues (count)", "zh": "已发现未办结问题（件）"},
    "backlog_what": {"en": "backlog of open issues", "zh": "积压问题数"},
    "x_cell": {"en": "x (cells)", "zh": "x（格）"},
    "y_cell": {"en": "y (cells)", "zh": "y（格）"},
    "compound": {"en": "Compound", "zh": "小区"},
    "grid_boundary": {"en": "Grid boundary", "zh": "网格边界"},
    "property_company": {"en": "Property company", "zh": "物业公司"},
    "owners_committee": {"en": "Owners' committee", "zh": "业主委员会"},
    "social_organisation": {"en": "Social organisation", "zh": "社会组织"},
    "co_building_unit": {"en": "Co-building unit", "zh": "共建单位"},
    "grid_worker": {"en": "Grid worker", "zh": "网格员"},
}
"""Axis, title and legend text in both languages."""

ORG_MARKERS: dict[str, dict[str, Any]] = {
    # key: marker style and offset inside the building cell (several bodies may share a cell)
    "property_company": {"marker": "s", "color": PALETTE[1], "offset": (-0.22, 0.22)},
    "owners_committee": {"marker": "^", "color": PALETTE[3], "offset": (0.22, 0.22)},
    "social_organisation": {"marker": "D", "color": PALETTE[2], "offset": (-0.22, -0.22)},
    "co_building_unit": {"marker": "P", "color": PALETTE[5], "offset": (0.22, -0.22)},
    "grid_worker": {"marker": "o", "color": PALETTE[4], "offset": (0.0, 0.0)},
}


# ---------------------------------------------------------------------------------- language and fonts
def cjk_font() -> str | None:
    """Name of an installed font family with Chinese glyphs (see :data:`CJK_FONTS`), or None.

    Looks at matplotlib's font list first, then at the system's font files (a font installed after
    matplotlib built its cache is added to the font manager here).
    """
    manager = font_manager.fontManager
    known = {f.name for f in manager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    for file in font_manager.findSystemFonts():
        stem = Path(file).name.lower().replace("-", "").replace("_", "")
        if any(hint in stem for hint in _CJK_FILE_HINTS):
            try:
                manager.addfont(file)
            except (OSError, RuntimeError, ValueError):  # unreadable or unsupported font file
                continue
    known = {f.name for f in manager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


def check_lang(lang: str) -> str:
    """``lang`` itself if it is one of :data:`LANGS`; otherwise a :class:`ValueError` naming them."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose from {', '.join(LANGS)}")
    return lang


def resolve_lang(lang: str) -> str:
    """The language a figure can be drawn in: ``lang``, or ``"en"`` with a warning when ``"zh"``
    has no CJK font installed."""
    check_lang(lang)
    if lang == "zh" and cjk_font() is None:
        warnings.warn(
            "no CJK font installed (looked for: " + ", ".join(CJK_FONTS[:6]) + ", …); drawing English labels "
            "instead (Debian: apt-get install fonts-wqy-microhei or fonts-noto-cjk)",
            RuntimeWarning, stacklevel=3)
        return "en"
    return lang


@contextlib.contextmanager
def style(lang: str = "en") -> Iterator[None]:
    """rcParams of :data:`STYLE`, with a CJK font first in the family list for ``lang="zh"``."""
    params = dict(STYLE)
    if lang == "zh":
        font = cjk_font()
        if font is not None:
            params["font.family"] = [font, "DejaVu Sans"]
            params["axes.unicode_minus"] = False
    with matplotlib.rc_context(params):
        yield


def plain(value: Any) -> str:
    """A name or value from a user's file as matplotlib draws it literally: ``$`` escaped, so that a
    scenario called ``math$\\cmd$`` is not read as mathtext (which fails on an unknown command, after
    every run of a comparison)."""
    return str(value).replace("$", r"\$")


def text(key: str, lang: str, **fields: Any) -> str:
    """Text ``key`` of :data:`TEXT` in ``lang``, with ``fields`` filled in."""
    return TEXT[key][lang].format(**fields)


def metric_name(metric: str, lang: str) -> str:
    """Short name of an outcome in ``lang`` (:class:`~cogov.sim.outcomes.registry.UndeclaredOutcome`
    for an outcome the registry does not declare)."""
    return outcome(metric).label[check_lang(lang)]


def metric_label(metric: str, lang: str) -> str:
    """Axis label of an outcome: its name with its unit (as :func:`metric_name`, raises for an
    undeclared outcome)."""
    return outcome(metric).axis_label(check_lang(lang))


def parameter_column(parameter: str, frame: pd.DataFrame | None = None) -> str:
    """The run-table column of a swept parameter, given as ``param:<path>`` or ``<path>``: the store's raw rows name
    it ``param:<path>``, :func:`cogov.analysis.results.load_runs` names it ``<path>``; with ``frame``, whichever of
    the two it has."""
    path = parameter.removeprefix("param:")
    if frame is not None and path in frame.columns and f"param:{path}" not in frame.columns:
        return path
    return f"param:{path}"


def parameter_label(parameter: str, lang: str = "en") -> str:
    """Axis text of a swept parameter: its translated name and unit (:mod:`cogov.sim.labels`), or its key
    path when it has no label (e.g. ``scenario``)."""
    return parameter_text(parameter_column(parameter).removeprefix("param:"), lang)


def _summarise(frame: pd.DataFrame, keys: list[str], metric: str, conf: float) -> pd.DataFrame:
    """Mean, lower and upper t-interval bounds and n of the finite values of ``metric`` per group of
    ``keys`` (bounds NaN for a group with one value: no band there)."""
    rows = []
    for key, group in frame.groupby(keys, sort=True):
        values = group[metric].to_numpy(dtype=float)
        values = values[np.isfinite(values)]  # an undefined ratio (no issue yet) is no evidence either way
        mean, low, high = t_interval(values, conf)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(keys, key, strict=True)) | {"mean": mean, "low": low, "high": high, "n": len(values)})
    return pd.DataFrame(rows, columns=[*keys, "mean", "low", "high", "n"])


def _ok_runs(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[runs["status"] == "ok"] if "status" in runs.columns else runs


def _need_column(frame: pd.DataFrame, column: str, what: str) -> None:
    if column not in frame.columns:
        raise KeyError(f"{what} has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")


CAPTION_CHARS_PER_INCH = 8.5
"""Caption characters per inch of figure width (8-point text beside the widest axis labels); CJK count twice."""


NO_LINE_START = "，。；：、）》」』！？,.;:)!?"
"""Punctuation that never begins a wrapped line (it stays with the text it closes)."""


def _wrapped(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` display columns (a CJK character takes two): between words,
    or between any two CJK characters."""
    def columns(part: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)

    lines, line, used = [], "", 0
    for token in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+", text):
        if line and used + columns(token.rstrip()) > width and token[0] not in NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0
        line += token
        used += columns(token)
    return "\n".join([*lines, line.rstrip()])


def _finish(fig: Figure, title: str, caption: str, path: str | Path | None, ax: Axes | None = None) -> Figure:
    """Title (suptitle) and caption (small text under the title) of a figure; save it to ``path``."""
    fig.suptitle(title)
    if ax is not None:
        # wrapped to what fits beside the axes' labels: a caption runs from the axes' left edge and must not be cut
        ax.set_title(_wrapped(caption, int(fig.get_figwidth() * CAPTION_CHARS_PER_INCH)), fontsize=8, loc="left",
                     color="0.3")
    if path is not None:
        fig.savefig(Path(path), format="png")
    return fig


class CogovFigure(Figure):
    """A matplotlib figure that a notebook shows inline by itself (no ``%matplotlib inline``): IPython displays
    the PNG of ``_repr_png_``."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def _new_figure(figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    fig = CogovFigure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


# ---------------------------------------------------------------------------------- figures
def series_with_bands(series_by_scenario: Mapping[str, pd.DataFrame], metric: str, lang: str = "en",
                      path: str | Path | None = None, conf: float = CONF_LEVEL) -> Figure:
    """Daily ``metric``: mean line per scenario with a ``conf`` t-interval band across runs per day.

    ``series_by_scenario``: scenario name -> long-format series (columns run_id, day, metrics, as
    :meth:`ResultStore.read_series`); a single run's ``CommunityModel.series()`` (indexed by day,
    no run_id) is accepted too (no band then). Days with one run get no band.
    Artists, in order, per scenario: one line (label: the scenario name) and one band.
    """
    lang = resolve_lang(lang)
    with style(lang):
        fig, ax = _new_figure((7.5, 4.5))
        for i, (name, frame) in enumerate(series_by_scenario.items()):
            frame = frame.reset_index() if "day" not in frame.columns else frame
            frame = frame if "run_id" in frame.columns else frame.assign(run_id=0)
            _need_column(frame, metric, f"series of {name!r}")
            summary = _summarise(frame, ["day"], metric, conf)
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(summary["day"], summary["mean"], color=colour, label=plain(name))
            ax.fill_between(summary["day"], summary["low"], summary["high"], color=colour, alpha=0.25,
                            linewidth=0, label="_nolegend_")
        ax.set_xlabel(text("day", lang))
        ax.set_ylabel(metric_label(metric, lang))
        ax.legend(title=text("scenario", lang), frameon=False)
        name = metric_name(metric, lang)
        return _finish(fig, text("over_time", lang, metric=name), text("band_caption", lang, conf=conf * 100), path, ax)


def series_by_value(series: pd.DataFrame, metric: str, by: str, lang: str = "en", envelope: bool = False,
                    path: str | Path | None = None, conf: float = CONF_LEVEL) -> Figure:
    """Daily ``metric`` of a sweep's kept series (:func:`cogov.analysis.results.load_series`), one line per value
    of the swept parameter ``by`` (``param:`` prefix accepted): the mean across its runs with a ``conf`` t-band, or
    with ``envelope`` the band from the lowest to the highest run (EMA Workbench's envelope). Bands are clipped to
    the outcome's possible values; the legend gives each value's number of runs, and with fewer than three a
    :class:`UserWarning` says that the band is too wide to read (a t-interval on one degree of freedom).
    Artists, in order, per value: one line (label: the value and n) and one band."""
    lang = resolve_lang(lang)
    column = by if by in series.columns else by.removeprefix("param:")
    _need_column(series, column, "the series")
    _need_column(series, metric, "the series")
    low_bound, high_bound = outcome(metric).bounds or (-np.inf, np.inf)
    with style(lang):
        fig, ax = _new_figure((7.5, 4.5))
        for i, (value, frame) in enumerate(series.groupby(column, sort=True)):
            runs = int(frame["run_id"].nunique()) if "run_id" in frame.columns else 1
            if envelope:
                summary = frame.groupby("day")[metric].agg(mean="mean", low="min", high="max").reset_index()
            else:
                summary = _summarise(frame, ["day"], metric, conf)
                if runs < 3:
                    warnings.warn(f"{column} = {value}: {runs} run(s): a {conf:.0%} t-band on so few runs is too "
                                  "wide to read; add replicates", UserWarning, stacklevel=2)
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(summary["day"], summary["mean"], color=colour, label=f"{plain(value)} (n = {runs})")
            ax.fill_between(summary["day"], summary["low"].clip(low_bound, high_bound),
                            summary["high"].clip(low_bound, high_bound), color=colour, alpha=0.2, linewidth=0,
                            label="_nolegend_")
        ax.set_xlabel(text("day", lang))
        ax.set_ylabel(metric_label(metric, lang))
        ax.legend(title=parameter_text(column, lang), frameon=False)
        caption = text("envelope_caption" if envelope else "band_caption", lang, conf=conf * 100)
        return _finish(fig, text("over_time", lang, metric=metric_name(metric, lang)), caption, path, ax)


def peeling_trajectory(trajectory: pd.DataFrame, step: int, lang: str = "en", path: str | Path | None = None) -> Figure:
    """PRIM's peeling trajectory (:mod:`cogov.analysis.discovery`): each step's coverage against its density, coloured
    by how many parameters the box restricts, the reported step ringed."""
    lang = resolve_lang(lang)
    with style(lang):
        fig, ax = _new_figure((6.5, 4.8))
        points = ax.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap=COUNT_CMAP,
                            s=28, zorder=3)
        bar = fig.colorbar(points, ax=ax, label=text("res_dim", lang), shrink=0.85)
        bar.locator = MaxNLocator(integer=True)  # a count of parameters
        bar.update_ticks()
        chosen = trajectory.loc[step]
        ax.scatter([chosen["coverage"]], [chosen["density"]], s=160, facecolors="none", edgecolors="black",
                   linewidths=1.5, zorder=4, label=text("chosen_box", lang))
        ax.set_xlabel(text("coverage", lang))
        ax.set_ylabel(text("density", lang))
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.legend(frameon=False, loc="lower left")
        return _finish(fig, text("peeling_title", lang), text("peeling_caption", lang), path, ax)


def box_limits(box: pd.DataFrame, lang: str = "en", path: str | Path | None = None) -> Figure:
    """The PRIM box's limits on each numeric parameter as a share of its swept range (a bar from the box's low to its
    high end; a parameter left unrestricted spans 0 to 1)."""
    lang = resolve_lang(lang)
    numeric = box[[isinstance(v, float) for v in box["low"]]]
    with style(lang):
        fig, ax = _new_figure((7.0, 1.2 + 0.45 * max(1, len(numeric))))
        for i, (name, row) in enumerate(numeric.iterrows()):
            span = (row["swept_high"] - row["swept_low"]) or 1.0
            low, high = (row["low"] - row["swept_low"]) / span, (row["high"] - row["swept_low"]) / span
            ax.barh(i, high - low, left=low, color=PALETTE[0] if row["restricted"] else "0.75", height=0.5)
        ax.set_yticks(range(len(numeric)), [parameter_label(str(n), lang) for n in numeric.index])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(text("share_of_range", lang))
        return _finish(fig, text("box_title", lang), text("box_caption", lang), path, ax)


def final_distributions(runs_by_scenario: Mapping[str, pd.DataFrame], metric: str, lang: str = "en",
                        path: str | Path | None = None, seed: int = 0) -> Figure:
    """Distribution of the end-of-run ``metric`` across replicates: one box (with jittered points
    and a mean marker) per scenario.

    ``runs_by_scenario``: scenario name -> run table (one row per run, as :meth:`ResultStore.read_runs`;
    only ``ok`` runs are used) or a long-format series (then each run's last day is used).
    Artists: the boxes (one per scenario, x tick labels the scenario names), then one scatter of
    points per scenario.
    """
    lang = resolve_lang(lang)
    values: list[np.ndarray] = []
    for name, frame in runs_by_scenario.items():
        frame = _ok_runs(frame)
        if "day" in frame.columns and "run_id" in frame.columns:
            frame = frame.sort_values("day").groupby("run_id").tail(1)
        _need_column(frame, metric, f"runs of {name!r}")
        x = frame[metric].to_numpy(dtype=float)
        values.append(x[np.isfinite(x)])
    names = [str(n) for n in runs_by_scenario]
    rng = np.random.default_rng(seed)
    with style(lang):
        fig, ax = _new_figure((max(4.5, 1.4 * len(names) + 2.0), 4.5))
        positions = np.arange(1, len(names) + 1)
        ax.boxplot(values, positions=positions, widths=0.5, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "none", "edgecolor": "0.2"}, medianprops={"color": "0.1", "linewidth": 1.6},
                   whiskerprops={"color": "0.2"}, capprops={"color": "0.2"})
        for i, (pos, x) in enumerate(zip(positions, values, strict=True)):
            colour = PALETTE[i % len(PALETTE)]
            jitter = rng.uniform(-0.15, 0.15, size=len(x))
            ax.scatter(pos + jitter, x, s=18, color=colour, alpha=0.7, edgecolors="none", zorder=3)
            if len(x):
                ax.scatter([pos], [x.mean()], marker="D", s=36, color="white", edgecolors="0.1", zorder=4)
        ax.set_xticks(positions, [f"{plain(n)}\n(n = {len(v)})" for n, v in zip(names, values, strict=True)])
        ax.set_xlim(0.4, len(names) + 0.6)
        ax.set_xlabel(text("scenario", lang))
        ax.set_ylabel(metric_label(metric, lang))
        ax.grid(axis="x", visible=False)
        name = metric_name(metric, lang)
        return _finish(fig, text("final_title", lang, metric=name), text("final_caption", lang), path, ax)


def building_values(model: Any, colour_by: str = "satisfaction") -> np.ndarray:
    """Per building of a live model: mean household satisfaction (NaN for an empty building) or the
    number of open found issues (state agreement or queued, the ``backlog`` metric) of its households."""
    layout, pop = model.layout, model.households
    n = layout.n_buildings
    if colour_by == "satisfaction":
        count = np.bincount(pop.building, minlength=n)
        total = np.bincount(pop.building, weights=pop.satisfaction, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.maximum(count, 1), np.nan)
    if colour_by == "backlog":
        table = model.issues
        rows = table.open_rows
        rows = rows[np.isin(table.state[rows], (State.AGREEMENT, State.QUEUED))]
        return np.bincount(pop.building[table.household[rows]], minlength=n).astype(float)
    raise ValueError(f"colour_by must be 'satisfaction' or 'backlog', not {colour_by!r}")


def _grid_boundaries(layout: Any) -> np.ndarray:
    """Segments (S, 2, 2) between neighbouring building cells of different grids, in cell
    coordinates (cell centres on integers)."""
    grid_of = np.full((layout.width, layout.height), -1, dtype=np.int64)
    xy = layout.building_xy
    grid_of[xy[:, 0], xy[:, 1]] = layout.building_grid
    segments = []
    left, right = grid_of[:-1, :], grid_of[1:, :]
    for x, y in zip(*np.nonzero((left >= 0) & (right >= 0) & (left != right)), strict=True):
        segments.append(((x + 0.5, y - 0.5), (x + 0.5, y + 0.5)))  # edge between (x, y) and (x+1, y)
    below, above = grid_of[:, :-1], grid_of[:, 1:]
    for x, y in zip(*np.nonzero((below >= 0) & (above >= 0) & (below != above)), strict=True):
        segments.append(((x - 0.5, y + 0.5), (x + 0.5, y + 0.5)))  # edge between (x, y) and (x, y+1)
    return np.asarray(segments, dtype=float).reshape(-1, 2, 2)


def _organisation_cells(model: Any) -> dict[str, np.ndarray]:
    """Cell coordinates (N, 2) of each kind of organisation marked on the map."""
    def cells(agents: Any) -> np.ndarray:
        return np.array([a.cell.coordinate for a in agents], dtype=float).reshape(-1, 2)

    by_type = model.agents_by_type
    return {
        "property_company": cells(model.property_companies),
        "owners_committee": cells(by_type.get(OwnersCommittee, [])),
        "social_organisation": cells(model.social_organisations),
        "co_building_unit": cells(model.co_building_units),
        "grid_worker": cells(by_type.get(GridWorker, [])),
    }


def building_image(layout: Any, values: np.ndarray) -> np.ndarray:
    """A (height, width) image of per-building ``values`` on ``layout``'s grid, NaN where there is no building
    (drawn in the colour map's "bad" colour)."""
    image = np.full((layout.height, layout.width), np.nan)
    image[layout.building_xy[:, 1], layout.building_xy[:, 0]] = values
    return image


def draw_layout(ax: Axes, model: Any, values: np.ndarray, lang: str, *, cmap: Any, vmin: float, vmax: float,
                marker_size: float = 34.0, line_scale: float = 1.0) -> tuple[Any, list[Any]]:
    """Draw one community's layout onto ``ax``: building cells coloured by ``values`` (one per building) on
    ``cmap`` from ``vmin`` to ``vmax``, compounds as outlined blocks (one Rectangle patch each), grid boundaries as
    one dashed LineCollection and organisations as markers (one scatter per kind, labelled with its count).

    Shared by :func:`community_map` and the street's small multiples (:class:`cogov.viz.render.StreetMapView`), so
    a community looks the same alone and in its street. ``marker_size`` and ``line_scale`` shrink markers and
    outlines for small panels. Returns the image and the legend handles (compound, grid boundary, organisations).
    """
    layout = model.layout
    im = ax.imshow(building_image(layout, values), origin="lower", cmap=cmap, vmin=vmin, vmax=vmax,
                   extent=(-0.5, layout.width - 0.5, -0.5, layout.height - 0.5), interpolation="nearest")
    xy = layout.building_xy
    for c in range(layout.n_compounds):
        cells = xy[layout.building_compound == c]
        (x0, y0), (x1, y1) = cells.min(axis=0), cells.max(axis=0)
        ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0 + 1, y1 - y0 + 1, fill=False,
                               edgecolor="black", linewidth=1.6 * line_scale, zorder=3))
    ax.add_collection(LineCollection(_grid_boundaries(layout), colors="white", linewidths=1.2 * line_scale,
                                     linestyles=(0, (3, 2)), zorder=2))
    handles = [Line2D([], [], color="black", linewidth=1.6, label=text("compound", lang)),
               Line2D([], [], color="0.5", linewidth=1.2, linestyle=(0, (3, 2)), label=text("grid_boundary", lang))]
    for key, cells in _organisation_cells(model).items():
        spec = ORG_MARKERS[key]
        dx, dy = spec["offset"]
        handles.append(ax.scatter(cells[:, 0] + dx, cells[:, 1] + dy, marker=spec["marker"], s=marker_size,
                                  color=spec["color"], edgecolors="black", linewidths=0.6 * line_scale, zorder=4,
                                  label=f"{text(key, lang)} ({len(cells)})"))
    ax.set_xlim(-0.5, layout.width - 0.5)
    ax.set_ylim(-0.5, layout.height - 0.5)
    ax.set_aspect("equal")
    ax.grid(False)
    return im, handles


def community_map(model: Any, lang: str = "en", colour_by: str = "satisfaction",
                  path: str | Path | None = None, baseline: Any = None) -> Figure:
    """Map of a live :class:`~cogov.sim.model.CommunityModel`: building cells coloured by mean household
    satisfaction (``colour_by="satisfaction"``) or open found issues (``"backlog"``) with a colour
    bar; compounds as outlined blocks (one Rectangle patch each, in ``fig.axes[0].patches``); grid
    boundaries as one dashed LineCollection; organisations as markers (one scatter per kind,
    labelled with their count in the figure legend ``fig.legends[0]``, after the compound and
    grid-boundary entries). The layout itself is drawn by :func:`draw_layout`.

    With ``baseline`` (the same community run under another scenario on the same seed: the same buildings and
    households), the cells show the difference from it on a diverging scale centred on 0, symmetric, so that a
    building that gains and one that loses look different and two near-identical maps are not drawn twice.
    """
    lang = resolve_lang(lang)
    layout = model.layout
    values = building_values(model, colour_by)
    if baseline is not None:
        if baseline.layout.n_buildings != layout.n_buildings:
            raise ValueError("a difference map needs the same community (same layout) in both runs")
        values = values - building_values(baseline, colour_by)
    with style(lang):
        aspect = layout.height / max(1, layout.width)
        fig, ax = _new_figure((7.5, max(4.5, 6.0 * aspect + 1.5)))
        if baseline is not None:
            reach = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
            reach = max(reach, 1e-3)  # a flat map still gets a readable scale
            # empty cells grey: white is the scale's 0, a building where nothing changed
            cmap = matplotlib.colormaps[DIVERGING_CMAP].with_extremes(bad="0.8")
            im, handles = draw_layout(ax, model, values, lang, cmap=cmap, vmin=-reach, vmax=reach)
            bar_label = text("difference_bar", lang, what=text(f"{colour_by}_bar", lang))
            what = text("difference_what", lang, what=text("mean_satisfaction" if colour_by == "satisfaction"
                                                             else "backlog_what", lang))
        elif colour_by == "satisfaction":
            im, handles = draw_layout(ax, model, values, lang, cmap=SEQUENTIAL_CMAP, vmin=0.0, vmax=1.0)
            bar_label, what = text("satisfaction_bar", lang), text("mean_satisfaction", lang)
        else:
            im, handles = draw_layout(ax, model, values, lang, cmap=COUNT_CMAP, vmin=0.0,
                                      vmax=max(1.0, float(np.nanmax(values))))
            bar_label, what = text("backlog_bar", lang), text("backlog_what", lang)
        bar = fig.colorbar(im, ax=ax, label=bar_label, shrink=0.85)
        if colour_by == "backlog" and baseline is None:
            bar.locator = MaxNLocator(integer=True)
            bar.update_ticks()
        fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(text("x_cell", lang))
        ax.set_ylabel(text("y_cell", lang))
        day = int(getattr(model, "steps", 0))
        return _finish(fig, text("map_title", lang, what=what, day=day), text("map_caption", lang), path, ax)


def _axis_values(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Plot positions of parameter values: the values when numeric, else 0..k-1 with tick labels."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float), None
    labels = [plain(v) for v in values]
    return np.arange(len(values), dtype=float), labels


def response_curve(runs: pd.DataFrame, parameter: str, metric: str, lang: str = "en", by: str | None = None,
                   path: str | Path | None = None, conf: float = CONF_LEVEL) -> Figure:
    """Mean and ``conf`` t-interval of ``metric`` across runs against a swept ``parameter``
    (``param:<path>`` or ``<path>``), one line per value of the optional second parameter ``by``.

    Artists: per line, one Line2D (label: ``by``'s value, or the metric name) and a band.
    """
    lang = resolve_lang(lang)
    runs = _ok_runs(runs)
    x_col = parameter_column(parameter, runs)
    _need_column(runs, x_col, "run table")
    _need_column(runs, metric, "run table")
    keys = [x_col] if by is None else [parameter_column(by, runs), x_col]
    if by is not None:
        _need_column(runs, keys[0], "run table")
    summary = _summarise(runs, keys, metric, conf)
    with style(lang):
        fig, ax = _new_figure((7.0, 4.5))
        groups = [(metric_name(metric, lang), summary)] if by is None else list(summary.groupby(keys[0], sort=True))
        for i, (value, part) in enumerate(groups):
            colour = PALETTE[i % len(PALETTE)]
            x, labels = _axis_values(part[x_col])
            ax.plot(x, part["mean"], marker="o", markersize=4, color=colour, label=plain(value))
            ax.fill_between(x, part["low"], part["high"], color=colour, alpha=0.2, linewidth=0, label="_nolegend_")
            if labels is not None:
                ax.set_xticks(x, labels)
        ax.set_xlabel(parameter_label(parameter, lang))
        ax.set_ylabel(metric_label(metric, lang))
        ax.legend(title=parameter_label(by, lang) if by is not None else None, frameon=False)
        title = text("response_title", lang, metric=metric_name(metric, lang), parameter=parameter_label(parameter, lang))
        return _finish(fig, title, text("response_caption", lang, conf=conf * 100), path, ax)


def mean_pivot(runs: pd.DataFrame, x_parameter: str, y_parameter: str, metric: str) -> pd.DataFrame:
    """Mean of ``metric`` over ok runs, rows the values of ``y_parameter``, columns those of ``x_parameter``."""
    runs = _ok_runs(runs)
    x_col, y_col = parameter_column(x_parameter, runs), parameter_column(y_parameter, runs)
    for column in (x_col, y_col, metric):
        _need_column(runs, column, "run table")
    return runs.pivot_table(index=y_col, columns=x_col, values=metric, aggfunc="mean", dropna=False).sort_index().sort_index(axis=1)


def heatmap(runs: pd.DataFrame, x_parameter: str, y_parameter: str, metric: str, lang: str = "en",
            path: str | Path | None = None, fmt: str = "{:.3g}") -> Figure:
    """Mean ``metric`` over two swept parameters as an image (rows: ``y_parameter`` increasing
    upward; columns: ``x_parameter``) with a colour bar and each cell annotated with its mean.
    The image array equals :func:`mean_pivot` (NaN where a combination has no ok runs)."""
    lang = resolve_lang(lang)
    pivot = mean_pivot(runs, x_parameter, y_parameter, metric)
    data = pivot.to_numpy(dtype=float)
    with style(lang):
        fig, ax = _new_figure((max(5.0, 0.9 * data.shape[1] + 3.0), max(4.0, 0.6 * data.shape[0] + 2.5)))
        im = ax.imshow(np.ma.masked_invalid(data), origin="lower", aspect="auto", cmap=SEQUENTIAL_CMAP,
                       interpolation="nearest")
        fig.colorbar(im, ax=ax, label=metric_label(metric, lang))
        finite = data[np.isfinite(data)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for (row, col), value in np.ndenumerate(data):
            if np.isfinite(value):
                ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=8,
                        color="black" if value > middle else "white")
        ax.set_xticks(np.arange(data.shape[1]), [plain(v) for v in pivot.columns])
        ax.set_yticks(np.arange(data.shape[0]), [plain(v) for v in pivot.index])
        ax.grid(False)
        ax.set_xlabel(parameter_label(x_parameter, lang))
        ax.set_ylabel(parameter_label(y_parameter, lang))
        return _finish(fig, text("heatmap_title", lang, metric=metric_name(metric, lang)),
                       text("heatmap_caption", lang), path, ax)


MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
"""One marker shape per compared scenario in the difference plot (the fill colour says better or worse)."""
DIRECTION_COLOURS: dict[str, str] = {"better": "#1b7837", "worse": "#b2182b", "neutral": "#9a9a9a"}
"""Fill of a distinguishable difference: better, worse (by the outcome's direction) or neither."""


def direction(name: str, difference: float) -> str:
    """``better``, ``worse`` or ``neutral`` for a difference of outcome ``name`` (its registry direction)."""
    sign = outcome(name).better * np.sign(difference) if np.isfinite(difference) else 0
    return "better" if sign > 0 else "worse" if sign < 0 else "neutral"


def difference_plot(table: pd.DataFrame, lang: str = "en", path: str | Path | None = None,
                    conf: float = CONF_LEVEL) -> Figure:
    """Forest plot of a comparison table (:func:`cogov.analysis.compare.compare_runs`): per outcome (rows)
    and scenario (colours), the mean paired difference from the baseline and its interval, both as
    a percentage of the baseline mean so outcomes in different units share one axis.

    Filled markers: distinguishable from noise; hollow: the interval includes 0. Outcomes whose
    baseline mean is 0 have no relative scale and are left out. One errorbar container per
    scenario (label: its name).
    """
    lang = resolve_lang(lang)
    base = table[table["baseline"]].set_index("outcome")["mean"]
    others = table[~table["baseline"]].copy()
    others["scale"] = others["outcome"].map(lambda o: abs(base.get(o, np.nan)) / 100)
    others = others[np.isfinite(others["scale"]) & (others["scale"] > 0)]
    outcomes = list(dict.fromkeys(others["outcome"]))
    scenarios = list(dict.fromkeys(others["scenario"]))
    baseline = str(table.loc[table["baseline"], "scenario"].iloc[0])
    with style(lang):
        fig, ax = _new_figure((7.5, 1.2 + 0.42 * len(outcomes) * max(1, len(scenarios)) ** 0.5))
        step = 0.7 / max(1, len(scenarios))
        handles: list[Artist] = []
        for i, scenario in enumerate(scenarios):
            part = others[others["scenario"] == scenario].set_index("outcome").reindex(outcomes)
            y = np.arange(len(outcomes)) + (i - (len(scenarios) - 1) / 2) * step
            mid = part["difference"] / part["scale"]
            err = np.vstack([mid - part["diff_ci_low"] / part["scale"], part["diff_ci_high"] / part["scale"] - mid])
            colour = PALETTE[i % len(PALETTE)]
            marker = MARKERS[i % len(MARKERS)]
            ax.errorbar(mid, y, xerr=err, fmt="none", ecolor=colour, elinewidth=1.4, capsize=2)
            handles.append(Line2D([], [], marker=marker, color=colour, linestyle="none", label=plain(scenario)))
            filled = part["distinguishable"].fillna(False).astype(bool).to_numpy()
            # the fill says better or worse in each outcome's own direction (the registry's), not the sign
            fills = [DIRECTION_COLOURS[direction(o, d)] for o, d in zip(outcomes, part["difference"], strict=True)]
            ax.scatter(mid[filled], y[filled], marker=marker, s=36, zorder=3, edgecolors=colour, linewidths=1.2,
                       facecolors=[f for f, keep in zip(fills, filled, strict=True) if keep])
            ax.scatter(mid[~filled], y[~filled], marker=marker, s=36, zorder=3, facecolors="white", edgecolors=colour)
        ax.axvline(0.0, color="0.2", linewidth=0.8)
        ax.set_yticks(np.arange(len(outcomes)), [metric_name(o, lang) for o in outcomes])
        ax.invert_yaxis()
        ax.set_xlabel(text("diff_axis", lang))
        ax.grid(axis="y", visible=False)
        handles += [Patch(color=DIRECTION_COLOURS[word], label=text(f"diff_{word}", lang)) for word in ("better", "worse")]
        ax.legend(handles=handles, title=text("scenario", lang), frameon=False, loc="best")
        return _finish(fig, text("diff_title", lang, baseline=plain(baseline)), text("diff_caption", lang, conf=conf * 100),
                       path, ax)
