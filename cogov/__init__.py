"""cogov: command-line interface and package metadata on top of ``sim``."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cogov")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
