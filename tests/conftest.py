"""Shared fixtures. Settings: tests/settings.py (tasks run inline)."""

from __future__ import annotations

import os

# The server-configuration cache of the engine is off in tests: no writes to the home folder.
os.environ.setdefault("JALON_CACHE_DIR", "")
