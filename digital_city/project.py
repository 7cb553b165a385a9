"""Where the project is: the one definition of the project root every module and test resolves paths against."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
