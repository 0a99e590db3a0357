"""The ``cogov`` command line: run a scenario, list and validate scenarios, export the schema."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shlex
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from cogov.cli_lazy import deferred, lazy_module
from cogov.cli_parser import (
    _parser,
)
from cogov.experiments.lock import FolderInUse, ResultsFolderError, folder_lock
from cogov.sim.migrations import RenamedKeyWarning
from cogov.sim.scenario import (
    STREETS_FOLDER,
    ScenarioError,
    apply_overrides,
    builtin_dir,
    builtin_names,
    file_title,
    json_schema,
    load_scenario,
    printable,
    resolve_path,
)
from cogov.sim.street.load import LoadedStreet, builtin_street_names, is_street_file, load_street

if TYPE_CHECKING:  # annotations only
    from cogov.experiments.spec import Experiment
    from cogov.sim.outcomes.registry import Outcome

# Heavy modules (numpy, pandas, Mesa, matplotlib, SciPy) load when a command first uses them, not when the command
# line starts: `cogov validate` and the errors of a bad call answer without them.
pd = lazy_module("pandas")
calibrate = deferred("cogov.analysis.calibration", "calibrate")
compare_scenarios = deferred("cogov.analysis.compare", "compare_scenarios")
comparison_experiment = deferred("cogov.analysis.compare", "comparison_experiment")
replicates_needed = deferred("cogov.analysis.compare", "replicates_needed")
box_limits = deferred("cogov.analysis.figures", "box_limits")
heatmap = deferred("cogov.analysis.figures", "heatmap")
metric_label = deferred("cogov.analysis.figures", "metric_label")
peeling_trajectory = deferred("cogov.analysis.figures", "peeling_trajectory")
response_curve = deferred("cogov.analysis.figures", "response_curve")
PatternRunner = deferred("cogov.analysis.patterns", "PatternRunner")
select = deferred("cogov.analysis.patterns", "select")
build_report = deferred("cogov.analysis.report", "build_report")
write_report = deferred("cogov.analysis.report", "write_report")
load_runs = deferred("cogov.analysis.results", "load_runs")
load_series = deferred("cogov.analysis.results", "load_series")
load_tidy = deferred("cogov.analysis.results", "load_tidy")
parameters = deferred("cogov.analysis.results", "parameters")
run_robustness = deferred("cogov.analysis.robustness", "run_robustness")
analyse = deferred("cogov.analysis.sensitivity", "analyse")
check_method = deferred("cogov.analysis.sensitivity", "check_method")
design_warnings = deferred("cogov.analysis.sensitivity", "design_warnings")
plot_indices = deferred("cogov.analysis.sensitivity", "plot_indices")
plot_morris_sigma = deferred("cogov.analysis.sensitivity", "plot_morris_sigma")
summary_rows = deferred("cogov.analysis.sensitivity", "summary_rows")
format_difference_interval = deferred("cogov.analysis.wording", "format_difference_interval")
format_interval = deferred("cogov.analysis.wording", "format_interval")
format_p = deferred("cogov.analysis.wording", "format_p")
format_value = deferred("cogov.analysis.wording", "format_value")
default_workers = deferred("cogov.experiments.backends", "default_workers")
open_executor = deferred("cogov.experiments.backends", "open_executor")
process_pool = deferred("cogov.experiments.backends", "process_pool")
worker_count = deferred("cogov.experiments.backends", "worker_count")
run_count = deferred("cogov.experiments.design", "run_count")
run_sweep = deferred("cogov.experiments.runner", "run_sweep")
chunk_size = deferred("cogov.experiments.runner", "chunk_size")
load_experiment = deferred("cogov.experiments.spec", "load_experiment")
what_differs = deferred("cogov.experiments.store", "what_differs")
CommunityModel = deferred("cogov.sim.model", "CommunityModel")
compared_by_default = deferred("cogov.sim.outcomes.registry", "compared_by_default")
outcome = deferred("cogov.sim.outcomes.registry", "outcome")
outcomes = deferred("cogov.sim.outcomes.registry", "outcomes")
provenance = deferred("cogov.sim.provenance", "provenance")
StreetModel = deferred("cogov.sim.street.model", "StreetModel")
print_street = deferred("cogov.street_cli", "print_street")
street_json_schema = deferred("cogov.street_cli", "street_json_schema")
street_record = deferred("cogov.street_cli", "street_record")
write_street_outputs = deferred("cogov.street_cli", "write_street_outputs")
compare_results = deferred("cogov.analysis.results", "compare")

def robustness_outcomes() -> tuple[str, ...]:
    """What the robustness runs keep: the outcomes compared by default, and the public cost."""
    return (*compared_by_default(), "cost_total")
EXIT_OK = 0
EXIT_INPUT = 2
EXIT_FOLDER_WRITE = 74  # sysexits EX_IOERR: the results folder could not be written (disk full, read-only, ...)
EXIT_FOLDER_IN_USE = 75  # sysexits EX_TEMPFAIL: another process is writing the results folder; try again later
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BUG = 1
"""Exit status of an internal error (a bug: the traceback is printed, with a request to report it)."""
PROGRESS_AFTER_SECONDS = 2.0
MAX_PROBLEMS_SHOWN = 200
"""Problems printed for one error (a file with 100,000 unknown keys is still a readable message)."""


class StdoutError(OSError):
    """Standard output cannot be written (``/dev/full``, a closed pipe, a lost terminal)."""


class _GuardedStdout:
    """Standard output for the length of a command: a failed write or flush raises :class:`StdoutError`,
    so that ``main`` can tell it from a failure to write a file and say so."""

    def __init__(self, stream: Any):
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text``; a failed write (other than a closed pipe) becomes :class:`StdoutError`."""
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from exc

    def flush(self) -> None:
        """Flush the stream; a failure (other than a closed pipe) becomes :class:`StdoutError`."""
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror) from exc

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding … as the stream has them
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cogov`` console command.

    Every error a user can cause ends here with a message and exit status 2 (:data:`EXIT_INPUT`):
    a file, an option or an output place that cannot be used. Text from files and the command line
    is echoed literally (no Rich markup) and with control characters escaped (:func:`_shown`).
    """
    _show_renamed_keys()
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "scheduler", None) and args.backend != "dask":
        parser.error(f"--scheduler needs --backend dask (the {args.backend} backend has no scheduler)")
    args.command_line = shlex.join(["cogov", *(sys.argv[1:] if argv is None else argv)])  # recorded in reports
    handler = globals()[args.handler]  # the parser names the command's function (cogov.cli_parser stays light)
    graceful = handler in (_cmd_sweep, _cmd_sensitivity, _cmd_compare)
    stdout = sys.stdout
    sys.stdout = _GuardedStdout(stdout)
    # Commands that run sweeps stop on SIGTERM (a batch system's or `kill`'s) as on Ctrl-C: chunks finished so
    # far are written, the workers are stopped, and the report line says how far it got.
    with _sigterm_as_interrupt(graceful) as stopped:
        try:
            status = int(handler(args))
            sys.stdout.flush()
        except ScenarioError as exc:
            _error(exc.lines())
            return EXIT_INPUT
        except KeyError as exc:  # an unknown pattern name, or an outcome the registry does not declare
            _error(str(exc.args[0]).splitlines())
            return EXIT_INPUT
        except ResultsFolderError as exc:  # in use by another sweep, or not writable: no traceback, what to do
            _error(str(exc).splitlines())
            return EXIT_FOLDER_IN_USE if isinstance(exc, FolderInUse) else EXIT_FOLDER_WRITE
        except KeyboardInterrupt:
            Console(stderr=True).print("terminated" if stopped else "interrupted")
            return 128 + stopped[0] if stopped else EXIT_INTERRUPTED
        except BrokenPipeError:  # output piped into `head` and the like: not an error
            _discard_stdout(stdout)
            return EXIT_OK
        except StdoutError as exc:
            _discard_stdout(stdout)
            _error([f"cannot write to standard output: {exc.strerror}"])
            return EXIT_INPUT
        except Exception:  # noqa: BLE001 - a bug, not a problem with the input: shown in full, with where it goes
            traceback.print_exc()
            print(f"\ncogov: internal error. This is a bug in cogov, not a problem with your files or options; "
                  f"please report it with the traceback above, the command ({printable(args.command_line)}) and the "
                  "files it read.", file=sys.stderr)
            return EXIT_BUG
        finally:
            sys.stdout = stdout
    return 128 + stopped[0] if stopped and status == EXIT_INTERRUPTED else status


@contextlib.contextmanager
def _sigterm_as_interrupt(enabled: bool = True) -> Iterator[list[int]]:
    """While enabled, SIGTERM raises KeyboardInterrupt in the main thread, as Ctrl-C does; yields the
    list of signals received (empty if none), so the exit status can say 143 (128 + SIGTERM).

    A second SIGTERM while stopping ends the process at once (the default action), as a second Ctrl-C
    would be expected to. Finished chunks are on disk either way: this only makes the stop orderly.
    """
    received: list[int] = []
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def _error(lines: Sequence[str]) -> None:
    """Print an error on stderr: user text literally (no markup), control characters escaped."""
    shown = [printable(line) for line in lines[:MAX_PROBLEMS_SHOWN]]
    if len(lines) > MAX_PROBLEMS_SHOWN:
        shown.append(f"… and {len(lines) - MAX_PROBLEMS_SHOWN:,} more problems")
    text = Text("error: ", style="bold red")
    text.append("\n".join(shown))
    Console(stderr=True).print(text, highlight=False, soft_wrap=True)


def _discard_stdout(stream: Any) -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what could not be
    written does not fail again with a traceback at exit."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. captured in tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def _log_to(console: Console) -> Any:
    """A ``log(line)`` function printing literally on ``console``, control characters escaped line by line."""
    def log(text: str) -> None:
        console.print("\n".join(printable(line) for line in str(text).split("\n")), highlight=False, markup=False)

    return log


def _shown(text: object) -> str:
    """Text from a file or the command line, for a Rich string: markup escaped, control characters shown
    as escapes (a name like ``[/]`` or ``\\x1b[2J`` is printed as it is written, and does nothing)."""
    return escape(printable(text))


def _show_renamed_keys() -> None:
    """Say, once per file and key, that an old key name was read under its new name."""
    original = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, RenamedKeyWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            original(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("default", RenamedKeyWarning)


def _stdout() -> Console:
    """Console for results: the terminal's width, or a wide one when output goes to a file or pipe."""
    return Console() if sys.stdout.isatty() else Console(width=180)


def _refuse_if(problem_of: Callable[[], str | None], path: Path, option: str) -> None:
    """Raise a :class:`ScenarioError` naming ``option`` and ``path`` if ``problem_of()`` finds a problem,
    or the filesystem refuses to answer (an ``OSError``, or a NUL character in the path)."""
    try:
        problem = problem_of()
    except OSError as exc:
        problem = f"cannot write there: {exc.strerror or exc}"
    except ValueError as exc:  # a NUL character in the path
        problem = str(exc)
    if problem is not None:
        raise ScenarioError(option, [f"{printable(path)}: {problem}"])


def _check_output_folder(folder: Path, option: str) -> None:
    """Refuse an output folder that cannot be written, before any work: a file or a device where the
    folder should be, a place that cannot be created, or one this user cannot write in."""
    def problem_of() -> str | None:
        if folder.exists() and not folder.is_dir():
            return "exists and is not a folder; give a folder"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # the one sure test (permissions, read-only mounts, quotas)
            pass
        return None

    _refuse_if(problem_of, folder, option)


def _check_output_file(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any work: a folder or a device (``/dev/full``,
    ``/dev/null``) in its place, or a folder it cannot be created in."""
    def problem_of() -> str | None:
        if not path.exists():
            return None
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return "is a folder; give a file name"
        if not stat.S_ISREG(mode):
            return "is not a regular file (a device or pipe); give a file name"
        if not os.access(path, os.W_OK):
            return "cannot write there: Permission denied"
        return None

    _refuse_if(problem_of, path, option)
    _check_output_folder(path.parent, option)


def _cmd_run(args: argparse.Namespace) -> int:
    if args.agents and args.out is None:
        raise ScenarioError("run", ["--agents needs --out DIR (the folder for households.parquet and issues.parquet)"])
    if is_street_file(args.scenario):
        return _run_street(args)
    loaded = load_scenario(args.scenario)
    if args.out is not None:
        _check_output_folder(args.out, "--out")  # before the run, not after it
    model = CommunityModel(loaded, rng=args.seed, days=args.days)
    _run_with_progress(model, show=sys.stderr.isatty() and not args.json)
    summary = model.summary()
    record = {"provenance": provenance(model.initial_config, args.seed, loaded, model.interventions)} | summary
    if args.out is not None:
        _write_outputs(args.out, model, record, agents=args.agents)
    if args.json:
        print(json.dumps(_finite(record), indent=2))
    else:
        _print_summary(_stdout(), record, args.out)
    return EXIT_OK


def _run_street(args: argparse.Namespace) -> int:
    """``cogov run`` on a street file (:mod:`cogov.street_cli`)."""
    if args.agents:
        raise ScenarioError("run", [("--agents is for one community; a street writes communities.csv and "
                                    "communities_series.csv with --out")])
    loaded = load_street(args.scenario)
    if args.out is not None:
        _check_output_folder(args.out, "--out")
    model = StreetModel(loaded, rng=args.seed, days=args.days)
    _run_with_progress(model, show=sys.stderr.isatty() and not args.json)
    record = street_record(model)
    written = write_street_outputs(args.out, model, record, _finite) if args.out is not None else []
    if args.json:
        print(json.dumps(_finite(record), indent=2))
    else:
        print_street(_stdout(), record, written)
    return EXIT_OK


def _run_with_progress(model: CommunityModel | StreetModel, show: bool) -> None:
    """Step to the horizon; on a terminal, show a progress bar once the run takes a couple of seconds."""
    started = time.perf_counter()
    progress: Progress | None = None
    task = None
    try:
        while model.running:
            model.step()
            if show and progress is None and time.perf_counter() - started > PROGRESS_AFTER_SECONDS:
                progress = Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("days"),
                                    TimeRemainingColumn(), console=Console(stderr=True), transient=True)
                progress.start()
                task = progress.add_task("run", total=model.days)
            if progress is not None and task is not None:
                progress.update(task, completed=model.day)
    finally:
        if progress is not None:
            progress.stop()


def _write_outputs(folder: Path, model: CommunityModel, record: dict[str, Any], agents: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    series = model.series()
    prov = record["provenance"]
    for key in ("scenario_name", "scenario_digest", "seed", "model_version", "cogov_version"):
        series[key] = prov[key]
    series.to_csv(folder / "series.csv")
    if model.interventions:  # parameters changed during the run: day (first with the new value), key, old, new
        model.interventions_frame().to_csv(folder / "interventions.csv", index=False)
    (folder / "summary.json").write_text(json.dumps(_finite(record), indent=2) + "\n", encoding="utf-8")
    if agents:
        _write_frame(model.households_frame(), folder / "households.parquet", prov)
        _write_frame(model.issues_frame(), folder / "issues.parquet", prov)


def _write_frame(frame: pd.DataFrame, path: Path, provenance: dict[str, Any]) -> None:
    """A table as Parquet, with the run's provenance in the file's metadata (key ``cogov``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), b"cogov": json.dumps(_finite(provenance)).encode()}
    pq.write_table(table.replace_schema_metadata(metadata), path)


def _finite(value: Any) -> Any:
    """JSON has no NaN: write undefined ratios (e.g. no issue resolved yet) as null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_summary(console: Console, record: dict[str, Any], out: Path | None) -> None:
    prov = record["provenance"]
    metrics = record["metrics"]
    table = Table(title=f"cogov — {_shown(prov['scenario_name'])}, seed {prov['seed']}, {metrics['day']} days",
                  title_justify="left", min_width=60)
    table.add_column("outcome")
    table.add_column("value", justify="right")
    for item in _summary_outcomes(metrics):
        value = format_value(item.name, float(metrics[item.name]), "en", single_run=True, unit=False)  # unit: label
        table.add_row(item.axis_label("en"), value)
    console.print(table)

    groups = Table(title="satisfaction by compound type and resident group (score 0-1)", title_justify="left",
                   min_width=60)
    groups.add_column("group")
    groups.add_column("mean", justify="right")
    for name, value in {**record["satisfaction_by_compound_type"], **record["satisfaction_by_group"]}.items():
        item = outcome(f"satisfaction_{name}")  # the registry's label, e.g. "Satisfaction: three-no compounds"
        groups.add_row(item.label["en"], format_value(item.name, float(value), "en", single_run=True, unit=False))
    console.print(groups)
    community = record["community"]
    console.print(
        f"community: {community['households']} households, {community['compounds']} compounds, "
        f"{community['grids']} grids; scenario digest {prov['scenario_digest'][:12]}; cogov {prov['cogov_version']}"
    )
    if out is not None:
        console.print(f"wrote {printable(out / 'series.csv')} and {printable(out / 'summary.json')}", markup=False)


def _summary_outcomes(metrics: dict[str, Any]) -> list[Outcome]:
    """The outcomes of a run's final metrics, in the registry's order; ``day`` is the date, not an outcome.

    Every metric must be declared (:class:`~cogov.sim.outcomes.registry.UndeclaredOutcome` otherwise), so
    a metric added to the model shows up here with its name, unit and format, or stops the command.
    """
    shown = {name for name in metrics if name != "day"}
    for name in shown:
        outcome(name)
    return [item for item in outcomes() if item.name in shown]


def _free_results_folder(plain: Path, experiment: Experiment) -> Path:
    """A default results folder for ``experiment``: ``plain`` when it is new, holds this experiment (to resume or
    extend it) or an earlier design of it that can grow into this one (other levels, values, samples: the runs in
    common are kept); when it holds another (a scenario edited, another horizon or seed), ``plain`` with the
    experiment's digest appended, saying what differs: a rerun after a change never overwrites earlier runs, nor is it
    refused."""
    try:
        from cogov.experiments.store import MANIFEST

        manifest = json.loads((plain / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return plain
    if manifest.get("experiment_digest") == experiment.digest or _can_grow(plain, manifest, experiment):
        return plain
    keyed = plain.with_name(f"{plain.name}-{experiment.digest[:8]}")
    differs = "; ".join(what_differs(manifest, experiment)) or "another experiment"
    Console(stderr=True).print(f"{printable(plain)} holds another experiment ({printable(differs)}): these runs go to "
                               f"{printable(keyed)}", highlight=False, markup=False, soft_wrap=True)
    return keyed


def _can_grow(directory: Path, manifest: dict[str, Any], experiment: Experiment) -> bool:
    """Whether the results folder ``directory`` (its ``manifest`` read) can grow into ``experiment``: nothing sets its
    runs apart and at least one of them is planned again."""
    from cogov.experiments.design import build_design
    from cogov.experiments.runner import plan_runs
    from cogov.experiments.store import ResultStore, growth_blockers

    if growth_blockers(manifest, experiment):
        return False
    return ResultStore(directory).reusable(plan_runs(experiment, build_design(experiment))) > 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    experiment = load_experiment(args.experiment)
    directory = experiment.results_dir(args.out)
    if args.out is None and not experiment.spec.outputs.directory:
        directory = _free_results_folder(directory, experiment)
    _check_output_folder(directory, "--out" if args.out is not None else "results folder")
    err = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("failed {task.fields[failed]}"), TimeRemainingColumn())
    runs = run_count(experiment)
    # the folder's lock first (run_sweep takes it again, re-entrantly): a refusal then starts no worker
    with folder_lock(directory), \
            open_executor(args.backend, args.workers or default_workers(), args.scheduler) as executor, \
            Progress(*columns, console=err, transient=True, disable=not sys.stderr.isatty()) as bar:
        # With --scheduler, an existing cluster says how many workers it has (unless --workers says otherwise).
        workers = args.workers or worker_count(executor, default_workers())
        batch = chunk_size(experiment, runs, workers) if hasattr(experiment.target, "run_batch") else 1
        per_run = estimate_run_seconds(experiment, batch)
        err.print(f"{experiment.name}: {runs:,} runs ({experiment.spec.experiment.design}, "
                  f"{experiment.spec.experiment.replicates} replicates) on {args.backend} with {workers} workers "
                  f"-> {printable(directory)}{_duration_note(runs, per_run, workers, batch)}", highlight=False, markup=False,
                  soft_wrap=True)
        task = bar.add_task("runs", total=None, failed=0)

        def progress(done: int, failed: int, total: int) -> None:
            bar.update(task, completed=done, total=total, failed=failed)

        report = run_sweep(experiment, directory, executor, workers=workers,
                           retry_failed=args.retry_failed, on_progress=progress)
    if report.grown:
        err.print(printable(report.grown), highlight=False, markup=False, soft_wrap=True)
    _stdout().print(printable(report.line()), highlight=False, markup=False)
    return EXIT_INTERRUPTED if report.interrupted else EXIT_OK


def estimate_run_seconds(experiment: Experiment, batch: int = 1) -> float | None:
    """Seconds one run of the experiment takes, from a quick timing by its target (its share of a batch of
    ``batch`` runs stepped together, as the sweep's chunks run), or None where the target cannot say (a test
    function runs in microseconds)."""
    estimate = getattr(experiment.target, "estimate_seconds", None)
    return float(estimate(batch=batch)) if estimate is not None else None


def _duration_note(runs: int, per_run: float | None, workers: int, batch: int = 1) -> str:
    """``; about 0.3 s a run, roughly 2 min in all``: the expected length of a sweep, said before it starts
    (runs already recorded in the folder are skipped, so a resumed sweep takes less)."""
    if per_run is None:
        return ""
    total = runs * per_run / max(1, min(workers, runs))
    timed = "timed on the base scenario" + (f", {batch} runs in a batch" if batch > 1 else "")
    return f"; about {per_run:.2g} s a run ({timed}), roughly {_duration(total)} in all"


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    experiment = load_experiment(args.experiment)
    check_method(experiment, args.method)
    directory = experiment.results_dir(args.out)
    with folder_lock(directory):  # held from the runs to the files written beside them
        return _sensitivity(args, experiment, directory)


def _sensitivity(args: argparse.Namespace, experiment: Any, directory: Path) -> int:
    status = _cmd_sweep(args)  # the same resumable runs, progress and report line as `cogov sweep`
    if status != EXIT_OK:
        return status
    table = analyse(experiment, directory, args.outputs)
    columns, rows = summary_rows(table)
    view = Table(title=f"{args.method} sensitivity — {experiment.name}, 95 % confidence intervals", title_justify="left")
    for column in columns:
        view.add_column(column)
    for row in rows:
        view.add_row(*(_shown(cell) for cell in row))
    console = _stdout()
    console.print(view)
    for output, reason in table.attrs.get("skipped", {}).items():
        console.print(printable(f"- {output}: left out ({reason})"), highlight=False, markup=False)
    for warning in design_warnings(experiment):
        console.print(printable(f"note: {warning}"), highlight=False, markup=False)
    _write_csv(directory / f"sensitivity_{args.method}.csv", table.to_dict("records"))
    figure = directory / f"sensitivity_{args.method}.png"
    plot_indices(table, experiment.name, args.method, figure, lang=args.lang)
    written = [figure]
    if args.method == "morris":
        written.append(directory / "sensitivity_morris_sigma.png")
        plot_morris_sigma(table, experiment.name, written[-1], lang=args.lang)
    Console(stderr=True).print(f"wrote {', '.join(printable(p) for p in written)}", highlight=False, markup=False)
    return EXIT_OK


def _cmd_plot(args: argparse.Namespace) -> int:
    runs = load_runs(args.directory, include_failed=True)
    swept, outcomes = parameters(runs), runs.attrs["outcomes"]
    problems = [f"--{flag} {name}: not a swept parameter here (swept: {', '.join(swept)})"
                for flag, name in (("x", args.x), ("by", args.by), ("y", args.y)) if name and name not in swept]
    if args.metric not in outcomes:
        problems.append(f"--metric {args.metric}: not an outcome here (outcomes: {', '.join(outcomes)})")
    if args.by and args.y:
        problems.append("give --by (lines) or --y (heatmap), not both")
    if problems:
        raise ScenarioError(str(args.directory), problems)
    store_runs = runs.rename(columns={name: f"param:{name}" for name in swept})  # the figures' column names
    _check_output_file(args.out, "--out")
    if args.y:
        heatmap(store_runs, args.x, args.y, args.metric, lang=args.lang, path=args.out)
    else:
        response_curve(store_runs, args.x, args.metric, lang=args.lang, by=args.by, path=args.out)
    Console(stderr=True).print(f"wrote {printable(args.out)}", highlight=False, markup=False)
    return EXIT_OK


def report_formats() -> dict[str, str]:
    """The report formats by file suffix (:data:`cogov.analysis.report.FORMATS`)."""
    from cogov.analysis.report import FORMATS

    return FORMATS


def _cmd_compare(args: argparse.Namespace) -> int:
    wrong = [f"--report {printable(path)}: unknown format; use .html or .md" for path in args.report
             if path.suffix.lower() not in report_formats()]
    if wrong:  # before any run, not after an hour of them
        raise ScenarioError("compare", wrong)
    for path in args.report:
        _check_output_file(path, "--report")
    if args.csv is not None:
        _check_output_file(args.csv, "--csv")
    replicates: int | None = None
    notes: list[str] = []
    at = _within(args.within)
    if args.from_dir is not None:
        directory, by = args.from_dir, args.by.removeprefix("param:")
        table = compare_results(directory, by=by, baseline=args.baseline, outcomes=args.outcomes or None, at=at)
        baseline = str(table.loc[table["baseline"], "scenario"].iloc[0])
        note = f"from {directory}, by {by}" + "".join(f", {k} = {v}" for k, v in at.items())
        if "combination" in table.columns:  # other factors vary: one table per combination, never pooled
            if args.report:  # a report compares one combination: build_report refuses, saying which factors vary
                build_report(directory, by=by, baseline=baseline, lang=args.lang, maps=0, at=at)
            for _, part in table.groupby("combination", sort=True):
                fixed = [c for c in part.columns if c not in COMPARISON_COLUMNS]
                where = ", ".join(f"{c} = {part[c].iloc[0]}" for c in fixed)
                _print_comparison(part, baseline, f"{note}; at {where}", args.lang)
            if args.csv is not None:
                _write_csv(args.csv, table.to_dict("records"))
            return EXIT_OK
    else:
        if len(args.scenarios) < 2:
            raise ScenarioError("compare", ["give a baseline and at least one other scenario (or --from DIR)"])
        _refuse_duplicates(args.scenarios)
        if args.precision is not None:
            outcome(args.metric)  # a misspelt outcome stops here, not after every run
        if args.robustness and any(is_street_file(s) for s in args.scenarios):
            raise ScenarioError("compare", [("--robustness varies the communities' assumed coefficients; it is not "
                                            "built for streets yet")])
        by = "scenario"
        directory = args.out
        if directory is None:  # the plain name, unless it holds another comparison (iterating must not get stuck)
            plain = Path("results") / ("compare-" + "-".join(Path(s).stem for s in args.scenarios))[:120]
            directory = _free_results_folder(plain, comparison_experiment(args.scenarios, args.replicates, args.days,
                                                                          args.seed))
        _check_output_folder(directory, "--out" if args.out is not None else "results folder")
        with folder_lock(directory), \
                open_executor(args.backend, args.workers or default_workers(), args.scheduler) as executor:
            workers = args.workers or worker_count(executor, default_workers())
            result = compare_scenarios(args.scenarios, directory, executor, workers, replicates=args.replicates,
                                       days=args.days, master_seed=args.seed, precision=args.precision,
                                       precision_outcome=args.metric, outcomes=args.outcomes or None)
            for sweep in result.reports:
                if sweep.grown:  # an edited scenario: the runs in common were reused, the others kept aside
                    Console(stderr=True).print(printable(sweep.grown), highlight=False, markup=False, soft_wrap=True)
            if args.robustness:
                experiment = comparison_experiment(args.scenarios, args.replicates, args.days, args.seed)
                run_robustness(experiment.target, args.scenarios, robustness_outcomes(), args.robustness,
                               args.robustness_replicates, args.seed, args.days, executor, workers, directory)
        table, baseline, replicates = result.table, result.baseline, result.replicates
        note = f"{result.replicates} paired replicates per scenario (master seed {args.seed}); results in {directory}"
        if args.precision is not None:
            needed = replicates_needed(table, args.metric, args.precision)
            precision = (f"precision ±{args.precision:g} on {args.metric}: "
                         + ("met" if result.precision_met else f"NOT met, about {needed} replicates needed"))
            note += "; " + precision
            notes.append(precision)
    _print_comparison(table, baseline, note, args.lang)
    if args.csv is not None:
        _write_csv(args.csv, table.to_dict("records"))
    if args.report:
        report = build_report(directory, by=by, baseline=baseline, lang=args.lang, maps=args.maps,
                              replicates=replicates, command=args.command_line, notes=notes,
                              outcomes=args.outcomes or None, at=at)
        for path in args.report:
            Console(stderr=True).print(f"wrote {printable(write_report(report, path))}", highlight=False, markup=False)
    return EXIT_OK


COMPARISON_COLUMNS = frozenset({
    "outcome", "scenario", "baseline", "replicates", "mean", "ci_low", "ci_high", "pairs", "difference", "diff_ci_low",
    "diff_ci_high", "p_value", "cohens_d", "dz", "distinguishable", "smallest_difference", "practical", "p_holm",
    "outcomes_compared", "distinguishable_unadjusted", "combination"})
"""The columns of a comparison table; any other column of a table from a multi-factor sweep is a fixed factor."""


def _within(items: Sequence[str]) -> dict[str, str]:
    """``--within NAME=VALUE`` options as a mapping; a malformed one is an error naming it."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ScenarioError("--within", [(f"{printable(item)}: give NAME=VALUE (a swept parameter and one of its "
                                             "values)")])
        out[name.strip().removeprefix("param:")] = value.strip()
    return out


def _refuse_duplicates(scenarios: Sequence[str]) -> None:
    """Each compared scenario once: the same file twice (under one name or two) is a comparison of
    a scenario with itself, which no table or report can show."""
    seen: dict[Path, str] = {}
    problems = []
    for name in scenarios:
        path = resolve_path(name).resolve()
        if path in seen:
            also = "" if seen[path] == name else f" (as {printable(seen[path])!r} and {printable(name)!r})"
            problems.append(f"{printable(name)}: given twice{also}; give each scenario once")
        seen.setdefault(path, name)
    if problems:
        raise ScenarioError("compare", problems)


COMPARISON_WORDS: dict[str, dict[str, Any]] = {
    "en": {"title": "comparison with {baseline} — means \\[95 % CI]; differences paired by replicate",
           "columns": ("outcome", "scenario", "mean [95 % CI]", "difference [95 % CI]", "size", "p (Holm)", "d", ""),
           "baseline": "baseline", "noise": "≈ noise", "mean_only": "mean",
           "narrow": "(A narrow terminal: the means' intervals and d are left out; --csv and the report have them.)",
           "sizes": {"meaningful": "meaningful", "uncertain": "uncertain", "below": "too small"},
           "footnote": ("{note}. Differences of shares are in percentage points. 'size' compares the difference with the "
                        "outcome's smallest meaningful difference (outcome registry): 'meaningful' when the whole "
                        "interval lies beyond it, 'too small' when it lies within it. p is Holm-adjusted over the "
                        "{compared} outcomes compared; '≈ noise' marks differences not distinguishable after that "
                        "adjustment. 'd' (difference over the pooled SD of the two scenarios) is large under common "
                        "random numbers even for tiny differences: it is not a size verdict.")},
    "zh": {"title": "与{baseline}的比较——均值［95% 置信区间］；差值按重复配对",
           "columns": ("指标", "情景", "均值［95% 置信区间］", "差值［95% 置信区间］", "实际大小", "p（Holm）", "d", ""),
           "baseline": "基准", "noise": "≈ 随机波动", "mean_only": "均值",
           "narrow": "（终端较窄：均值的置信区间和 d 未显示；--csv 和报告中有完整数据。）",
           "sizes": {"meaningful": "实质性", "uncertain": "不确定", "below": "太小"},
           "footnote": ("{note}。比例的差值以百分点表示。\u201c实际大小\u201d将差值与该指标的最小有意义差值（指标登记表）比较：整个"
                        "区间都超出它时为\u201c实质性\u201d，都在其内时为\u201c太小\u201d。p 值按所比较的 {compared} 个指标做了 Holm "
                        "校正；\u201c≈ 随机波动\u201d表示校正后无法与随机波动区分。d（差值除以两情景的合并标准差）在共同随机数下"
                        "即使差异很小也会很大：它不是大小的判断。")},
}
"""The terminal comparison table's words in each language (the report's are in cogov.analysis.report)."""


NARROW_TERMINAL = 130
"""Below this many columns the comparison table leaves out the means' intervals and d (they stay in --csv and the
report), so that it reads without wrapping at 100 columns."""


def _print_comparison(table: pd.DataFrame, baseline: str, note: str, lang: str = "en") -> None:
    words = COMPARISON_WORDS[lang]
    console = _stdout()
    narrow = console.width < NARROW_TERMINAL
    view = Table(title=words["title"].format(baseline=_shown(baseline)), title_justify="left")
    columns = list(words["columns"])
    if narrow:
        columns[2] = words["mean_only"]
        del columns[6]  # d
    for i, column in enumerate(columns):
        view.add_column(column, no_wrap=i >= 2, overflow="fold")
    for _, row in table.iterrows():
        name = str(row["outcome"])  # label, unit and number format: the outcome registry's
        # escaped: "[n/a, n/a]" (an interval from one replicate) would otherwise be read as rich markup
        mean = escape(format_value(name, row["mean"], lang, unit=False) if narrow
                      else format_interval(name, row["mean"], row["ci_low"], row["ci_high"], lang, unit=False))
        if row["baseline"]:
            cells = [escape(metric_label(name, lang)), escape(str(row["scenario"])), mean, words["baseline"], "", "",
                     "", ""]
        else:
            diff = escape(format_difference_interval(name, row["difference"], row["diff_ci_low"], row["diff_ci_high"],
                                                     lang))
            verdict = "" if row["distinguishable"] else f"[dim]{words['noise']}[/]"
            d = f"{row['cohens_d']:+.2f}" if math.isfinite(row["cohens_d"]) else "n/a"
            size = words["sizes"].get(str(row["practical"]), "n/a")
            cells = ["", escape(str(row["scenario"])), mean, diff, size, format_p(row["p_holm"]), d, verdict]
        if narrow:
            del cells[6]
        view.add_row(*cells)
    console.print(view)
    compared = int(table["outcomes_compared"].max()) if "outcomes_compared" in table and len(table) else 0
    footnote = words["footnote"].format(note=printable(note), compared=compared)
    console.print(footnote + (" " + words["narrow"] if narrow else ""), highlight=False, markup=False)


def _pool(workers: int) -> Any:
    """A process pool for ``workers`` > 1; with one worker, none (runs go serially in this process)."""
    return process_pool(workers) if workers > 1 else contextlib.nullcontext(None)


def _cmd_validate_model(args: argparse.Namespace) -> int:
    from cogov.analysis.patterns import ALL_PATTERNS, ALPHA

    patterns = select(ALL_PATTERNS, args.pattern or None)
    if args.out is not None:
        _check_output_file(args.out, "--out")
    if args.group:
        patterns = [p for p in patterns if p.group == args.group]
    console = _stdout()
    workers = args.workers or default_workers()
    results = []
    with _pool(workers) as executor:
        runner = PatternRunner(replicates=args.replicates, executor=executor, workers=workers, master_seed=args.seed)
        with Progress(TextColumn("validating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("patterns", total=len(patterns))
            for pattern in patterns:
                results.append(runner.evaluate(pattern))
                bar.advance(task)
    table = Table(title=f"pattern validation — {args.replicates} replicates per arm (master seed {args.seed}), "
                  f"one-sided test at p < {ALPHA}", title_justify="left")
    for column in ("pattern", "group", "expected", "effect [95 % CI]", "p", "result"):
        table.add_column(column, justify="right" if column in ("p",) else "left")
    for r in results:
        table.add_row(r.pattern.name, r.pattern.group, r.pattern.expected,
                      f"{r.effect:+.4g} [{r.ci_low:+.4g}, {r.ci_high:+.4g}]", f"{r.p_value:.2g}",
                      "pass" if r.passed else "[bold red]FAIL[/]")
    console.print(table)
    failed = [r for r in results if not r.passed]
    console.print(f"{len(results) - len(failed)} of {len(results)} patterns reproduced"
                  + (f"; not reproduced: {', '.join(r.pattern.name for r in failed)}" if failed else ""))
    if args.out is not None:
        _write_csv(args.out, [
            {"pattern": r.pattern.name, "group": r.pattern.group, "expected": r.pattern.expected,
             "evidence": r.pattern.evidence, "metric": r.pattern.metric, "direction": r.pattern.direction,
             "replicates": r.replicates, "master_seed": args.seed, "baseline_mean": r.baseline_mean,
             "mean": r.mean, "effect": r.effect, "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value,
             "passed": r.passed}
            for r in results])
    return 1 if (failed and args.strict) else EXIT_OK


def _cmd_calibrate(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario)
    if args.out is not None:
        _check_output_file(args.out, "--out")
    workers = args.workers or default_workers()
    with _pool(workers) as executor:
        rows = calibrate(loaded.config, replicates=args.replicates, master_seed=args.seed, executor=executor,
                         workers=workers)
    table = Table(title=f"calibration — {_shown(loaded.config.meta.name)}, {args.replicates} generated communities "
                  f"(master seed {args.seed})", title_justify="left")
    for column in ("quantity", "source", "source value", "model mean [95 % CI]", "range across communities", "kind",
                   "role", "match"):
        table.add_column(column)
    for row in rows:
        t = row.target
        role = f"input: sets {t.sets}" if t.sets else "check, untuned"
        table.add_row(t.quantity, t.source, f"{t.source_value:.3g}", f"{row.mean:.3g} [{row.ci_low:.3g}, {row.ci_high:.3g}]",
                      f"{row.spread_low:.3g}-{row.spread_high:.3g}", t.kind, role,
                      "yes" if row.matches else "[bold red]no[/]")
    _stdout().print(table)
    _stdout().print("An input figure set a parameter: matching it only shows the generator does what the parameter "
                    "says. A check set nothing: its model number is reported as it comes out.", highlight=False,
                    markup=False)
    for row in rows:
        if row.target.note:
            _stdout().print(f"- {row.target.quantity}: {row.target.note}", highlight=False, markup=False)
    if args.out is not None:
        _write_csv(args.out, [
            {"quantity": r.target.quantity, "source": r.target.source, "source_value": r.target.source_value,
             "kind": r.target.kind, "role": r.target.role, "sets": r.target.sets or "", "mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high,
             "range_low": r.spread_low, "range_high": r.spread_high, "tolerance": r.target.tolerance,
             "matches": r.matches, "replicates": r.replicates, "master_seed": args.seed, "note": r.target.note}
            for r in rows])
    return EXIT_OK


def _write_csv(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame.from_records(records).to_csv(path, index=False)
    Console(stderr=True).print(f"wrote {printable(path)}", highlight=False, markup=False)


def _cmd_discover(args: argparse.Namespace) -> int:
    from cogov.analysis.discovery import describe, discover, parse_condition  # the workbench loads only here

    condition = parse_condition(args.where)  # before reading anything: a bad condition costs nothing
    runs = load_runs(args.directory)
    folder = args.out if args.out is not None else args.directory / "discovery"
    _check_output_folder(folder, "--out")
    found = discover(runs, parameters(runs), condition)
    for line in describe(found):
        _stdout().print(line, highlight=False, markup=False)
    folder.mkdir(parents=True, exist_ok=True)
    found.box.rename_axis("parameter").to_csv(folder / "box.csv")
    found.trajectory.to_csv(folder / "trajectory.csv", index=False)
    found.cart.to_csv(folder / "cart.csv", index=False)
    peeling_trajectory(found.trajectory, found.step, lang=args.lang, path=folder / "trajectory.png")
    box_limits(found.box, lang=args.lang, path=folder / "box.png")
    Console(stderr=True).print(f"wrote {printable(folder)}: box.csv, trajectory.csv, cart.csv, trajectory.png, box.png",
                               highlight=False, markup=False)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    """runs.<ext> (one row per run: identifiers, parameters, outcomes, provenance), tidy.<ext> (one row per run and
    outcome) and series.<ext> (one row per run and kept day, with the run's parameters), for R, Excel or pandas."""
    runs = load_runs(args.directory, include_failed=True)
    folder = args.to if args.to is not None else args.directory / "export"
    _check_output_folder(folder, "--to")
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"runs": runs, "tidy": load_tidy(args.directory), "series": load_series(args.directory)}
    err = Console(stderr=True)
    for name, frame in tables.items():
        if frame.empty:
            continue
        path = folder / f"{name}.{args.format}"
        if args.format == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        err.print(f"wrote {printable(path)} ({len(frame):,} rows)", highlight=False, markup=False)
    return EXIT_OK


def _cmd_scenarios(args: argparse.Namespace) -> int:
    table = Table(title=f"built-in scenarios ({builtin_dir()})", title_justify="left")
    table.add_column("name" if args.lang == "en" else "名称")
    table.add_column("title" if args.lang == "en" else "标题")
    table.add_column("description" if args.lang == "en" else "说明")
    for name in builtin_names():
        loaded = load_scenario(name)
        title = (file_title(loaded.source) or {}).get(args.lang, "")
        table.add_row(_shown(name), _shown(title), _shown(loaded.config.meta.described(args.lang)))
    _stdout().print(table)
    streets = Table(title=f"built-in streets ({builtin_dir() / STREETS_FOLDER}): run, compare or sweep like a scenario",
                    title_justify="left")
    streets.add_column("name")
    streets.add_column("communities", justify="right")
    streets.add_column("description")
    for name in builtin_street_names():
        street = load_street(name)
        streets.add_row(_shown(name), str(len(street.communities)), _shown(street.config.meta.described(args.lang)))
    _stdout().print(streets)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    console = _stdout()
    failed = 0
    for item in args.files:
        try:
            loaded = load_street(item) if is_street_file(item) else load_scenario(item)
        except ScenarioError as exc:
            failed += 1
            lines = exc.lines()
            shown = [printable(line) for line in lines[:MAX_PROBLEMS_SHOWN]]
            if len(lines) > MAX_PROBLEMS_SHOWN:
                shown.append(f"… and {len(lines) - MAX_PROBLEMS_SHOWN:,} more problems")
            Console(stderr=True).print("\n".join(shown), markup=False, highlight=False, soft_wrap=True)
            continue
        kind = f", a street of {len(loaded.communities)} communities" if isinstance(loaded, LoadedStreet) else ""
        console.print(printable(f"{loaded.source}: ok ({loaded.config.meta.name}{kind}, digest {loaded.digest[:12]})"),
                      markup=False, highlight=False, soft_wrap=True)
    return EXIT_INPUT if failed else EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.out is not None:
        _check_output_file(args.out, "--out")
    text = json.dumps(street_json_schema() if args.street else json_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        Console(stderr=True).print(f"wrote {printable(args.out)}", highlight=False, markup=False)
    return EXIT_OK


# ---------------------------------------------------------------------------------- classroom: viz, animate
# Self-contained: cogov.viz and cogov.animate are imported inside the handlers, so `import cogov.cli`
# never imports solara (an optional extra) and other commands start as fast as before.

def _cmd_viz(args: argparse.Namespace) -> int:
    if is_street_file(args.scenario):  # the page opens in street mode on a street it offers
        args.scenario = _page_street(args.scenario)
    else:
        load_scenario(args.scenario)  # a wrong name or a broken file stops here, with the usual message
    try:
        from cogov.viz import assets
        from cogov.viz.server import prepare_assets, serve
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        _error([f"cogov viz needs the 'viz' extra (pip install 'cogov[viz]'): {exc}"])
        return EXIT_INPUT
    err = Console(stderr=True)
    if args.fetch_assets:
        ok = prepare_assets(log=_log_to(err))
        if ok:
            err.print(f"front-end files ready in {printable(assets.cache_dir())}: the page works offline",
                      highlight=False, markup=False)
        return EXIT_OK if ok else 1
    try:
        import solara  # noqa: F401 - only to report a missing extra clearly
    except ImportError as exc:
        _error([f"cogov viz needs the 'viz' extra (pip install 'cogov[viz]'): {exc}"])
        return EXIT_INPUT
    return serve(args.scenario, host=args.host, port=args.port, lang=args.lang, seed=args.seed,
                 open_browser=args.open_browser, log=_log_to(err))


def _page_street(name: str) -> str:
    """The scenario menu's value of a street named to ``cogov viz``: ``street:<name>`` of a built-in street, or
    ``street:<absolute path>`` of a street file, loaded here so that a broken one stops with the usual message. A
    batch of independent communities (``shared = false``) is refused: it is replicates, not a street to show."""
    from cogov.viz.controls import STREET_PREFIX

    loaded = load_street(name)
    if not loaded.config.street.shared:
        raise ScenarioError(printable(name), ["street.shared = false: a batch of independent communities, not a street "
                                              "to show on the classroom page (cogov run runs it)"])
    return STREET_PREFIX + (name if name in builtin_street_names() else str(Path(name).resolve()))


def _parse_override(item: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as JSON where it parses (numbers, true/false), else as text."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError("--set", [f"{printable(item, 80)!r}: expected KEY=VALUE, e.g. levers.burden.admin_share=0.8"])
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):  # not JSON (or nested too deep for it): the text itself
        value = raw
    return key.strip(), value


def _cmd_animate(args: argparse.Namespace) -> int:
    from cogov.animate import animate

    overrides = dict(_parse_override(item) for item in args.overrides)
    if not is_street_file(args.scenario):  # a street's overrides and --community are checked by animate, before running
        apply_overrides(load_scenario(args.scenario).config, overrides, source="--set")  # errors named after the option
    _check_output_file(args.out, "--out")
    _check_output_file(args.out.with_name(args.out.name + ".json"), "--out")  # the provenance file beside it
    err = Console(stderr=True)
    animate(args.scenario, args.out, days=args.days, every=args.every, lang=args.lang, seed=args.seed,
            metric=args.metric, fps=args.fps, dpi=args.dpi, overrides=overrides, community=args.community,
            log=_log_to(err))
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
