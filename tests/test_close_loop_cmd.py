"""`harness close-loop`: argument handling and the summary table (the controller is in test_loop.py)."""

import io
import json

import pytest
from rich.console import Console

from bfcl_adapter import Category
from harness.cli import main
from harness.close_loop_cmd import parse_duration
from harness.loop import LoopConfig, LoopState, Recipe, RoundState
from harness.errors import UsageError
from reports.loop_report import loop_table


@pytest.mark.parametrize("text, seconds", [("2h", 7200), ("90m", 5400), ("1h30m", 5400), ("45s", 45), ("600", 600)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


def test_parse_duration_rejects_nonsense():
    with pytest.raises(UsageError):
        parse_duration("two hours")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["close-loop", "--budget", "soon"], "--budget"),
        (["close-loop", "/no/such/model"], "/no/such/model"),
        (["close-loop", "--resume"], "--resume needs --out"),
        (["close-loop", "--categories", "simple_cobol"], "unknown BFCL category"),
        (["close-loop", "--rounds", "0"], "--rounds must be positive"),
        (["close-loop", "--train-config", "/no/train.toml"], "no such file"),
        (["close-loop", "--near-miss-share", "1.5"], "--near-miss-share must be in [0, 1]"),
        (["close-loop", "--formula-tools", "-1"], "--formula-tools must be >= 0"),
        (["close-loop", "--multi-call-share", "1.5"], "--multi-call-share must be in [0, 1]"),
    ],
)
def test_bad_input_is_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_loop_table_renders_rounds_decisions_and_report():
    state = LoopState(base_model="base", config=LoopConfig(categories=[Category.SIMPLE_PYTHON]), best_model="ckpt")
    state.rounds = [
        RoundState(0, Recipe(800), scores={"simple_python": 0.0}),
        RoundState(1, Recipe(800), scores={"simple_python": 0.45},
                   decision={"accepted": True, "reason": "probe objective 0.000 -> 0.450"}),
    ]  # fmt: skip
    state.final = {"base": {"accuracy": {"simple_python": 0.01}}, "best": {"accuracy": {"simple_python": 0.5}}}
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(loop_table(state.to_json()))
    text = console.file.getvalue()
    assert "r1 ✓" in text and "45.0" in text and "+49.0" in text and "report split" in text


def test_resume_keeps_the_settings_the_loop_began_with(tmp_path):
    from harness.close_loop_cmd import phase_settings
    from harness.loop_phases import PhaseSettings

    said: list[str] = []
    began = PhaseSettings(formula_tools=400, near_miss_share=0.5, train_config="t.toml")
    assert phase_settings(tmp_path, began, False, said.append) == began
    assert phase_settings(tmp_path, PhaseSettings(), True, said.append) == began  # flags left off
    assert len(said) == 1 and "settings the loop began with" in said[0]
    # A loop begun before the multi-call cap existed resumes without one.
    (tmp_path / "phase_settings.json").write_text(json.dumps({"formula_tools": 400}))
    assert phase_settings(tmp_path, PhaseSettings(), True, said.append).multi_call_share is None
    assert PhaseSettings().multi_call_share == 0.25
    (tmp_path / "phase_settings.json").write_text("{\"no_such_setting\": 1}")
    with pytest.raises(UsageError, match="unreadable phase settings"):
        phase_settings(tmp_path, began, True, said.append)
    # A hand-edited share out of range is one clear line, not a traceback a round later.
    (tmp_path / "phase_settings.json").write_text(json.dumps({"multi_call_share": 1.5}))
    with pytest.raises(UsageError, match=r"multi_call_share must be in \[0, 1\], not 1.5"):
        phase_settings(tmp_path, began, True, said.append)
