"""Who may talk to the classroom server: requests must name this server, and come from its own page.

Two attacks reach a server on 127.0.0.1 through the teacher's (or a student's) own browser:

* **Cross-site WebSocket hijacking.** Any web page the browser has open may open a WebSocket to
  ``ws://127.0.0.1:8765/…``; browsers do not apply the same-origin policy to WebSockets, they only
  send an ``Origin`` header saying which site asked. Solara's kernel socket drives the page's Python
  (models, levers), so a foreign origin must be refused.
* **DNS rebinding.** A site ``evil.example`` whose name is made to resolve to 127.0.0.1 becomes
  same-origin with the server in the browser's eyes; its requests carry ``Host: evil.example``. Only
  the names this server is served under are accepted.

:class:`HostOriginGuard` is an ASGI middleware, outermost around Solara's Starlette app, that refuses
(HTTP 403; a WebSocket handshake closed before it is accepted, which the server answers with 403):

1. a request whose ``Host`` names a host this page is not served as (:func:`allowed_hosts`):
   loopback names (``localhost``, ``127.0.0.1``, ``::1``) and the address given to ``--host``;
   served on every interface (``--host 0.0.0.0``), any name of the machine is accepted;
2. a request that carries an ``Origin`` other than the page's own (the scheme, host and port of its
   ``Host``): a WebSocket or fetch started by another site. ``Origin: null`` (sandboxed or local
   files) is refused too. Requests without ``Origin`` (navigating to the page, command-line tools)
   are not cross-site requests and pass.

Refusals echo nothing from the request.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}

REFUSED_HOST = ("cogov viz refused this request: it does not address this server by a name it is served "
                "under. Open the address that cogov viz printed. (To open the page to other machines, "
                "the teacher starts cogov viz with --host.)\n")
REFUSED_ORIGIN = ("cogov viz refused this request: it was started by another web site, not by the classroom "
                  "page itself.\n")


def allowed_hosts(host: str) -> frozenset[str] | None:
    """Host names a request may use to address a server bound to ``host`` (lower case, IPv6 without
    brackets); None: any, for a server bound to every interface (``0.0.0.0``, ``::``), which the
    teacher opened to the network on purpose and whose students may use any of its names."""
    if host in WILDCARD_HOSTS:
        return None
    return LOOPBACK_NAMES | {_normal(host)}


def _normal(name: str) -> str:
    name = name.strip().lower().removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(name))  # one spelling per address (::0001 is ::1)
    except ValueError:
        return name.rstrip(".")  # "localhost." is localhost


def _host_port(authority: str, scheme: str) -> tuple[str, int] | None:
    """``host[:port]`` as (normalised host, port), the scheme's default port if none; None if malformed."""
    try:
        parts = urlsplit(f"//{authority}")
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host or parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return _normal(host), port if port is not None else DEFAULT_PORTS.get(scheme, 80)


def refusal(host: str | None, origin: str | None, hosts: frozenset[str] | None, scheme: str = "http") -> str | None:
    """Why a request with these ``Host`` and ``Origin`` headers is refused; None if it may pass."""
    if host is None:
        return REFUSED_HOST  # HTTP/1.1 requires it; without it nothing says which site is meant
    addressed = _host_port(host, scheme)
    if addressed is None or (hosts is not None and addressed[0] not in hosts):
        return REFUSED_HOST
    if origin is None:
        return None
    try:
        parts = urlsplit(origin)
    except ValueError:
        return REFUSED_ORIGIN
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return REFUSED_ORIGIN  # "null" (a sandboxed frame, a local file) or something not a web origin
    source = _host_port(parts.netloc, parts.scheme)
    page = _host_port(host, parts.scheme)  # the port a browser omits is the origin's scheme's default
    if source is None or source != page:
        return REFUSED_ORIGIN
    return None


class HostOriginGuard:
    """ASGI middleware refusing requests that do not address this server by an allowed name, or that
    another site started (see the module docstring)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        scheme = {"ws": "http", "wss": "https"}.get(scope.get("scheme", "http"), scope.get("scheme", "http"))
        reason = refusal(headers.get("host"), headers.get("origin"), self.hosts, scheme)
        if reason is None:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accepting: the handshake gets 403
            return
        body = reason.encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def install(host: str, app_module: str) -> None:
    """Put :class:`HostOriginGuard` around Solara's server app, for a server bound to ``host`` that runs
    the page ``app_module``.

    Must run before the server starts (Starlette builds its middleware stack on the first request).
    Importing Solara's server module creates the page's app from ``SOLARA_APP``, which ``solara run``
    would set to the same value a moment later; it is set here first.
    """
    os.environ["SOLARA_APP"] = app_module
    import solara.server.starlette as solara_server

    solara_server.app.add_middleware(HostOriginGuard, hosts=allowed_hosts(host))
