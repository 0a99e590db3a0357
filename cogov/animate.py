"""``cogov animate``: the community map and one chart over time, as a GIF (or MP4) for slides.

Frames are drawn with the classroom page's views (:mod:`cogov.viz.render`: static parts once, then
only what changes), put side by side and written by Pillow (GIF) or ffmpeg (MP4, when installed):
a year of the default community, a frame every 3 days, takes a few seconds. What produced the
animation (scenario, digest, seed, overrides, versions, commit) goes into the GIF's comment and a
sidecar ``<file>.json``, as with every output of this project.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from PIL import Image

from cogov.analysis.figures import PALETTE, SEQUENTIAL_CMAP, resolve_lang
from cogov.sim.model import CommunityModel
from cogov.sim.outcomes.registry import OUTCOMES, UndeclaredOutcome, outcome_names
from cogov.sim.provenance import provenance
from cogov.sim.scenario import ScenarioError, load_scenario
from cogov.sim.street.load import apply_street_overrides, is_street_file, load_street
from cogov.sim.street.model import StreetModel
from cogov.viz.render import ChartView, MapView, side_by_side

FORMATS = (".gif", ".mp4")
STREET_CHART_HEIGHT_IN = 6.0
"""Tallest street chart (inches): beside the map of a street of many communities it is centred, not stretched."""
LAST_FRAME_HOLD_S = 2.0
"""The last frame stays this long (a GIF loops; the audience should see where the run ends)."""


@dataclass(frozen=True)
class AnimationResult:
    """What :func:`animate` wrote."""

    path: Path
    provenance_path: Path
    frames: int
    days: int
    seconds: float


def frame_days(days: int, every: int) -> list[int]:
    """The days drawn: 0, every ``every`` days, and always the last day."""
    if every < 1:
        raise ValueError("every must be >= 1")
    marks = list(range(0, days + 1, every))
    if marks[-1] != days:
        marks.append(days)
    return marks


def _step_frames(model: Any, every: int, draw: Callable[[], np.ndarray]) -> Iterator[np.ndarray]:
    """Step ``model`` (a community or a street) to its horizon, yielding ``draw()`` on each day of
    :func:`frame_days`."""
    for day in frame_days(model.days, every):
        while model.steps < day and model.running:
            model.step()
        yield draw()


def render_frames(model: CommunityModel, metric: str, every: int, lang: str, dpi: float) -> Iterator[np.ndarray]:
    """Step ``model`` to its horizon and yield an RGB frame (map | chart) on each day of :func:`frame_days`."""
    map_view = MapView(model, lang, dpi=dpi, text_scale=1.0)
    map_height = map_view.fig.get_size_inches()[1]
    chart = ChartView([metric], model.days, lang, households=model.config.community.households,
                      figsize=(6.0, min(4.5, map_height)), dpi=dpi, text_scale=1.15)
    return _step_frames(model, every, lambda: side_by_side([map_view.frame(model),
                                                            chart.frame(model.datacollector.model_vars)]))


def render_street_frames(street: StreetModel, metric: str, every: int, lang: str, dpi: float,
                         selected: int = 0) -> Iterator[np.ndarray]:
    """Step ``street`` to its horizon and yield an RGB frame on each day of :func:`frame_days`: its communities as
    small multiples (the ``selected``-th outlined) | the street's mean and gap of ``metric`` over time."""
    from cogov.viz.street_views import StreetChartView, StreetMapView  # the street's views only when drawn

    map_view = StreetMapView(street, metric, selected, lang, dpi=dpi)
    chart = StreetChartView(street, metric, selected, lang, dpi=dpi,
                            figsize=(5.2, min(STREET_CHART_HEIGHT_IN, map_view.fig.get_size_inches()[1])))
    return _step_frames(street, every, lambda: side_by_side([map_view.frame(street), chart.frame(street)]))


def gif_palette() -> Image.Image:
    """One 256-colour palette for every frame: the map's colour scale (viridis), the figure colours,
    their blends with white (anti-aliased lines and markers) and greys (text). Mapping a frame onto a
    fixed palette takes about 1 ms, against 40 ms for a median cut of its own, and keeps colours
    steady from frame to frame."""
    colours: list[tuple[int, int, int]] = []
    viridis = matplotlib.colormaps[SEQUENTIAL_CMAP]
    colours += [tuple(int(255 * c) for c in viridis(x)[:3]) for x in np.linspace(0, 1, 112)]
    named = [*PALETTE, "#D62728", "#FFFFFF", "#808080", "#8C8C8C"]
    for colour in named:
        rgb = np.array(matplotlib.colors.to_rgb(colour))
        colours += [tuple(int(255 * c) for c in rgb + (1 - rgb) * t) for t in (0.0, 0.25, 0.5, 0.75)]
    colours += [(g, g, g) for g in np.linspace(0, 255, 256 - len(colours)).astype(int)]
    flat = [channel for colour in colours[:256] for channel in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat)
    return palette


def _write_gif(frames: Iterator[np.ndarray], path: Path, fps: float, comment: str) -> int:
    """Map each frame as it comes onto :func:`gif_palette` and write an endless-loop GIF; returns the
    number of frames."""
    palette = gif_palette()
    images = [Image.fromarray(frame).quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    durations = [round(1000 / fps)] * len(images)
    durations[-1] = max(durations[-1], round(LAST_FRAME_HOLD_S * 1000))
    images[0].save(path, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0,
                   comment=comment.encode("utf-8"), optimize=False)
    return len(images)


def _write_mp4(frames: Iterator[np.ndarray], path: Path, fps: float, comment: str) -> int:
    """Pipe raw frames into ffmpeg (H.264, yuv420p for players and slide software)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        reason = "MP4 needs ffmpeg on the PATH (Debian: apt-get install ffmpeg); or write a .gif"
        raise ScenarioError(str(path), [reason])
    first = next(frames)
    height, width = first.shape[0] // 2 * 2, first.shape[1] // 2 * 2  # H.264 wants even sizes
    command = [ffmpeg, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
               "-r", f"{fps:g}", "-i", "-", "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p",
               "-metadata", f"comment={comment}", str(path)]
    count = 0
    with subprocess.Popen(command, stdin=subprocess.PIPE) as process:
        assert process.stdin is not None
        for frame in (first, *frames):
            process.stdin.write(np.ascontiguousarray(frame[:height, :width, :3]).tobytes())
            count += 1
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"ffmpeg failed writing {path} (exit status {process.returncode})")
    return count


def _checked(out: Path, metric: str) -> Path:
    """``out`` if its suffix is a format written here and ``metric`` a declared daily outcome; else the error."""
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise ScenarioError(str(out), [f"output must end in {' or '.join(FORMATS)}"])
    daily = outcome_names(daily=True)
    if metric not in OUTCOMES:
        raise UndeclaredOutcome(metric, choices=daily)
    if metric not in daily:  # declared, but only known at the end of a run: nothing to draw over time
        raise ScenarioError("--metric", [f"{metric!r} is not recorded daily; choose from {', '.join(daily)}"])
    return out


def _write(frames: Iterator[np.ndarray], out: Path, fps: float, record: dict[str, Any]) -> int:
    """Write ``frames`` to ``out`` in the format of its suffix, ``record`` as the file's comment."""
    comment = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = _write_gif if out.suffix.lower() == ".gif" else _write_mp4
    return writer(frames, out, fps, comment)


def _finish(out: Path, record: dict[str, Any], count: int, days: int, started: float,
            log: Callable[[str], None] | None) -> AnimationResult:
    """Write the provenance sidecar ``<out>.json`` (``record`` with the frame count and time) and report."""
    seconds = time.perf_counter() - started
    record |= {"frames": count, "render_seconds": round(seconds, 2)}
    sidecar = out.with_name(out.name + ".json")
    sidecar.write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    if log is not None:
        log(f"wrote {out} ({count} frames, {days} days, {seconds:.1f} s) and {sidecar.name}")
    return AnimationResult(out, sidecar, count, days, seconds)


def animate(scenario: str | Path, out: Path, *, days: int | None = None, every: int = 3, lang: str = "en",
            seed: int = 0, metric: str = "satisfaction_mean", fps: float = 12.0, dpi: float = 80.0,
            overrides: Mapping[str, Any] | None = None, community: str | None = None,
            log: Callable[[str], None] | None = None) -> AnimationResult:
    """Run ``scenario`` and write the map and ``metric`` over time to ``out`` (``.gif`` or ``.mp4``).

    A street file (:func:`~cogov.sim.street.load.is_street_file`) is drawn by :func:`animate_street`: its
    communities side by side, ``community`` outlined, and the street's charts.

    Args:
        scenario: built-in name or TOML file (a community scenario or a street).
        out: output file; its suffix picks the format. A ``<out>.json`` provenance file goes beside it.
        days: horizon (default: the scenario's).
        every: days between frames.
        lang: ``en`` or ``zh``.
        seed: random seed.
        metric: the daily outcome charted (declared in :mod:`cogov.sim.outcomes.registry` with ``daily``).
        fps: frames per second.
        dpi: resolution (80: a 1000 x 600 pixel frame for the default community).
        overrides: parameter overrides by key path, as ``CommunityModel`` takes them (for a street: of its
            ``[street]`` table, as :func:`~cogov.sim.street.load.apply_street_overrides` takes them).
        community: a street's community to select (its name; default the first); only for a street.
        log: where to say what was written.

    Raises:
        UndeclaredOutcome: ``metric`` is not a declared outcome (the message lists the daily ones).
        ScenarioError: ``metric`` is declared but not recorded daily, ``out`` has another suffix, or ``community``
            is given for a single community or names none of the street's (the message lists them).
    """
    if is_street_file(scenario):
        return animate_street(scenario, out, days=days, every=every, lang=lang, seed=seed, metric=metric, fps=fps,
                              dpi=dpi, overrides=overrides, community=community, log=log)
    if community is not None:
        raise ScenarioError("--community", [(f"{str(scenario)!r} is one community, not a street: --community "
                                             "selects a community of a street file")])
    started = time.perf_counter()
    out = _checked(out, metric)
    lang = resolve_lang(lang)
    loaded = load_scenario(str(scenario))
    model = CommunityModel(loaded, rng=seed, days=days, **dict(overrides or {}))
    record = provenance(model.initial_config, seed, loaded) | {
        "tool": "cogov animate", "overrides": dict(overrides or {}), "metric": metric, "every_days": every,
        "fps": fps, "lang": lang, "output": out.name,
    }
    count = _write(render_frames(model, metric, every, lang, dpi), out, fps, record)
    record["interventions"] = [event.as_dict() for event in model.interventions]  # those the scenario scheduled
    return _finish(out, record, count, int(model.days), started, log)


def animate_street(street: str | Path, out: Path, *, days: int | None = None, every: int = 3, lang: str = "en",
                   seed: int = 0, metric: str = "satisfaction_mean", fps: float = 12.0, dpi: float = 80.0,
                   overrides: Mapping[str, Any] | None = None, community: str | None = None,
                   log: Callable[[str], None] | None = None) -> AnimationResult:
    """Run the street file ``street`` and write its communities' maps and its charts over time to ``out``.

    Each frame: every community's building map (small multiples on one colour scale, each titled with its name
    and today's ``metric``), ``community`` (default the first) outlined in red, and the street's mean and gap of
    ``metric`` over time with the selected community's line. Provenance as :func:`animate` (the street file, its
    digest, the seed, each community's scenario and seed; ``community`` and ``overrides``). Arguments as
    :func:`animate`; ``overrides`` apply to the street's own table.

    Raises:
        ScenarioError: ``community`` names none of the street's communities (the message lists them), the street
            or an override is invalid, or as :func:`animate`.
    """
    from cogov.viz.street_views import selected_index

    started = time.perf_counter()
    out = _checked(out, metric)
    lang = resolve_lang(lang)
    loaded = apply_street_overrides(load_street(street), dict(overrides or {}), source="--set")
    names = [c.name for c in loaded.communities]
    try:
        selected = selected_index(names, community)
    except ValueError as exc:
        raise ScenarioError("--community", [f"street {loaded.config.meta.name!r}: {exc}"]) from None
    model = StreetModel(loaded, rng=seed, days=days)
    settings = {"tool": "cogov animate", "overrides": dict(overrides or {}), "metric": metric, "every_days": every,
                "fps": fps, "lang": lang, "output": out.name, "community": names[selected]}
    count = _write(render_street_frames(model, metric, every, lang, dpi, selected), out, fps,
                   model.provenance() | settings)
    # the provenance again at the end: it lists the interventions each community's scenario scheduled and ran
    return _finish(out, model.provenance() | settings, count, int(model.days), started, log)
