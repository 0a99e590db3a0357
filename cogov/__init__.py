"""cogov: command-line interface and package metadata on top of ``sim``."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cogov")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"


def __getattr__(name: str):  # the notebook API, imported on first use: `import cogov` stays light for the CLI
    if name in ("run_experiment", "Results"):
        from cogov.analysis import api

        return getattr(api, name)
    raise AttributeError(f"module 'cogov' has no attribute {name!r}")


__all__ = ["Results", "__version__", "run_experiment"]
