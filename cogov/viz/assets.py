"""The page's front-end files, cached from the npm registry so that ``cogov viz`` works offline.

Solara's page loads its JavaScript and CSS bundles (Vue/Vuetify app, RequireJS, Font Awesome, the grid
layout) through its own server under ``/_solara/cdn/…``; the server answers from a cache folder and, on a
miss, fetches from a public CDN (jsDelivr). A classroom without internet, or a CI machine that reaches
only package registries, gets a blank page. The same files are published on the npm registry, so
:func:`ensure_assets` downloads the exact versions the installed solara asks for (read from its
templates), checks each tarball against the registry's SHA-512 integrity, and unpacks it into the
cache folder as ``<name>@<version>/…``, the layout the server reads. Run once while online
(``cogov viz --fetch-assets``; ``cogov viz`` does it at start when files are missing); afterwards the
page needs no network.

Measured here: four tarballs, 17.5 MB, about 3 s; ``pip install solara-assets`` instead is 239 MB and its
newest release (1.58.2) lags solara 1.64.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import site
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
TIMEOUT_S = 60
COMPLETE_MARKER = ".cogov-complete"

FALLBACK_VERSIONS: dict[str, str] = {
    "@widgetti/solara-vuetify-app": "10.1.1",
    "@widgetti/vue-grid-layout": "2.3.13-alpha.2",
    "requirejs": "2.3.6",
    "font-awesome": "4.5.0",
}
"""Versions solara 1.64 asks for, used where its files cannot be read."""


class AssetError(RuntimeError):
    """The front-end files are missing and could not be fetched."""


@dataclass(frozen=True)
class Package:
    """An npm package the page needs, as ``name@version``."""

    name: str
    version: str

    @property
    def folder(self) -> str:
        """Folder inside the cache (what the server looks up)."""
        return f"{self.name}@{self.version}"


def _solara_dir() -> Path | None:
    """Folder of the installed solara package, found without importing it (importing reads settings)."""
    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def required_packages() -> list[Package]:
    """The packages (and exact versions) the installed solara loads through its CDN proxy.

    Versions are read from solara's page template and grid-layout widget, so an upgrade of solara
    asks for the new versions by itself; where a file is missing, :data:`FALLBACK_VERSIONS` applies.
    """
    versions = dict(FALLBACK_VERSIONS)
    root = _solara_dir()
    sources = []
    if root is not None:
        for relative in ("server/templates/solara.html.j2", "widgets/vue/gridlayout.vue", "server/settings.py"):
            path = root / relative
            if path.is_file():
                sources.append(path.read_text(encoding="utf-8", errors="replace"))
    text = "\n".join(sources)
    for name in versions:
        # e.g. "@widgetti/solara-vuetify-app@10.1.1/dist/…" (the vue3 app is a different name, not used)
        found = re.findall(re.escape(name) + r"@(\d+\.\d+\.\d+(?:-[\w.]+)?)/", text)
        if found:
            versions[name] = max(set(found), key=found.count)
    return [Package(name, version) for name, version in versions.items()]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def cache_dir() -> Path:
    """The cache folder the Solara server will read: ``$SOLARA_ASSETS_PROXY_CACHE_DIR`` if set, else
    solara's default (``<prefix>/share/solara/cdn`` of the installation), else, where that is not
    writable, ``~/.cache/cogov/solara-cdn`` (then :func:`server_environment` points solara at it)."""
    configured = os.environ.get("SOLARA_ASSETS_PROXY_CACHE_DIR")
    if configured:
        return Path(configured)
    root = _solara_dir()
    userbase = site.getuserbase()
    prefix = userbase if (root is not None and userbase and str(root).startswith(userbase)) else sys.prefix
    default = Path(prefix) / "share" / "solara" / "cdn"
    if _writable(default):
        return default
    return Path.home() / ".cache" / "cogov" / "solara-cdn"


def missing_packages(folder: Path | None = None, packages: list[Package] | None = None) -> list[Package]:
    """Packages not (completely) unpacked in the cache ``folder``."""
    folder = folder or cache_dir()
    packages = packages if packages is not None else required_packages()
    return [p for p in packages if not (folder / p.folder / COMPLETE_MARKER).is_file()]


def registry_url() -> str:
    """The npm registry: ``$COGOV_NPM_REGISTRY``, ``$npm_config_registry`` or the public one."""
    url = os.environ.get("COGOV_NPM_REGISTRY") or os.environ.get("npm_config_registry") or DEFAULT_REGISTRY
    return url if url.endswith("/") else url + "/"


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json, */*", "User-Agent": "cogov-viz"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return response.read()


def _check_integrity(data: bytes, dist: dict[str, str], package: Package) -> None:
    """Compare the tarball with the registry's SHA-512 integrity (or SHA-1 shasum for old packages)."""
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        expected = base64.b64decode(integrity.removeprefix("sha512-"))
        if hashlib.sha512(data).digest() != expected:
            raise AssetError(f"{package.folder}: tarball does not match the registry's sha512 integrity")
    elif dist.get("shasum"):
        if hashlib.sha1(data).hexdigest() != dist["shasum"]:
            raise AssetError(f"{package.folder}: tarball does not match the registry's shasum")
    else:
        raise AssetError(f"{package.folder}: the registry gives no checksum to verify the tarball")


def _unpack(data: bytes, target: Path) -> None:
    """Unpack an npm tarball (files under ``package/``) into ``target`` (a new, empty folder)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()) or member.name.endswith(".map"):
                continue  # no links or devices from a download; no source maps (27 MB, for debugging only)
            parts = Path(member.name).parts
            relative = Path(*parts[1:]) if len(parts) > 1 else None
            if relative is None or relative.is_absolute() or ".." in relative.parts:
                continue
            destination = target / relative
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is not None:
                destination.write_bytes(source.read())


def fetch_package(package: Package, folder: Path, registry: str | None = None) -> int:
    """Download, verify and unpack one package into ``folder/<name>@<version>``; returns its bytes.

    The package is unpacked beside the target and renamed into place, so a server reading the cache
    never sees half a package. Two processes may fill one cache at once (two servers started together, the
    test suite's processes): the first complete copy stays, and a server already reading it is not disturbed.
    """
    registry = registry or registry_url()
    quoted = urllib.parse.quote(package.name, safe="@")  # "@scope/name" -> "@scope%2Fname"
    try:
        meta = json.loads(_get(f"{registry}{quoted}/{urllib.parse.quote(package.version)}"))
        dist = meta["dist"]
        data = _get(dist["tarball"])
    except (OSError, ValueError, KeyError) as exc:  # URLError and timeouts are OSErrors
        raise AssetError(f"{package.folder}: could not download from {registry} ({exc})") from exc
    _check_integrity(data, dist, package)
    target = folder / package.folder
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cogov-", dir=target.parent))
    try:
        _unpack(data, staging)
        (staging / COMPLETE_MARKER).write_text(json.dumps({"tarball": dist["tarball"],
                                                          "integrity": dist.get("integrity")}) + "\n")
        if (target / COMPLETE_MARKER).is_file():  # another process unpacked it meanwhile: keep theirs
            return len(data)
        if target.exists():  # what an interrupted copy left
            shutil.rmtree(target, ignore_errors=True)
        try:
            staging.rename(target)
        except OSError:  # another process's copy took the place between the check and the rename
            if not (target / COMPLETE_MARKER).is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return len(data)


def ensure_assets(folder: Path | None = None, registry: str | None = None,
                  log: Callable[[str], None] | None = None) -> list[Package]:
    """Fetch every missing package into the cache; returns those fetched (none when all are there).

    Raises :class:`AssetError` when a package is missing and cannot be downloaded.
    """
    folder = folder or cache_dir()
    fetched = []
    for package in missing_packages(folder):
        size = fetch_package(package, folder, registry)
        if log is not None:
            log(f"cached {package.folder} ({size / 1e6:.1f} MB) in {folder}")
        fetched.append(package)
    return fetched


def server_environment(folder: Path | None = None) -> dict[str, str]:
    """Environment for the Solara server: the cache folder, the proxy on (Solara turns it off inside
    VS Code, which would send the browser to the CDN), no telemetry (no calls out of a classroom),
    disconnected sessions dropped after 30 minutes instead of 24 hours (each holds a model, ~16 MB, and
    a class reloading pages would pile them up), and no "This website runs on Solara" banner (fixed to the
    window's corner, it covered the page's text on a projector; the About panel names Solara instead)."""
    folder = folder or cache_dir()
    return {
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(folder),
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_KERNEL_CULL_TIMEOUT": "30m",
        "SOLARA_THEME_SHOW_BANNER": "False",
    }
