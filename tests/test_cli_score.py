"""`harness score`: end to end through the CLI, with its error handling."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main

ROOT = Path(__file__).resolve().parents[1]


def write_lines(path: Path, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def write_raw(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_scores_a_file_and_writes_verdicts(tmp_path, capsys):
    results = write_lines(
        tmp_path / "BFCL_v4_simple_python_result.json",
        [
            {"id": "simple_python_0", "result": "[calculate_triangle_area(base=10, height=5)]"},
            {"id": "simple_python_1", "result": "The factorial of 5 is 120."},
        ],
    )
    out = tmp_path / "verdicts.jsonl"
    assert main(["score", str(results), "--verdicts", str(out), "--json", str(tmp_path / "s.json")]) == 0
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert rows == [
        {"id": "simple_python_0", "category": "simple_python", "valid": True, "error_type": None},
        {"id": "simple_python_1", "category": "simple_python", "valid": False,
         "error_type": "ast_decoder:decoder_failed"},
    ]  # fmt: skip
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["categories"]["simple_python"]["accuracy"] == 0.5
    assert "simple_python" in capsys.readouterr().out


def test_scores_a_bfcl_result_directory(tmp_path):
    model = tmp_path / "result" / "my-model"
    write_lines(model / "non_live" / "BFCL_v4_irrelevance_result.json",
                [{"id": "irrelevance_0", "result": "I can't help with that."}])  # fmt: skip
    write_lines(model / "live" / "BFCL_v4_live_relevance_result.json",
                [{"id": "live_relevance_0-0-0", "result": "[f(a=1)]"}])  # fmt: skip
    out = tmp_path / "v.jsonl"
    assert main(["score", str(model), "--verdicts", str(out), "--score-dir", str(tmp_path / "score")]) == 0
    assert len(out.read_text().splitlines()) == 2
    header = json.loads(
        (tmp_path / "score/my-model/non_live/BFCL_v4_irrelevance_score.json").read_text().splitlines()[0]
    )
    assert header == {"accuracy": 1.0, "correct_count": 1, "total_count": 1}


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: d / "missing.json", "no such file"),
        (lambda d: write_lines(d / "BFCL_v4_simple_python_result.json", [{"id": "nope_1", "result": ""}]),
         "unknown id 'nope_1'"),
        (lambda d: write_lines(d / "results.json", [{"id": "simple_python_0", "result": ""}]),
         "cannot tell the category"),
        (lambda d: write_raw(d / "BFCL_v4_simple_python_result.json", '{"id": "simple_python_0"\n'),
         "BFCL_v4_simple_python_result.json:1: not valid JSON"),
        (lambda d: write_lines(d / "BFCL_v4_simple_python_result.json", [{"id": "simple_python_0"}]),
         "needs 'id' and 'result'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line(tmp_path, capsys, setup, message):
    path = setup(tmp_path)
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("harness: error:") and message in err
    assert len(err.splitlines()) == 1


def test_unknown_category_flag(tmp_path, capsys):
    path = write_lines(tmp_path / "r.json", [{"id": "simple_python_0", "result": ""}])
    assert main(["score", str(path), "--category", "simple_cobol"]) == 2
    assert "unknown BFCL category 'simple_cobol'" in capsys.readouterr().err


def test_existing_verdicts_file_survives_a_failed_run(tmp_path):
    out = tmp_path / "v.jsonl"
    out.write_text("keep me\n")
    bad = write_lines(tmp_path / "BFCL_v4_simple_python_result.json", [{"id": "x_1", "result": ""}])
    assert main(["score", str(bad), "--verdicts", str(out)]) == 2
    assert out.read_text() == "keep me\n"


def test_help_does_not_import_heavy_libraries():
    code = (
        "import sys, contextlib, io\n"
        "from harness.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['score', '--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'trl', 'vllm', 'rich') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_scores_multi_turn_result_files(tmp_path):
    from bfcl_adapter import Category, load_entries

    entry = load_entries(Category.MULTI_TURN_BASE)[1]
    replay = [["[" + ", ".join(turn) + "]", "Done."] for turn in entry.possible_answer]
    path = write_lines(
        tmp_path / "BFCL_v4_multi_turn_base_result.json",
        [{"id": entry.id, "result": replay}, {"id": "multi_turn_base_2", "result": [["Hmm."]]}],
    )
    out = tmp_path / "v.jsonl"
    assert main(["score", str(path), "--verdicts", str(out)]) == 0
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert rows[0]["valid"] is True
    assert rows[1]["error_type"] == "multi_turn:force_terminated"  # fewer turns than the ground truth
