"""The ``cogov`` command line's parser, light enough to answer ``--help``, ``--version`` and usage errors without
loading the model, numpy, pandas or matplotlib (:func:`main`, the console entry point); the commands themselves are
in :mod:`cogov.cli`, imported once the arguments are valid.

Choices that other modules also define (languages, sensitivity methods, backends, report maps) are repeated here as
literals and checked equal to theirs by ``tests/test_cli_startup.py``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cogov import __version__

LANGS = ("en", "zh")
"""Languages of labels, tables and reports (as :data:`cogov.analysis.figures.LANGS`)."""
METHODS = ("sobol", "morris")
"""Sensitivity methods (as :data:`cogov.analysis.sensitivity.METHODS`)."""
BACKENDS = ("serial", "local", "dask")
"""Sweep backends (as :data:`cogov.experiments.backends.BACKENDS`)."""
MAX_WORKERS = 1024
"""Most worker processes (as :data:`cogov.experiments.backends.MAX_WORKERS`)."""
MAX_MAPS = 4
"""Community maps a report draws by default (as :data:`cogov.analysis.report.MAX_MAPS`)."""
MAX_SEED = 2**63 - 1
"""Largest seed (numpy accepts any non-negative integer; results record seeds as 64-bit integers)."""
MAX_REPLICATES = 100_000

MAX_ROBUSTNESS_POINTS = 64
"""Most points of the robustness hypercube (each runs every scenario several times)."""


def _bounded_int(low: int, high: int, high_text: str | None = None) -> Any:
    """An argparse type: a whole number from ``low`` to ``high`` (``high_text``: how the message writes it)."""
    allowed = f"must be a whole number from {low:,} to {high_text or f'{high:,}'}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also a number of more than 4,300 digits
            raise argparse.ArgumentTypeError(f"{allowed} (got {_printable(text, 40)!r})") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{allowed} (got {_printable(text, 40)})")
        return value

    return parse


def _bounded_float(low: float, high: float) -> Any:
    """An argparse type: a finite number from ``low`` to ``high`` (nan and inf refused)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"must be a number from {low:g} to {high:g} (got {_printable(text, 40)!r})")
        return value

    return parse


MAX_DAYS = 3650  # as simulation.days in the scenario format
MIN_FPS, MAX_FPS = 0.1, 100.0  # a GIF frame lasts at most 655 s and at least 10 ms
MIN_DPI, MAX_DPI = 20.0, 300.0  # 300 dpi: 4,000 x 2,250 pixel frames, about a gigabyte for a year's GIF
MAX_REPORT_MAPS = 20  # each map is one more simulation
_days = _bounded_int(1, MAX_DAYS)
_workers = _bounded_int(1, MAX_WORKERS)
_replicates = _bounded_int(1, MAX_REPLICATES)


def _precision(text: str) -> float:
    """A 95 % half-width to reach: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number > 0, in the outcome's unit (got {_printable(text, 40)!r})")
    return value


_SCHEDULER = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$")


def _scheduler(text: str) -> str:
    """A Dask scheduler address: ``[tcp|tls|ucx|ws|wss://]host:port``, port 1-65535."""
    match = _SCHEDULER.match(text)
    if match is None or not 1 <= int(match.group(1)) <= 65535:
        raise argparse.ArgumentTypeError(f"must be a scheduler address such as tcp://host:8786 "
                                         f"(got {_printable(text, 80)!r})")
    return text



_seed = _bounded_int(0, MAX_SEED, "2^63 - 1")
"""A seed: a whole number from 0 (what numpy and ``replicate_seed`` accept) to 2^63 - 1."""




def _comma_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]



def _outcome_list(text: str) -> list[str]:
    """Comma-separated outcome names, each declared in the outcome registry (did-you-mean otherwise)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one outcome name")
    from cogov.sim.outcomes.registry import UndeclaredOutcome, outcome  # only when --outcomes is given

    for name in names:
        try:
            outcome(name)
        except UndeclaredOutcome as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return names



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cogov", description="Simulate multi-party community co-governance.")
    parser.add_argument("--version", action="version", version=f"cogov {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one simulation and summarise it")
    run.add_argument("scenario", nargs="?", default="default", help="built-in name or TOML file (default: default)")
    run.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    run.add_argument("--days", type=_days, help="override the horizon in days")
    run.add_argument("--out", type=Path, help="folder for series.csv and summary.json")
    run.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    run.add_argument("--agents", action="store_true",
                     help="with --out: also write every household's final state (households.parquet) and every "
                     "issue's history (issues.parquet)")
    run.set_defaults(handler="_cmd_run")

    export = sub.add_parser("export", help="write a results folder's runs, tidy outcomes and daily series as CSV or "
                            "Parquet files (BehaviorSpace's table)")
    export.add_argument("directory", type=Path, help="a results folder (sweep, comparison or sensitivity)")
    export.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    export.add_argument("--to", type=Path, help="folder for the files (default DIRECTORY/export)")
    export.set_defaults(handler="_cmd_export")

    disc = sub.add_parser("discover", help="scenario discovery over a sweep: which levers and parameters lead to an "
                          "outcome region (PRIM and CART; optional extra cogov[discovery])")
    disc.add_argument("directory", type=Path, help="a results folder of a sweep")
    disc.add_argument("--where", required=True, help="the cases of interest, e.g. 'resolution_rate < 0.5'")
    disc.add_argument("--out", type=Path, help="folder for box.csv, trajectory.csv, cart.csv and figures "
                      "(default DIRECTORY/discovery)")
    disc.add_argument("--lang", choices=LANGS, default="en", help="language of the figures (en or zh)")
    disc.set_defaults(handler="_cmd_discover")

    listing = sub.add_parser("scenarios", help="list the built-in scenarios")
    listing.add_argument("--lang", choices=LANGS, default="en", help="titles and descriptions in English or Chinese")
    listing.set_defaults(handler="_cmd_scenarios")

    validate = sub.add_parser("validate", help="check scenario files and report every problem")
    validate.add_argument("files", nargs="+", help="TOML files or built-in names")
    validate.set_defaults(handler="_cmd_validate")

    sweep = sub.add_parser("sweep", help="run an experiment file: designs, replicates, resumable Parquet results")
    sweep.add_argument("experiment", type=Path, help="experiment TOML file")
    sweep.add_argument("--workers", type=_workers, help="worker processes (default: all cores)")
    sweep.add_argument("--backend", choices=BACKENDS, default="local", help="serial, local process pool, or dask")
    sweep.add_argument("--scheduler", type=_scheduler, help="address of an existing Dask scheduler (with --backend dask)")
    sweep.add_argument("--out", type=Path, help="results folder (default: the file's outputs.directory or results/NAME)")
    sweep.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed")
    sweep.set_defaults(handler="_cmd_sweep")

    sens = sub.add_parser(
        "sensitivity", help="Sobol or Morris sensitivity indices of an experiment; Sobol N·(D+2) runs, Morris r·(D+1)",
        description="Run an experiment with design = 'sobol' or 'morris' (resumable, as cogov sweep) and compute "
        "sensitivity indices with 95 % confidence intervals. Runs needed, D parameters: Sobol N*(D+2) "
        "(N*(2D+2) with second_order), N = samples, a power of 2; Morris r*(D+1), r = samples (trajectories); "
        "each times replicates.")
    sens.add_argument("experiment", type=Path, help="experiment TOML file (design = 'sobol' or 'morris')")
    sens.add_argument("--method", choices=METHODS, required=True, help="must match the file's design")
    sens.add_argument("--workers", type=_workers, help="worker processes (default: all cores)")
    sens.add_argument("--backend", choices=BACKENDS, default="local", help="serial, local process pool, or dask")
    sens.add_argument("--scheduler", type=_scheduler, help="address of an existing Dask scheduler (with --backend dask)")
    sens.add_argument("--out", type=Path, help="results folder, also for sensitivity_METHOD.csv/.png "
                      "(default: the file's outputs.directory or results/NAME)")
    sens.add_argument("--outputs", type=_comma_list,
                      help="comma-separated outcomes to analyse (default: every numeric outcome that varies)")
    sens.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed")
    sens.add_argument("--lang", choices=LANGS, default="en", help="language of the figure (en or zh)")
    sens.set_defaults(handler="_cmd_sensitivity")

    plot = sub.add_parser("plot", help="a figure from a results folder: response curve, or heatmap with --y")
    plot.add_argument("directory", type=Path, help="results folder of a sweep (or comparison)")
    plot.add_argument("--metric", required=True, help="outcome on the y axis (or the colour, with --y)")
    plot.add_argument("--x", required=True, help="swept parameter on the x axis (key path)")
    plot.add_argument("--by", help="one line per value of this second swept parameter")
    plot.add_argument("--y", help="second swept parameter on the y axis: draw a heatmap of mean outcomes")
    plot.add_argument("--lang", choices=LANGS, default="en", help="language of the labels (en or zh)")
    plot.add_argument("--out", type=Path, required=True, help="PNG file to write")
    plot.set_defaults(handler="_cmd_plot")

    comp = sub.add_parser("compare", help="compare scenarios on the same seeds: means, paired differences, effect sizes")
    comp.add_argument("scenarios", nargs="*", help="baseline first, then the others (built-in names or TOML files)")
    comp.add_argument("--replicates", type=_replicates, default=20, help="paired replicates per scenario (default 20)")
    comp.add_argument("--days", type=_days, help="override the horizon")
    comp.add_argument("--seed", type=_seed, default=0, help="master seed (default 0)")
    comp.add_argument("--precision", type=_precision,
                      help="add replicates until every difference has this 95 %% half-width (a number > 0)")
    comp.add_argument("--metric", default="satisfaction_mean", help="outcome the precision applies to")
    comp.add_argument("--outcomes", type=_outcome_list, action="extend", default=[],
                      help="outcomes to compare, comma-separated or repeated (default: the key outcomes some run moves;"
                           " names as in `cogov outcomes`)")
    comp.add_argument("--workers", type=_workers, help="worker processes (default: all cores)")
    comp.add_argument("--backend", choices=BACKENDS, default="local", help="serial, local process pool, or dask")
    comp.add_argument("--scheduler", type=_scheduler, help="address of an existing Dask scheduler (with --backend dask)")
    comp.add_argument("--out", type=Path, help="results folder (default results/compare-<names>, or with the experiment's digest appended when "
                      "that folder holds another comparison); reused to resume")
    comp.add_argument("--from", dest="from_dir", type=Path, help="compare an existing sweep folder instead of running")
    comp.add_argument("--by", default="scenario", help="with --from: the swept parameter to compare (default scenario)")
    comp.add_argument("--baseline", help="with --from: the value of --by that is the baseline (default: the first)")
    comp.add_argument("--within", action="append", default=[], metavar="NAME=VALUE",
                      help="with --from on a sweep of several parameters: compare at this value of another parameter "
                      "(repeatable); without it, one table per combination of their values, never pooled")
    comp.add_argument("--csv", type=Path, help="also write the comparison table as CSV")
    comp.add_argument("--report", type=Path, action="append", default=[],
                      help="write a report: .html (one self-contained file) or .md (with a figures folder); repeatable")
    comp.add_argument("--lang", choices=LANGS, default="en", help="language of the table and the report (en or zh)")
    comp.add_argument("--maps", type=_bounded_int(0, MAX_REPORT_MAPS), default=MAX_MAPS,
                      help=f"community maps in the report, one per scenario (default {MAX_MAPS}; 0 for none)")
    comp.add_argument("--robustness", type=_bounded_int(0, MAX_ROBUSTNESS_POINTS), default=0, metavar="N",
                      help="also rerun the comparison at N points of a Latin hypercube over the parameters that rest "
                      "only on assumptions, and report whether each difference keeps its sign (default 0: off)")
    comp.add_argument("--robustness-replicates", type=_bounded_int(2, 100), default=4, metavar="R",
                      help="replicates per scenario at each robustness point (default 4)")
    comp.set_defaults(handler="_cmd_compare")

    check = sub.add_parser("validate-model", help="check the model against its patterns (levers, pathologies)")
    check.add_argument("--replicates", type=_replicates, default=20, help="seeds per arm (default 20; CI uses 8)")
    check.add_argument("--seed", type=_seed, default=0,
                       help="master seed: replicate r runs with the seed derived from (master seed, r) (default 0)")
    check.add_argument("--workers", type=_workers, help="worker processes (default: all cores)")
    check.add_argument("--group", choices=("lever", "loop", "pathology", "years", "street"),
                       help="only this group of patterns")
    check.add_argument("--pattern", action="append", default=[], help="only this pattern (repeatable)")
    check.add_argument("--out", type=Path, help="also write the table as CSV")
    check.add_argument("--strict", action="store_true", help="exit with status 1 if a pattern fails")
    check.set_defaults(handler="_cmd_validate_model")

    calib = sub.add_parser("calibrate", help="compare the default community with the source figures")
    calib.add_argument("scenario", nargs="?", default="default", help="built-in name or TOML file (default: default)")
    calib.add_argument("--replicates", type=_replicates, default=20, help="communities generated (default 20)")
    calib.add_argument("--seed", type=_seed, default=0,
                       help="master seed: replicate r runs with the seed derived from (master seed, r) (default 0)")
    calib.add_argument("--workers", type=_workers, help="worker processes (default: all cores)")
    calib.add_argument("--out", type=Path, help="also write the table as CSV")
    calib.set_defaults(handler="_cmd_calibrate")

    schema = sub.add_parser("schema", help="print (or write) the JSON Schema of scenario files")
    schema.add_argument("--out", type=Path, help="write to this file instead of stdout")
    schema.add_argument("--street", action="store_true", help="the JSON Schema of street files instead")
    schema.set_defaults(handler="_cmd_schema")
    _add_classroom_commands(sub)
    return parser



def _add_classroom_commands(sub: Any) -> None:
    """Parsers of ``cogov viz`` (the classroom page) and ``cogov animate`` (GIF/MP4 for slides)."""
    viz = sub.add_parser("viz", help="serve the interactive classroom page (map, levers, live charts) on 127.0.0.1",
                         description="Serve the classroom page: a community map, the main levers and live charts, "
                         "with Step, Play/Pause, Reset and speed, in English or Chinese. Each browser tab gets "
                         "its own model. Needs the 'viz' extra: pip install 'cogov[viz]'.")
    viz.add_argument("scenario", nargs="?", default="default",
                     help="built-in name or TOML file, a community or a street (a street opens in street mode; "
                     "default: default)")
    viz.add_argument("--port", type=_bounded_int(1, 65535), default=8765, help="port (default 8765)")
    viz.add_argument("--host", default="127.0.0.1",
                     help="interface to serve on. Default 127.0.0.1: this machine only, and only as 127.0.0.1 or "
                     "localhost. A network address (e.g. 192.168.1.5) opens the page to everyone who can reach "
                     "this machine, under that address; 0.0.0.0 opens it on every interface, under any name of "
                     "this machine. Whoever can open the page can run models on this machine. In every case "
                     "pages of other web sites cannot connect (requests with another Origin are refused), and "
                     "the page loads only the built-in scenarios and the SCENARIO file given here")
    viz.add_argument("--lang", choices=("en", "zh"), default="en", help="starting language (a button switches)")
    viz.add_argument("--seed", type=_seed, default=0, help="starting random seed (default 0)")
    viz.add_argument("--open", dest="open_browser", action=argparse.BooleanOptionalAction, default=None,
                     help="open a browser (default: when a desktop session is available)")
    viz.add_argument("--fetch-assets", action="store_true",
                     help="download the page's front-end files into the local cache (once, while online) and exit")
    viz.set_defaults(handler="_cmd_viz")

    anim = sub.add_parser("animate", help="render the map and a chart over time as a GIF (or MP4 with ffmpeg)",
                          description="Render a run as a GIF (or MP4 with ffmpeg) for slides: the community map and "
                          "a chart of --metric over time. On a street file, every community's map side by side "
                          "on one colour scale, --community outlined, and the street's mean and gap over time.")
    anim.add_argument("scenario", nargs="?", default="default",
                      help="built-in name or TOML file, a community or a street (default: default)")
    anim.add_argument("--community", metavar="NAME",
                      help="a street's community to outline and chart in red (default: its first; names as "
                      "`cogov run STREET` lists them)")
    anim.add_argument("--out", type=Path, required=True, help="output file, .gif or .mp4 (a .json provenance file "
                      "is written beside it)")
    anim.add_argument("--days", type=_days, help="override the horizon")
    anim.add_argument("--every", type=_days, default=3, help="days between frames (default 3)")
    anim.add_argument("--metric", default="satisfaction_mean", help="daily metric to chart (default satisfaction_mean)")
    anim.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the labels")
    anim.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    anim.add_argument("--fps", type=_bounded_float(MIN_FPS, MAX_FPS), default=12.0,
                      help=f"frames per second (default 12; {MIN_FPS:g} to {MAX_FPS:g})")
    anim.add_argument("--dpi", type=_bounded_float(MIN_DPI, MAX_DPI), default=80.0,
                      help=f"resolution (default 80: about 1080 x 600 pixels; {MIN_DPI:g} to {MAX_DPI:g})")
    anim.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a parameter by key path, e.g. --set levers.burden.admin_share=0.8 (repeatable)")
    anim.set_defaults(handler="_cmd_animate")




def _printable(text: object, limit: int | None = None) -> str:
    """Text from the command line as an error message shows it (:func:`cogov.sim.text.printable`)."""
    from cogov.sim.text import printable

    return printable(text, limit)


def main(argv: Sequence[str] | None = None) -> int:
    """The console entry point: the arguments are parsed here, so that ``--help``, ``--version`` and usage errors
    answer at once; valid arguments are run by :func:`cogov.cli.main` (which parses them again, cheaply)."""
    _parser().parse_args(sys.argv[1:] if argv is None else argv)
    from cogov.cli import main as run

    return run(argv)
