"""``python -m fakedruid``: the command-line interface."""

from __future__ import annotations

import sys

from fakedruid.cli import main

sys.exit(main())
