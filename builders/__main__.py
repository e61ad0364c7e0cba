"""`python -m builders` runs the e4j command."""

from builders.cli import main

raise SystemExit(main())
