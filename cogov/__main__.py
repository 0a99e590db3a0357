"""``python -m cogov``: the command line, as the ``cogov`` console command."""

from cogov.cli_parser import main

raise SystemExit(main())
