"""`python -m dashboard …` runs the command line."""

from dashboard.cli import main

raise SystemExit(main())
