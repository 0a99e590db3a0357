"""Start the classroom page: a Solara server for :mod:`cogov.viz.app` on 127.0.0.1.

:func:`serve` makes sure the front-end files are cached (:mod:`cogov.viz.assets`), sets the
environment Solara reads at import (cache folder, no telemetry) and the page's starting scenario,
the scenarios it may offer, language and seed, puts the request guard around the server
(:mod:`cogov.viz.guard`: only requests addressed to this server and coming from its own page), then
runs ``solara run cogov.viz.app`` in this process (production mode, no version check: nothing leaves
the machine).
"""

from __future__ import annotations

import errno
import inspect
import ipaddress
import os
import socket
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from cogov.viz import assets, guard
from cogov.viz.controls import STARTED_WITH, STREET_PREFIX

APP_MODULE = "cogov.viz.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """``host`` is a loopback address or ``localhost`` (reachable from this machine only)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def display_available() -> bool:
    """A graphical browser can be opened: macOS, Windows, or a Linux desktop session (on a server
    reached by ssh, :mod:`webbrowser` would start a text browser in the terminal instead)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def prepare_assets(log: Callable[[str], None] = print) -> bool:
    """Fetch missing front-end files; True when the page will work offline."""
    folder = assets.cache_dir()
    try:
        assets.ensure_assets(folder, log=log)
    except assets.AssetError as exc:
        log(f"warning: {exc}\n  the page needs these files once; run `cogov viz --fetch-assets` while online "
            "(Solara will try its CDN meanwhile)")
        return False
    return True


def solara_arguments(host: str, port: int, open_browser: bool) -> list[str]:
    """Arguments of ``solara run`` for the classroom page."""
    return ["run", APP_MODULE, "--host", host, "--port", str(port), "--production",
            "--open" if open_browser else "--no-open", "--no-check-version", "--theme-variant", "light",
            "--log-level", "warning"]


def port_free(host: str, port: int) -> bool:
    """Nothing listens on ``host:port`` yet (checked before starting, for a clear message)."""
    return bind_problem(host, port) is None


def bind_problem(host: str, port: int) -> str | None:
    """Why the page cannot be served on ``host:port`` (an unknown host, an address of another machine,
    a port in use or reserved), or None when it can: checked before starting, for a clear message."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except socket.gaierror as exc:
            return f"cannot serve on --host {host[:80]!r}: no such host or address ({exc.strerror})"
        except (UnicodeError, ValueError, OverflowError, TypeError) as exc:  # e.g. a NUL character in the name
            return f"cannot serve on --host {host[:80]!r}: {exc}"
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use (another cogov viz?); choose another with --port"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"{host} is not an address of this machine; use 127.0.0.1 (or 0.0.0.0 for the network)"
            return f"cannot serve on {host} port {port}: {exc.strerror or exc}"
    return None


def apply_to_loaded_settings(names: list[str]) -> None:
    """Make the Solara settings named by the environment variables ``names`` take their values from the
    environment again, where Solara was imported before they were set (``cogov viz`` imports solara to say
    clearly when the extra is missing): its settings are read once, at import, so without this the banner,
    cull timeout and cache folder set in :func:`serve` would not apply. No-op before the import."""
    module = sys.modules.get("solara.server.settings")
    if module is None:
        return
    wanted = {name.upper() for name in names}
    for group in list(vars(module).values()):
        fields = getattr(type(group), "__fields__", None)
        if inspect.isclass(group) or not isinstance(fields, dict):
            continue
        fresh = None
        for name, spec in fields.items():
            if str(getattr(spec, "env", "") or "").upper() in wanted:
                fresh = fresh if fresh is not None else type(group)()  # reads the environment now
                setattr(group, name, getattr(fresh, name))


def serve(scenario: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, lang: str = "en", seed: int = 0,
          open_browser: bool | None = None, log: Callable[[str], None] = print) -> int:
    """Serve the page until interrupted; returns an exit status."""
    problem = bind_problem(host, port) if port else None
    if problem is not None:
        log(f"error: {problem}")
        return 2
    prepare_assets(log)
    environment = assets.server_environment()
    for key, value in environment.items():
        os.environ.setdefault(key, value)  # a setting the user made wins
    apply_to_loaded_settings(list(environment))
    # The page may load the built-in scenarios and this one file, which the teacher named; nothing a browser sends.
    if Path(scenario).suffix == ".toml" and not scenario.startswith(STREET_PREFIX):  # a street's comes resolved
        scenario = str(Path(scenario).resolve())
    os.environ[STARTED_WITH] = scenario
    os.environ["COGOV_VIZ_LANG"] = lang
    os.environ["COGOV_VIZ_SEED"] = str(seed)
    if not is_loopback(host):
        log(f"note: serving on {host}: anyone who can reach this machine on port {port} can open the page and run "
            "models on it (pages of other web sites still cannot connect)")
    if open_browser is None:
        open_browser = display_available()
    log(f"cogov viz: open http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/ in a browser "
        "(Ctrl-C stops the server)")
    # Solara warns at every page load that SameSite=None cookies need https; on a plain-http classroom
    # server it falls back to SameSite=Lax, which is what we want, so the warning is only noise.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    from solara.__main__ import cli  # imported late: solara reads the environment above at import

    guard.install(host, APP_MODULE)

    try:
        cli.main(args=solara_arguments(host, port, open_browser), prog_name="cogov viz", standalone_mode=False)
    except KeyboardInterrupt:
        return 130
    return 0
