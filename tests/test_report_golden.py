"""Golden tests of the terminal and Markdown reports, rendered from the fixture runs.

The fixture run directories under tests/fixtures/runs were built with the real scorer by
``tests/fixtures/make_runs.py``; the goldens under tests/goldens are the exact reports, rendered
on a 100-column (and an 80-column) console without colour. After an intended change to the
reports (or a Rich upgrade that moves a space), look at the diff and regenerate:

    UPDATE_GOLDENS=1 .venv/bin/python -m pytest tests/test_report_golden.py

Trailing spaces (Rich pads table lines to the console width) are stripped before comparing so
that editors which trim them do not break the test.
"""

from __future__ import annotations

import os
import re
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from bfcl_adapter.diagnosis import compare, diagnose, read_run, read_targets
from reports.diagnosis_report import full_report, gap_list
from reports.markdown_report import markdown_report

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "tests" / "fixtures" / "runs"
GOLDENS = ROOT / "tests" / "goldens"
TARGETS = ROOT / "reports" / "targets" / "hammer2.1-0.5b.toml"
UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"


def normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def check_golden(name: str, text: str) -> None:
    path = GOLDENS / name
    text = normalized(text)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} missing: run UPDATE_GOLDENS=1 .venv/bin/python -m pytest {__file__}"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden; if intended: UPDATE_GOLDENS=1 .venv/bin/python -m pytest "
        "tests/test_report_golden.py"
    )


def render(renderable, width: int = 100) -> str:
    console = Console(file=StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    return console.file.getvalue()


@pytest.fixture(scope="module")
def runs():
    data0, data1 = read_run(RUNS / "round0"), read_run(RUNS / "round1")
    return diagnose(data0), diagnose(data1), compare(data0, data1)


def test_single_run_report(runs):
    text = render(full_report(runs[0]))
    check_golden("report_round0.txt", text)


def test_compared_report_with_targets(runs):
    _, after, comparison = runs
    text = render(full_report(after, [comparison], read_targets(TARGETS)))
    check_golden("report_round1_vs_round0.txt", text)


def test_compared_report_at_80_columns(runs):
    _, after, comparison = runs
    text = render(full_report(after, [comparison]), width=80)
    check_golden("report_round1_vs_round0_80col.txt", text)


def test_gap_list_alone(runs):
    check_golden("gaps_round1.txt", render(gap_list(runs[1], limit=3)))


def test_markdown_report(runs):
    _, after, comparison = runs
    check_golden("report_round1_vs_round0.md", markdown_report(after, [comparison], read_targets(TARGETS)))


@pytest.mark.parametrize("width", [80, 100])
def test_reports_fit_the_console_and_carry_no_escape_codes(runs, width):
    _, after, comparison = runs
    text = render(full_report(after, [comparison], read_targets(TARGETS)), width=width)
    assert "\x1b" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    # nothing truncated with an ellipsis in the numeric tables
    assert not re.search(r"\d…", text)


def test_model_output_is_not_read_as_markup(runs):
    text = render(gap_list(runs[0]))
    assert "[math.triangle_area_heron(side1=3, side2=4)]" in text
