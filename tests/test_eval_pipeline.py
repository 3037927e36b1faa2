"""`harness eval` with the scripted mock backend: the pipeline without a model."""

import json
from pathlib import Path

import pytest

from bfcl_adapter import Category, load_entries
from bfcl_adapter.results import read_result_file
from harness.backends.mock import ScriptedBackend
from harness.cli import main
from harness.evaluate import EvalConfig, run_eval, select_entries
from harness.rundir import open_run_dir

CATS = [Category.SIMPLE_PYTHON, Category.IRRELEVANCE, Category.PARALLEL]


def gold_reply(request):
    """A model that answers simple_python_* correctly and abstains elsewhere."""
    if request.id.startswith("simple_python_"):
        entry = next(e for e in load_entries(Category.SIMPLE_PYTHON) if e.id == request.id)
        name, params = next(iter(entry.possible_answer[0].items()))
        args = ", ".join(f"{k}={v[0]!r}" for k, v in params.items() if v[0] != "")
        return f"[{name}({args})]"
    return "I cannot answer that with these tools."


def make_run(tmp_path, backend, config, resume=False):
    run = open_run_dir(tmp_path / "run", backend.identity.to_json(), resume)
    return run, run_eval(backend, run, config)


def test_run_directory_contents(tmp_path):
    backend = ScriptedBackend(script=gold_reply)
    config = EvalConfig(categories=CATS, limit=4)
    run, outcome = make_run(tmp_path, backend, config)
    assert outcome.mode == "prompting"
    assert outcome.scores[Category.SIMPLE_PYTHON].accuracy > 0.5
    assert outcome.scores[Category.IRRELEVANCE].accuracy == 1.0
    assert outcome.scores[Category.PARALLEL].accuracy == 0.0
    meta = json.loads(run.run_json.read_text())
    assert meta["status"] == "complete" and meta["model"]["backend"] == "mock"
    assert meta["mode"] == "prompting" and "versions" in meta
    result_file = run.root / "result" / "mock" / "non_live" / "BFCL_v4_simple_python_result.json"
    assert len(read_result_file(result_file)) == 4
    verdicts = [json.loads(l) for l in run.verdicts.read_text().splitlines()]
    assert len(verdicts) == 12
    assert json.loads(run.scores.read_text())["categories"]["irrelevance"]["accuracy"] == 1.0
    # the system prompt is BFCL's, the question is the entry's
    first = backend.requests[0]
    assert first.messages[0]["role"] == "system" and "json format" in first.messages[0]["content"]


def test_result_files_round_trip_through_harness_score(tmp_path, capsys):
    backend = ScriptedBackend(script=gold_reply)
    run, outcome = make_run(tmp_path, backend, EvalConfig(categories=CATS, limit=3))
    out = tmp_path / "rescored.json"
    assert main(["score", str(run.root / "result" / "mock"), "--json", str(out)]) == 0
    rescored = json.loads(out.read_text())["categories"]
    for category, score in outcome.scores.items():
        assert rescored[category.value]["accuracy"] == score.accuracy


def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path):
    config = EvalConfig(categories=[Category.SIMPLE_PYTHON], limit=10, chunk_size=3)

    class Killed(Exception):
        pass

    calls = {"n": 0}

    backend = ScriptedBackend(script=gold_reply)
    original = backend.generate

    def generate(requests):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Killed()
        return original(requests)

    backend.generate = generate
    with pytest.raises(Killed):
        make_run(tmp_path, backend, config)
    path = tmp_path / "run" / "result" / "mock" / "non_live" / "BFCL_v4_simple_python_result.json"
    # a torn line from the kill is repaired on resume
    with path.open("a") as handle:
        handle.write('{"id": "simple_python_6", "res')
    assert len(path.read_text().splitlines()) == 7
    backend2 = ScriptedBackend(script=gold_reply)
    run, outcome = make_run(tmp_path, backend2, config, resume=True)
    ids = [r.id for r in read_result_file(path)]
    assert ids == [e.id for e in select_entries(Category.SIMPLE_PYTHON, config)]
    assert len(backend2.requests) == 4  # only the missing cases were generated


def test_refuses_other_model_and_unflagged_rerun(tmp_path):
    make_run(tmp_path, ScriptedBackend(script="[]"), EvalConfig(categories=CATS, limit=1))
    from harness.errors import UsageError

    with pytest.raises(UsageError, match="already has results"):
        make_run(tmp_path, ScriptedBackend(script="[]"), EvalConfig(categories=CATS, limit=1))
    other = ScriptedBackend(script="other", model_name="other-model")
    with pytest.raises(UsageError, match="another model"):
        make_run(tmp_path, other, EvalConfig(categories=CATS, limit=1), resume=True)


def test_sample_is_stratified_and_seeded():
    a = select_entries(Category.LIVE_MULTIPLE, EvalConfig(categories=[], sample=5, seed=1))
    b = select_entries(Category.LIVE_MULTIPLE, EvalConfig(categories=[], sample=5, seed=1))
    c = select_entries(Category.LIVE_MULTIPLE, EvalConfig(categories=[], sample=5, seed=2))
    assert [e.id for e in a] == [e.id for e in b] != [e.id for e in c]
    assert len(a) == 5


def test_agentic_listed_as_not_run(tmp_path):
    config = EvalConfig(categories=[Category.SIMPLE_PYTHON, Category.WEB_SEARCH_BASE], limit=1)
    run, outcome = make_run(tmp_path, ScriptedBackend(script="[]"), config)
    assert outcome.skipped == [Category.WEB_SEARCH_BASE]
    assert "live web" in json.loads(run.run_json.read_text())["not_run"]["web_search_base"]


def ground_truth_replay(request):
    """Answers each turn with its ground-truth calls, then ends the turn with prose."""
    entry_id = request.id.split("#")[0]
    category = Category(entry_id.rsplit("_", 1)[0])
    entry = next(e for e in load_entries(category) if e.id == entry_id)
    if request.messages[-1]["role"] == "tool":
        return "Done."
    turn = sum(1 for m in request.messages if m["role"] == "user") - 1
    calls = entry.possible_answer[turn]
    return "[" + ", ".join(calls) + "]" if calls else "Which value should I use?"


def keywords_only(entry) -> bool:
    import ast

    calls = [c for turn in entry.possible_answer for c in turn]
    return all(not node.args for c in calls for node in ast.walk(ast.parse(c)) if isinstance(node, ast.Call))


@pytest.mark.parametrize("category", [Category.MULTI_TURN_BASE, Category.MULTI_TURN_MISS_FUNC,
                                      Category.MULTI_TURN_MISS_PARAM])  # fmt: skip
def test_multi_turn_replay_scores_valid_and_resumes(tmp_path, category):
    backend = ScriptedBackend(script=ground_truth_replay)
    config = EvalConfig(categories=[category], limit=3)
    run, outcome = make_run(tmp_path, backend, config)
    assert outcome.scores[category].total == 3
    # A replayed ground truth passes unless it uses positional arguments, which BFCL's decoder drops.
    expected = sum(keywords_only(e) for e in select_entries(category, config))
    assert outcome.scores[category].correct == expected >= 2
    rows = run.completed(category)
    assert all(isinstance(r["result"], list) and r["steps"] >= 1 for r in rows.values())
    # resume: nothing left to do, nothing duplicated
    backend2 = ScriptedBackend(script=ground_truth_replay)
    run, outcome = make_run(tmp_path, backend2, EvalConfig(categories=[category], limit=4), resume=True)
    assert outcome.scores[category].total == 4 and len(run.completed(category)) == 4


def test_multi_turn_model_that_never_calls(tmp_path):
    config = EvalConfig(categories=[Category.MULTI_TURN_BASE], limit=2)
    run, outcome = make_run(tmp_path, ScriptedBackend(script="I am not sure."), config)
    verdicts = [json.loads(l) for l in run.verdicts.read_text().splitlines()]
    assert {v["error_type"] for v in verdicts} == {"multi_turn:empty_turn_model_response"}


def test_eval_cli_with_mock_backend(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["eval", "--backend", "mock", "--categories", "simple_python,irrelevance",
                 "--limit", "2", "--out", str(out)])  # fmt: skip
    assert code == 0
    assert (out / "scores.json").exists()
    assert "irrelevance" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["eval", "--backend", "mock", "--categories", "simple_cobol"], "unknown BFCL category"),
        (["eval", "--backend", "nope"], "unknown backend"),
        (["eval", "/no/such/model"], "/no/such/model"),
        (["eval", "--backend", "mock", "--resume"], "--resume needs --out"),
        (["eval", "--backend", "mock", "--limit", "0"], "--limit must be positive"),
        (["eval", "--backend", "mock", "--max-batch-tokens", "5"], "does not take option(s) max_batch_tokens"),
    ],
)
def test_eval_bad_input(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_give_up_on_prose_only_where_the_verdict_cannot_change():
    """Requests ask to stop non-call-list replies only for official decoding of Python prompts."""
    from harness.evaluate import FC, PROMPTING, build_request

    def flag(category, mode=PROMPTING, **config):
        entry = load_entries(category)[0]
        return build_request(entry, mode, EvalConfig(categories=[category], **config)).stop_when_not_call_list

    assert flag(Category.SIMPLE_PYTHON) and flag(Category.IRRELEVANCE) and flag(Category.LIVE_MULTIPLE)
    assert not flag(Category.SIMPLE_JAVA) and not flag(Category.SIMPLE_JAVASCRIPT)  # other decoders
    assert not flag(Category.SIMPLE_PYTHON, FC)
    assert not flag(Category.SIMPLE_PYTHON, decode_mode="lenient")  # lenient finds calls inside prose
    assert not flag(Category.SIMPLE_PYTHON, stop_when_not_call_list=False)  # --full-text


def test_full_text_flag(tmp_path):
    out = tmp_path / "run"
    assert main(["eval", "--backend", "mock", "--categories", "irrelevance", "--limit", "1", "--full-text",
                 "--out", str(out)]) == 0  # fmt: skip
    assert json.loads((out / "run.json").read_text())["config"]["stop_when_not_call_list"] is False
