"""Shipped target files: leaderboard rows of reference models, one TOML file each.

Derived from ``shared/reference/bfcl_v4_reference_scores.csv`` (aggregate columns only: the
leaderboard publishes no per-category numbers there). Format: ``bfcl_adapter.diagnosis.targets``.
A package (not a bare folder) so that setuptools ships the .toml files with ``reports``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def shipped_targets() -> dict[str, Path]:
    """Target name (file stem, lower case) -> path."""
    return {p.stem.lower(): p for p in sorted(HERE.glob("*.toml"))}
