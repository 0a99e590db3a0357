"""Who can make the classroom server do what (issue 17): the scenario menu loads only offered scenarios,
and only requests addressed to the server and coming from its own page are served.

The menu's value comes from the browser: a forged value must be refused without touching the file
system and without repeating it. At the HTTP and WebSocket level, a real ``cogov viz`` server (started
as a subprocess on a free port) must refuse a foreign ``Host`` (DNS rebinding) and a foreign
``Origin`` (another site's page opening the kernel socket), while the page itself still loads; served
to the network on purpose (``--host 0.0.0.0``), any name of the machine is accepted but other sites
are still refused.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import time
import uuid
from pathlib import Path

import pytest
from viz_server import viz_server

from cogov.sim.scenario import builtin_names
from cogov.viz import session as session_module
from cogov.viz.controls import TEXT, street_titles
from cogov.viz.guard import REFUSED_HOST, REFUSED_ORIGIN, allowed_hosts, refusal
from cogov.viz.session import ScenarioNotOffered, Session, scenario_choices

ROOT = Path(__file__).resolve().parents[1]
SECRET = "secret_value_from_a_file_on_the_server"
TINY = """extends = "default"
[meta]
name = "tiny"
[simulation]
days = 10
[community]
households = 300
households_per_compound = 60
households_per_grid = 100
"""


# ------------------------------------------------------------------------------------ the rule itself
LOOPBACK = allowed_hosts("127.0.0.1")


@pytest.mark.parametrize(("host", "origin", "hosts", "refused"), [
    ("127.0.0.1:8765", None, LOOPBACK, None),                                   # navigating to the page
    ("127.0.0.1:8765", "http://127.0.0.1:8765", LOOPBACK, None),               # the page's own socket
    ("localhost:9000", "http://localhost:9000", LOOPBACK, None),               # through ssh -L 9000:…
    ("[::1]:8765", "http://[::1]:8765", LOOPBACK, None),
    ("LOCALHOST.:8765", None, LOOPBACK, None),
    ("evil.example:8765", None, LOOPBACK, REFUSED_HOST),                       # DNS rebinding
    ("evil.example:8765", "http://evil.example:8765", LOOPBACK, REFUSED_HOST),
    ("127.0.0.1:8765", "http://evil.example", LOOPBACK, REFUSED_ORIGIN),       # another site's page
    ("127.0.0.1:8765", "http://127.0.0.1:8766", LOOPBACK, REFUSED_ORIGIN),     # another local server's page
    ("127.0.0.1:8765", "null", LOOPBACK, REFUSED_ORIGIN),                      # a sandboxed frame, a file
    ("127.0.0.1:80", "http://127.0.0.1", LOOPBACK, None),                      # the default port, implied
    (None, None, LOOPBACK, REFUSED_HOST),
    ("127.0.0.1:8765/x", None, LOOPBACK, REFUSED_HOST),
    ("user@127.0.0.1:8765", None, LOOPBACK, REFUSED_HOST),
    ("192.168.1.5:8765", "http://192.168.1.5:8765", allowed_hosts("192.168.1.5"), None),  # --host 192.168.1.5
    ("teacher.local:8765", None, allowed_hosts("192.168.1.5"), REFUSED_HOST),
    ("teacher.local:8765", "http://teacher.local:8765", allowed_hosts("0.0.0.0"), None),  # --host 0.0.0.0
    ("teacher.local:8765", "http://evil.example", allowed_hosts("0.0.0.0"), REFUSED_ORIGIN),
    ("teacher.local", "http://teacher.local", allowed_hosts("::"), None),     # default ports on both sides
])
def test_which_requests_the_guard_refuses(host, origin, hosts, refused):
    assert refusal(host, origin, hosts) == refused


def test_only_a_wildcard_address_opens_every_name():
    assert allowed_hosts("0.0.0.0") is None and allowed_hosts("::") is None
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("192.168.1.5") == {"localhost", "127.0.0.1", "::1", "192.168.1.5"}


# ------------------------------------------------------------------------------------ the scenario menu
@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Every scenario the session module loads (to check that a refused value touches no file)."""
    calls: list[str] = []
    original = session_module.load_scenario

    def recording(path):
        calls.append(str(path))
        return original(path)

    monkeypatch.setattr(session_module, "load_scenario", recording)
    return calls


def _forged(tmp_path: Path) -> list[str]:
    other = tmp_path / "other.toml"
    other.write_text(f'extends = "default"\n[meta]\nname = "{SECRET}"\n', encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(f"{SECRET} = [\n", encoding="utf-8")
    return ["/etc/shadow", "/etc/passwd", str(other), str(broken), "../../etc/hosts", "default.toml",
            str(ROOT / "scenarios" / "default.toml"), "", "no_such_scenario"]


def test_a_session_loads_only_offered_scenarios(tiny, tmp_path, loads):
    session = Session(tiny, lang="en")
    assert set(session.choices) == {*builtin_names(), str(tiny)}
    loads.clear()
    for value in _forged(tmp_path):
        with pytest.raises(ScenarioNotOffered) as err:
            session.set_scenario(value)
        message = str(err.value)
        assert message == "this scenario is not offered on this page"  # nothing of what was sent, or found
    assert loads == []  # refused before any file was opened
    assert session.scenario == str(tiny)
    session.set_scenario("red_property")  # a menu item
    assert session.loaded.config.meta.name == "red_property" and loads == [str(scenario_choices()["red_property"])]
    session.set_scenario(str(tiny))  # the file the server was started with
    assert session.loaded.config.meta.name == "tiny"


def test_built_in_names_load_the_packaged_file_not_one_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("red_property").write_text(f'[meta]\nname = "{SECRET}"\n', encoding="utf-8")
    session = Session("default")
    session.set_scenario("red_property")
    assert session.loaded.config.meta.name == "red_property"


def test_a_forged_menu_value_on_the_page_is_refused_without_echo(tiny, tmp_path, monkeypatch, loads):
    solara = pytest.importorskip("solara", reason="the classroom page is the optional extra 'cogov[viz]'")
    import ipyvuetify as v

    from cogov.viz.app import Page

    monkeypatch.setenv("COGOV_VIZ_SCENARIO", str(tiny))
    monkeypatch.setenv("COGOV_VIZ_LANG", "en")
    _, rc = solara.render(Page(), handle_error=False)
    menu = rc.find(v.Select, class_="cogov-scenario").widget
    streets = street_titles()  # the built-in streets, under a heading (street mode)
    assert {item["value"] for item in menu.items if "value" in item} == {*builtin_names(), str(tiny), *streets}
    loads.clear()
    for value in [*_forged(tmp_path)[:4], "street:../../streets/five_communities", "street:independent_batch"]:
        menu.v_model = value  # what a browser sends when the menu changes
        alerts = rc.find(v.Alert).widgets
        shown = " ".join(str(alert.children) for alert in alerts)
        assert TEXT["not_offered"]["en"] in shown
        assert SECRET not in shown and value not in shown and "TOML" not in shown
    assert loads == []
    menu.v_model = "red_property"  # a menu item: loaded (in the page's worker thread), the refusal gone
    deadline = time.monotonic() + 30
    while rc.find(v.Alert, children=[TEXT["not_offered"]["en"]]).widgets or not loads:
        assert time.monotonic() < deadline, "the menu's own item was not loaded"
        time.sleep(0.05)
    assert loads == [str(scenario_choices()["red_property"])]
    rc.close()


# ------------------------------------------------------------------------------------ a real server
_server = viz_server


def _get(port: int, host: str, origin: str | None = None, path: str = "/") -> tuple[int, bytes]:
    """An HTTP GET to the server with exactly these ``Host`` and ``Origin`` headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"Host": host} | ({"Origin": origin} if origin else {})
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _websocket(port: int, host: str, origin: str | None) -> int:
    """The status a WebSocket handshake to the kernel socket gets (101: accepted), raw, so that ``Host``
    and ``Origin`` are exactly what a forging page or a rebinding name would send."""
    path = f"/jupyter/api/kernels/{uuid.uuid4()}/channels?session_id={uuid.uuid4()}"
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = sock.makefile("rb").readline().decode("latin-1")
    return int(status_line.split()[1])


def test_a_loopback_server_refuses_foreign_hosts_and_origins(tmp_path):
    with _server(tmp_path) as port:
        here = f"127.0.0.1:{port}"
        status, body = _get(port, here)
        assert status == 200 and b"<html" in body.lower()  # the page still loads
        assert _get(port, f"localhost:{port}")[0] == 200
        assert _get(port, here, f"http://{here}")[0] == 200
        assert _websocket(port, here, f"http://{here}") == 101  # the page's own kernel socket

        status, body = _get(port, f"evil.example:{port}")
        assert status == 403 and b"evil" not in body
        assert _get(port, here, "http://evil.example")[0] == 403
        assert _websocket(port, here, "http://evil.example") == 403  # another site's page
        assert _websocket(port, f"evil.example:{port}", f"http://evil.example:{port}") == 403  # DNS rebinding
        assert _websocket(port, here, "null") == 403


def test_a_server_opened_to_the_network_accepts_its_names_but_not_other_sites(tmp_path):
    with _server(tmp_path, "--host", "0.0.0.0") as port:
        name = f"teacher-laptop.local:{port}"  # whatever name or address the students use
        assert _get(port, name)[0] == 200
        assert _websocket(port, name, f"http://{name}") == 101
        assert _websocket(port, f"192.0.2.10:{port}", f"http://192.0.2.10:{port}") == 101
        assert _websocket(port, name, "http://evil.example") == 403
        assert _get(port, name, "http://evil.example")[0] == 403
