"""The BFCL contamination guard: catches copies, passes our own material, and is fast."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from bfcl_adapter.categories import Category
from bfcl_adapter.data import load_entries
from synth.contamination import ContaminationGuard, bfcl_version, is_distinctive, normalise_text
from synth.spec import ToolSpec
from synth.specs import generate_tools, load_catalog


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("closeloop-cache")


@pytest.fixture(scope="module")
def guard(cache_dir: Path) -> ContaminationGuard:
    return ContaminationGuard.from_bfcl(cache=cache_dir)


def _tool(name: str, description: str = "Look after the orchard irrigation timers.") -> ToolSpec:
    return ToolSpec(name, description, {"type": "object", "properties": {}, "required": []})


def _sample(user: str, calls: list[tuple[str, dict]] | None = None) -> dict:
    calls = calls or [("orchard_valve_open", {"valve": "north"})]
    return {
        "messages": [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": n, "arguments": a}} for n, a in calls]},
            {"role": "tool", "name": calls[0][0], "content": "{\"ok\": true}"},
            {"role": "assistant", "content": "Done: the north valve is open."},
        ],
        "tools": [{"type": "function", "function": {"name": n, "parameters": {"type": "object"}}} for n, _ in calls],
        "gold_calls": [{"name": n, "arguments": a} for n, a in calls],
    }  # fmt: skip


# --- our own material passes -----------------------------------------------------------------


def test_catalog_passes(guard: ContaminationGuard) -> None:
    problems = [p for t in load_catalog() for p in guard.check_tool(t)]
    assert problems == []


def test_thousand_procedural_tools_pass(guard: ContaminationGuard) -> None:
    problems = [p for t in generate_tools(1000, seed=2024) for p in guard.check_tool(t)]
    assert problems == []


def test_clean_sample_passes(guard: ContaminationGuard) -> None:
    sample = _sample("Please open the north valve of the orchard for twenty minutes before the frost arrives tonight.")
    assert guard.check_sample(sample) == []


# --- copies are caught -----------------------------------------------------------------------


@pytest.mark.parametrize("category", [Category.SIMPLE_PYTHON, Category.LIVE_MULTIPLE, Category.MULTI_TURN_BASE,
                                      Category.IRRELEVANCE, Category.SIMPLE_JAVA])  # fmt: skip
def test_lightly_recased_bfcl_question_is_caught(guard: ContaminationGuard, category: Category) -> None:
    rng = random.Random(category.value)
    entries = [e for e in load_entries(category) if len(e.first_question.split()) >= 6]
    for entry in rng.sample(entries, 5):
        question = entry.first_question
        variants = [question.upper(), question.swapcase(), question.title().replace(".", "!"), f"  {question.lower()}  "]
        for text in variants:
            problems = guard.check_sample(_sample(text))
            assert problems and "overlaps BFCL question" in problems[0], (entry.id, text)


def test_question_embedded_in_longer_text_is_caught(guard: ContaminationGuard) -> None:
    question = next(e for e in load_entries(Category.LIVE_SIMPLE) if len(e.first_question.split()) >= 20).first_question
    text = f"Hi there, I have a small favour to ask today. {question.lower()} Thanks a lot, talk soon!"
    assert any("overlaps BFCL question" in p for p in guard.check_sample(_sample(text)))


def test_paraphrase_with_shared_phrasing_is_not_caught(guard: ContaminationGuard) -> None:
    # Shares short phrases with many BFCL questions, but is not a copy of any.
    sample = _sample("Could you find the area of my vegetable patch if it is a triangle with a base of "
                     "twelve metres and a height of seven metres?")  # fmt: skip
    assert guard.check_sample(sample) == []


@pytest.mark.parametrize("name", ["calculate_triangle_area", "math.factorial", "factorial", "calculateTriangleArea",
                                  "CALCULATE_TRIANGLE_AREA", "ls", "send_message"])  # fmt: skip
def test_tool_named_like_bfcl_function_is_caught(guard: ContaminationGuard, name: str) -> None:
    problems = guard.check_tool(_tool(name))
    assert problems and "name matches BFCL function" in problems[0]


def test_copied_description_is_caught(guard: ContaminationGuard) -> None:
    doc = load_entries(Category.SIMPLE_PYTHON)[0].functions[0]
    problems = guard.check_tool(_tool("orchard_area_helper", doc["description"].upper()))
    assert any("description overlaps" in p for p in problems)


def test_sample_calling_bfcl_function_or_reusing_answer_is_caught(guard: ContaminationGuard) -> None:
    calls = [("calculate_triangle_area", {"base": 10, "height": 5})]
    problems = guard.check_sample(_sample("Please work out the size of my little garden plot for me.", calls))
    assert any("calls 'calculate_triangle_area'" in p for p in problems)
    assert any("offers tool" in p for p in problems)
    # A distinctive possible-answer string as an argument value, called as JSON text.
    value = "image_7707563551789432679.jpg"
    sample = _sample("Please attach the holiday picture to the album for me today.",
                     [("album_photo_attach", {"file": value})])  # fmt: skip
    sample["messages"][2]["tool_calls"][0]["function"]["arguments"] = f'{{"file": "{value}"}}'
    assert any("BFCL possible answer" in p for p in guard.check_sample(sample))


def test_bfcl_style_gold_calls_are_read(guard: ContaminationGuard) -> None:
    sample = {"messages": [{"role": "user", "content": "hello"}], "gold_calls": [[{"math.hypot": {"x": [4]}}]]}
    assert any("math.hypot" in p for p in guard.check_sample(sample))


def test_distinctive_values() -> None:
    assert is_distinctive("image_7707563551789432679.jpg") and is_distinctive("user:online:yesterday")
    assert is_distinctive("Just finished analyzing the reports today!")
    for plain in ("Atlanta", "San Francisco, CA", "2021-01-01", "Europe/Berlin", "example.com", "Bitcoin"):
        assert not is_distinctive(plain), plain
    assert normalise_text("Hello, WORLD! it's_me") == ["hello", "world", "it", "s", "me"]


# --- cache and speed -------------------------------------------------------------------------


def test_index_is_cached_per_bfcl_version(guard: ContaminationGuard, cache_dir: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    files = list(cache_dir.glob("contamination-*.pkl"))
    assert len(files) == 1 and bfcl_version() in files[0].name
    import synth.contamination as contamination

    build = contamination._build_index
    monkeypatch.setattr(contamination, "_build_index", lambda *a, **k: pytest.fail("rebuilt despite the cache"))
    again = ContaminationGuard.from_bfcl(cache=cache_dir)  # read from the cache file, not rebuilt
    monkeypatch.setattr(contamination, "_build_index", build)
    assert again.bfcl_names == guard.bfcl_names
    question = load_entries(Category.SIMPLE_PYTHON)[3].first_question
    assert again.question_overlap(question) == guard.question_overlap(question)
    rebuilt = ContaminationGuard.from_bfcl(cache=False)
    assert rebuilt.question_overlap(question) == guard.question_overlap(question)


def test_cache_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLOSELOOP_CACHE", str(tmp_path))
    ContaminationGuard.from_bfcl()
    assert list(tmp_path.glob("contamination-*.pkl"))
    (next(tmp_path.glob("contamination-*.pkl"))).write_bytes(b"corrupt")  # a broken cache is rebuilt
    assert ContaminationGuard.from_bfcl().bfcl_name("math.factorial") == "math.factorial"


def test_two_thousand_clean_samples_are_not_flagged(guard: ContaminationGuard) -> None:
    """Speed is measured in bench/ (tests make no timed assertions: these machines are noisy)."""
    rng = random.Random(0)
    words = "orchard valve frost tonight north south timer minutes garden please open close check the a of for".split()
    tools = generate_tools(50, seed=1)
    samples = []
    for i in range(2000):
        user = " ".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
        tool = tools[i % len(tools)]
        samples.append(_sample(user, [(tool.name, {"note": " ".join(rng.choice(words) for _ in range(6))})]))
    started = time.perf_counter()
    flagged = sum(bool(guard.check_sample(s)) for s in samples)
    elapsed = time.perf_counter() - started
    print(f"checked 2000 samples in {elapsed:.2f} s")
    assert flagged == 0


def test_short_generic_turns_are_not_flagged(guard: ContaminationGuard) -> None:
    for text in ("Hi", "hello", "What time is it?", "Help me", "What can you do?", "Thanks!"):
        assert guard.check_sample(_sample(text)) == [], text


def test_chinese_question_is_caught(guard: ContaminationGuard) -> None:
    question = next(e.first_question for e in load_entries(Category.LIVE_SIMPLE)
                    if sum("\u4e00" <= ch <= "\u9fff" for ch in e.first_question) >= 12)  # fmt: skip
    assert guard.check_sample(_sample(question))
    assert normalise_text("北京 weather") == ["北", "京", "weather"]
