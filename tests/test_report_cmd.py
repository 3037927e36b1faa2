"""`harness report` and `print_eval_report`, driven through their argparse entry points."""

from __future__ import annotations

import argparse
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from bfcl_adapter.diagnosis import read_gaps
from harness import report_cmd
from harness.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "tests" / "fixtures" / "runs"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="harness")
    report_cmd.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["report", *argv])


def test_report_writes_every_format(tmp_path, capsys):
    args = parse([
        str(RUNS / "round1"), "--vs", str(RUNS / "round0"), "--targets", "hammer2.1-0.5b",
        "--html", str(tmp_path / "r.html"), "--markdown", str(tmp_path / "r.md"),
        "--json", str(tmp_path / "r.json"),
    ])  # fmt: skip
    assert report_cmd.run(args) == 0
    out = capsys.readouterr().out
    assert "Ranked gaps" in out and "Distance to target" in out and "18 fixed, 3 broken" in out
    assert (tmp_path / "r.md").read_text().startswith("## closeloop gap report")
    page = (tmp_path / "r.html").read_text()
    assert page.count("<svg") == 2  # bars and the two-round curves
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["schema_version"] == 1
    assert document["comparisons"][0]["fixed"] == 18
    assert document["diagnosis"]["gaps"][0]["category"] == "live_multiple"
    assert {d["name"] for d in document["targets"]["distances"]} >= {"Overall", "Live"}


def test_vs_accepts_several_runs_in_either_spelling():
    a = parse(["r2", "--vs", "r0", "r1"])
    b = parse(["r2", "--vs", "r0", "--vs", "r1"])
    assert a.vs == b.vs == ["r0", "r1"]
    assert a.run == "harness.report_cmd:run"


def test_report_gaps_flag_rewrites_gaps_json(tmp_path, capsys):
    run = shutil.copytree(RUNS / "round0", tmp_path / "round0")
    (run / "gaps.json").unlink()
    assert report_cmd.run(parse([str(run), "--gaps", "--max-gaps", "0"])) == 0
    assert read_gaps(run / "gaps.json")["model"]["name"] == "toolcaller-0.5b"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["/no/such/run"], "not a directory"),
        ([str(RUNS / "round1"), "--vs", "/no/such/run"], "not a directory"),
        ([str(RUNS / "round1"), "--targets", "nobody"], "shipped target"),
        ([str(RUNS / "round1"), "--max-gaps", "-1"], "--max-gaps"),
        ([str(RUNS / "round1"), "--html", "{tmp}/a-file/x.html"], "cannot write"),
    ],
)
def test_bad_input_is_a_usage_error(argv, message, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a directory")
    with pytest.raises(UsageError, match=message):
        report_cmd.run(parse([a.replace("{tmp}", str(tmp_path)) for a in argv]))


def test_print_eval_report_writes_gaps_and_prints_them(tmp_path):
    run = shutil.copytree(RUNS / "round1", tmp_path / "round1")
    (run / "gaps.json").unlink()
    console = Console(file=StringIO(), width=100, color_system=None)
    path = report_cmd.print_eval_report(run, console)
    assert path == run / "gaps.json" and path.exists()
    text = console.file.getvalue()
    assert "Ranked gaps" in text and "BFCL v4 summary" not in text
    assert str(path) in text.replace("\n", "")
    full = Console(file=StringIO(), width=100, color_system=None)
    report_cmd.print_eval_report(run, full, full=True)
    assert "BFCL v4 summary" in full.file.getvalue()
