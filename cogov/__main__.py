"""``python -m cogov``: the command line, as the ``cogov`` console command."""

from cogov.cli import main

raise SystemExit(main())
