"""Figures of analysis.figures: built from synthetic tables with known values and a tiny model."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from scipy import stats

from cogov.analysis import figures
from cogov.sim.labels import parameter_text
from cogov.sim.outcomes.registry import outcome

HAS_CJK = figures.cjk_font() is not None
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _langs():
    return ["en", pytest.param("zh", marks=pytest.mark.skipif(not HAS_CJK, reason="no CJK font installed"))]


def _draw_without_missing_glyphs(fig: Figure) -> None:
    """Draw the figure; a glyph missing from the font (a tofu box) fails the test."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        fig.savefig(io.BytesIO(), format="png")  # Agg draws every text; a bare Figure's canvas.draw() does not


def _series(offset: float, runs: int = 4, days: int = 6) -> pd.DataFrame:
    rows = []
    for r in range(runs):
        for d in range(days):
            rows.append({"run_id": r, "day": d, "backlog": offset + d + (r - (runs - 1) / 2), "satisfaction_mean": 0.5})
    return pd.DataFrame(rows)


def _runs() -> pd.DataFrame:
    rows = []
    for a in (1, 2, 3):
        for b in (0.1, 0.5):
            for rep in range(3):
                rows.append({"run_id": len(rows), "point_id": 0, "replicate": rep, "seed": rep, "status": "ok",
                             "param:levers.grid.full_time_workers": a, "param:levers.funding.share": b,
                             "resolution_rate": 0.1 * a + b + 0.01 * rep})
    rows.append({"run_id": 99, "status": "failed", "param:levers.grid.full_time_workers": 1,
                 "param:levers.funding.share": 0.1, "resolution_rate": 100.0})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def model():
    from cogov.sim.model import CommunityModel

    m = CommunityModel("default", rng=0, days=10, **{"community.households": 300,
                                                     "community.households_per_compound": 60,
                                                     "community.households_per_grid": 100})
    m.run()
    return m


@pytest.mark.parametrize("lang", _langs())
def test_series_with_bands(lang, tmp_path):
    data = {"baseline": _series(0.0), "reform": _series(10.0)}
    path = tmp_path / "series.png"
    fig = figures.series_with_bands(data, "backlog", lang=lang, path=path)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["baseline", "reform"]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["baseline", "reform"]
    # the mean per day is offset + day; the band is the t-interval of 4 runs spread -1.5..1.5
    spread = np.array([-1.5, -0.5, 0.5, 1.5])
    half = stats.t.ppf(0.975, 3) * spread.std(ddof=1) / 2
    for line, band, offset in zip(ax.lines, bands, (0.0, 10.0), strict=True):
        x, y = line.get_data()
        np.testing.assert_allclose(y, offset + np.asarray(x))
        vertices = band.get_paths()[0].vertices
        assert vertices[:, 1].min() == pytest.approx(offset - half)
        assert vertices[:, 1].max() == pytest.approx(offset + 5 + half)
        assert (vertices[:, 1] <= offset + 5 + half + 1e-9).all()
    assert ax.get_xlabel() == figures.TEXT["day"][lang]
    assert ax.get_ylabel() == figures.metric_label("backlog", lang)
    assert outcome("backlog").label[lang] in fig.get_suptitle()
    _draw_without_missing_glyphs(fig)
    assert path.read_bytes().startswith(PNG_MAGIC)


def test_series_accepts_single_model_series_without_band():
    frame = pd.DataFrame({"backlog": [1.0, 2.0, 3.0]}, index=pd.Index([1, 2, 3], name="day"))
    fig = figures.series_with_bands({"one run": frame}, "backlog")
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("lang", _langs())
def test_final_distributions(lang, tmp_path):
    a = pd.DataFrame({"status": ["ok"] * 5 + ["failed"], "resolution_rate": [0.1, 0.2, 0.3, 0.4, 0.5, 9.0]})
    b = pd.DataFrame({"status": ["ok"] * 3, "resolution_rate": [0.7, 0.8, 0.9]})
    fig = figures.final_distributions({"A": a, "B": b}, "resolution_rate", lang=lang, path=tmp_path / "d.png")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("A") and "n = 5" in labels[0]
    assert labels[1].startswith("B") and "n = 3" in labels[1]
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    clouds = [c for c in points if len(c.get_offsets()) > 1]
    assert [len(c.get_offsets()) for c in clouds] == [5, 3]
    np.testing.assert_allclose(np.sort(clouds[0].get_offsets()[:, 1]), [0.1, 0.2, 0.3, 0.4, 0.5])
    medians = [line.get_ydata()[0] for line in ax.lines if line.get_color() == "0.1"]
    assert medians == pytest.approx([0.3, 0.8])
    assert ax.get_ylabel() == figures.metric_label("resolution_rate", lang)
    _draw_without_missing_glyphs(fig)
    assert (tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize("lang", _langs())
def test_response_curve(lang, tmp_path):
    runs = _runs()
    fig = figures.response_curve(runs, "levers.grid.full_time_workers", "resolution_rate", lang=lang,
                                 by="param:levers.funding.share", path=tmp_path / "r.png")
    ax = fig.axes[0]
    assert len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0.1", "0.5"]
    assert ax.get_legend().get_title().get_text() == "levers.funding.share"  # no label: shown as its key path
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(x, [1, 2, 3])
    np.testing.assert_allclose(y, [0.1 * a + 0.1 + 0.01 for a in (1, 2, 3)])  # failed run left out
    assert ax.get_xlabel() == parameter_text("levers.grid.full_time_workers", lang) != "levers.grid.full_time_workers"
    assert ax.get_ylabel() == figures.metric_label("resolution_rate", lang)
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 2
    _draw_without_missing_glyphs(fig)
    assert (tmp_path / "r.png").read_bytes().startswith(PNG_MAGIC)


def test_response_curve_without_second_parameter():
    fig = figures.response_curve(_runs(), "levers.funding.share", "resolution_rate")
    ax = fig.axes[0]
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.2 + 0.1 + 0.01, 0.2 + 0.5 + 0.01])


@pytest.mark.parametrize("lang", _langs())
def test_heatmap(lang, tmp_path):
    runs = _runs()
    fig = figures.heatmap(runs, "levers.grid.full_time_workers", "levers.funding.share", "resolution_rate",
                          lang=lang, path=tmp_path / "h.png")
    ax = fig.axes[0]
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    ok = runs[runs.status == "ok"]
    expected = ok.pivot_table(index="param:levers.funding.share", columns="param:levers.grid.full_time_workers",
                              values="resolution_rate", aggfunc="mean")
    np.testing.assert_allclose(np.asarray(image.get_array()), expected.to_numpy())
    assert len(fig.axes) == 2  # the colour bar
    assert fig.axes[1].get_ylabel() == figures.metric_label("resolution_rate", lang)
    assert len(ax.texts) == expected.size
    assert ax.texts[0].get_text() == f"{expected.iloc[0, 0]:.3g}"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]
    assert ax.get_xlabel() == parameter_text("levers.grid.full_time_workers", lang)
    assert ax.get_ylabel() == "levers.funding.share"
    _draw_without_missing_glyphs(fig)
    assert (tmp_path / "h.png").read_bytes().startswith(PNG_MAGIC)


@pytest.mark.parametrize("lang", _langs())
def test_community_map(model, lang, tmp_path):
    fig = figures.community_map(model, lang=lang, path=tmp_path / "m.png")
    ax = fig.axes[0]
    compounds = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(compounds) == model.layout.n_compounds > 1
    assert len(fig.axes) == 2  # the colour bar
    assert fig.axes[1].get_ylabel() == figures.TEXT["satisfaction_bar"][lang]
    assert any(isinstance(c, LineCollection) and len(c.get_segments()) for c in ax.collections)  # grid boundaries
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    for key in ("compound", "grid_boundary"):
        assert figures.TEXT[key][lang] in legend
    counts = {"property_company": len(model.property_companies), "social_organisation": len(model.social_organisations),
              "co_building_unit": len(model.co_building_units)}
    for key, n in counts.items():
        assert f"{figures.TEXT[key][lang]} ({n})" in legend
    for key in ("owners_committee", "grid_worker"):
        assert any(entry.startswith(figures.TEXT[key][lang]) for entry in legend)
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    xy = model.layout.building_xy
    pop = model.households
    b = 0
    expected = pop.satisfaction[pop.building == b].mean()
    assert np.asarray(image.get_array())[xy[b, 1], xy[b, 0]] == pytest.approx(expected)
    assert ax.get_xlabel() == figures.TEXT["x_cell"][lang]
    _draw_without_missing_glyphs(fig)
    assert (tmp_path / "m.png").read_bytes().startswith(PNG_MAGIC)


def test_community_map_backlog(model):
    fig = figures.community_map(model, colour_by="backlog")
    image = next(a for a in fig.axes[0].get_children() if isinstance(a, AxesImage))
    assert np.nansum(np.asarray(image.get_array())) == model.metrics["backlog"]
    with pytest.raises(ValueError, match="colour_by"):
        figures.community_map(model, colour_by="trust")


def test_chinese_falls_back_to_english_without_cjk_font(monkeypatch):
    monkeypatch.setattr(figures, "cjk_font", lambda: None)
    with pytest.warns(RuntimeWarning, match="CJK font"):
        fig = figures.series_with_bands({"s": _series(0.0)}, "backlog", lang="zh")
    assert fig.axes[0].get_xlabel() == figures.TEXT["day"]["en"]
    _draw_without_missing_glyphs(fig)


def test_labels_cover_both_languages():
    for entry in figures.TEXT.values():  # outcomes' names: tests/test_outcome_registry.py
        assert set(entry) == set(figures.LANGS)
    with pytest.raises(ValueError, match="language"):
        figures.heatmap(_runs(), "levers.grid.full_time_workers", "levers.funding.share", "resolution_rate", lang="fr")


@pytest.mark.parametrize("lang", _langs())
def test_difference_plot(lang, tmp_path):
    table = pd.DataFrame([
        {"outcome": "resolution_rate", "scenario": "a", "baseline": True, "mean": 0.8},
        {"outcome": "resolution_rate", "scenario": "b", "baseline": False, "mean": 0.84, "difference": 0.04,
         "diff_ci_low": 0.02, "diff_ci_high": 0.06, "distinguishable": True},
        {"outcome": "backlog", "scenario": "a", "baseline": True, "mean": 50.0},
        {"outcome": "backlog", "scenario": "b", "baseline": False, "mean": 49.0, "difference": -1.0,
         "diff_ci_low": -3.0, "diff_ci_high": 1.0, "distinguishable": False},
        {"outcome": "stalemates", "scenario": "a", "baseline": True, "mean": 0.0},  # no relative scale: left out
        {"outcome": "stalemates", "scenario": "b", "baseline": False, "mean": 1.0, "difference": 1.0,
         "diff_ci_low": 0.5, "diff_ci_high": 1.5, "distinguishable": True},
    ])
    fig = figures.difference_plot(table, lang=lang, path=tmp_path / "d.png")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [figures.metric_name(m, lang)
                                                            for m in ("resolution_rate", "backlog")]
    filled, hollow = (c for c in ax.collections if isinstance(c, PathCollection))
    np.testing.assert_allclose(filled.get_offsets(), [[5.0, 0.0]])  # +0.04 of 0.8 = +5 %
    # filled green: a higher resolution rate is better (the registry's direction); a lower backlog would be too
    np.testing.assert_allclose(filled.get_facecolors()[0][:3], to_rgb(figures.DIRECTION_COLOURS["better"]))
    assert figures.direction("backlog", -1.0) == "better" and figures.direction("backlog", 1.0) == "worse"
    assert figures.direction("escalation_rate", 1.0) == "neutral"
    np.testing.assert_allclose(hollow.get_offsets(), [[-2.0, 1.0]])  # -1 of 50 = -2 %, hollow: noise
    (bars,) = [c for c in ax.collections if isinstance(c, LineCollection) and len(c.get_segments()) == 2]
    np.testing.assert_allclose([seg[:, 0] for seg in bars.get_segments()], [[2.5, 7.5], [-6.0, 2.0]])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", figures.text("diff_better", lang),
                                                                   figures.text("diff_worse", lang)]
    assert ax.get_xlabel() == figures.text("diff_axis", lang)
    _draw_without_missing_glyphs(fig)
    assert (tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)


def test_a_difference_map_is_centred_on_zero_and_symmetric():
    from cogov.sim.model import CommunityModel

    base = CommunityModel("default", rng=2, days=15, **{"community.households": 300})
    other = CommunityModel("points_system", rng=2, days=15, **{"community.households": 300})
    base.run(), other.run()
    fig = figures.community_map(other, baseline=base)
    image = fig.axes[0].images[0]
    low, high = image.get_clim()
    assert low == -high and high > 0 and image.get_cmap().name == figures.DIVERGING_CMAP
    expected = figures.building_values(other) - figures.building_values(base)
    drawn = image.get_array()
    xy = base.layout.building_xy
    np.testing.assert_allclose(drawn[xy[:, 1], xy[:, 0]], expected)
    same = figures.community_map(base, baseline=base).axes[0].images[0]
    assert np.nanmax(np.abs(same.get_array())) == 0  # a scenario against itself: no difference anywhere


@pytest.mark.parametrize("lang", _langs())
def test_captions_are_not_cut_at_the_figure_edge(lang):
    from cogov.analysis.compare import compare_runs

    runs = pd.DataFrame([{"scenario": s, "replicate": r, "status": "ok", "resolution_rate": 0.8 + 0.01 * r + d,
                          "satisfaction_mean": 0.6 + 0.001 * r + d / 10}
                         for s, d in (("a", 0.0), ("b", 0.02)) for r in range(4)])
    fig = figures.difference_plot(compare_runs(runs, "a", by="scenario"), lang=lang)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)  # constrained layout places the axes; the caption is the axes' left title
    caption = fig.axes[0]._left_title
    box, edge = caption.get_window_extent(renderer), fig.bbox
    assert edge.x0 <= box.x0 and box.x1 <= edge.x1, (box, edge)
    assert "\n" in caption.get_text()  # this caption is longer than a line


def test_series_by_value_bands_each_design_point_clips_to_bounds_and_warns_on_few_runs():
    rows = [{"run_id": run, "day": day, "levers.x": value, "resolution_rate": 0.05 + 0.1 * (run % 2)}
            for value, runs in ((1, (0, 1)), (2, (2, 3, 4, 5))) for run in runs for day in (0, 5, 10)]
    series = pd.DataFrame(rows)
    with pytest.warns(UserWarning, match="levers.x = 1: 2 run"):
        fig = figures.series_by_value(series, "resolution_rate", "levers.x")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1 (n = 2)", "2 (n = 4)"]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() >= 0.0  # a share's band stops at 0 (the t-band on 2 runs reaches far below it)
    envelope = figures.series_by_value(series, "resolution_rate", "param:levers.x", envelope=True)
    low_high = envelope.axes[0].collections[1].get_paths()[0].vertices[:, 1]
    assert low_high.min() == pytest.approx(0.05) and low_high.max() == pytest.approx(0.15)


def test_response_curve_takes_load_runs_columns_and_store_columns():
    runs = pd.DataFrame({"levers.funding.annual_cny": [1e5, 1e5, 2e5, 2e5], "backlog": [10.0, 12.0, 8.0, 9.0],
                         "status": "ok"})
    plain_fig = figures.response_curve(runs, "levers.funding.annual_cny", "backlog")
    prefixed = runs.rename(columns={"levers.funding.annual_cny": "param:levers.funding.annual_cny"})
    store_fig = figures.response_curve(prefixed, "levers.funding.annual_cny", "backlog")
    for fig in (plain_fig, store_fig):
        np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [11.0, 8.5])
