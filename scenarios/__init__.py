"""Built-in scenario files (TOML). Listed by ``cogov scenarios``; loaded by name, e.g. ``default``."""
