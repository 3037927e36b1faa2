"""The agents: wording helpers, the user simulator's guarantees, the assistant's rejection sampling."""

from __future__ import annotations

import random

from bfcl_adapter.categories import Category
from bfcl_adapter.checking import check_calls
from bfcl_adapter.types import Call
from synth.agents import (
    Assistant, Completion, UserSimulator, action_phrase, decode_completion, messy, param_label, varying_arguments,
)
from synth.recipes import Intent, Style, possible_answer
from synth.spec import ToolSpec

BOOK = ToolSpec(
    "book_table", "Reserve a restaurant table.",
    {"type": "object", "properties": {
        "restaurant": {"type": "string", "description": "Restaurant name"},
        "party_size": {"type": "integer", "minimum": 1},
        "date": {"type": "string", "format": "date"},
        "outdoor": {"type": "boolean", "default": False},
        "notes": {"type": "string"}},
     "required": ["restaurant", "party_size", "date"]},
)  # fmt: skip
GOLD = {"restaurant": "Casa Lupa", "party_size": 4, "date": "2025-06-13", "outdoor": True}


class Scripted:
    def __init__(self, *texts: str) -> None:
        self.texts, self.requests = list(texts), []

    def generate(self, requests):
        self.requests.extend(requests)
        return [Completion(self.texts.pop(0) if self.texts else "") for _ in requests]


def test_action_phrases_read_as_requests():
    assert action_phrase("Returns the hourly outlook for a place.") == "return the hourly outlook for a place"
    assert action_phrase("Put a new event in the calendar.") == "put a new event in the calendar"
    assert action_phrase("Temporarily lock a card, e.g. when lost.") == "temporarily lock a card"
    assert action_phrase("Hour-by-hour outlook for a place.") == "get the hour-by-hour outlook for a place"
    assert action_phrase("Whether two words are anagrams.") == "check whether two words are anagrams"


def test_labels_prefer_short_noun_phrase_descriptions():
    assert param_label("restaurant", BOOK.parameters["properties"]["restaurant"]) == "restaurant name"
    assert param_label("radius_km", {"description": "Search radius; must be positive"}) == "radius"


def test_every_stated_value_appears_in_the_request():
    user = UserSimulator()
    for seed in range(40):
        rng = random.Random(seed)
        utterance = user.request([Intent(BOOK, dict(GOLD))], Style(messy=seed % 2 == 0, verbose=True), rng)
        text = utterance.text.lower()
        assert "casa lupa" in text
        assert "4" in text or "four" in text
        assert any(d in text for d in ("2025-06-13", "june 13, 2025", "friday", "in 2 days"))


def test_look_ups_are_sometimes_asked_as_questions_with_every_value():
    outlook = ToolSpec("hourly_outlook", "Get the hourly outlook for a place.",
                       {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})  # fmt: skip
    user = UserSimulator()
    texts = [user.request([Intent(outlook, {"city": "Oslo"})], Style(), random.Random(s)).text for s in range(40)]
    asked = [t for t in texts if t.startswith(("What", "Tell me", "I'd like to know", "Do you know"))]
    assert 5 <= len(asked) <= 35 and all("Oslo" in t for t in asked)
    assert all(t.endswith("?") for t in asked if t.startswith(("What", "Do you")))
    booked = [user.request([Intent(BOOK, dict(GOLD))], Style(), random.Random(s)).text for s in range(40)]
    assert not any(t.startswith(("What", "Tell me", "I'd like to know", "Do you know")) for t in booked)  # not a look-up


def test_relative_dates_come_with_today():
    user = UserSimulator()
    texts = [user.request([Intent(BOOK, dict(GOLD))], Style(indirect=True), random.Random(s)).text for s in range(30)]
    relative = [t for t in texts if "2025-06-13" not in t and "June 13" not in t]
    assert relative and all("Today is Wednesday, 2025-06-11" in t for t in relative)


def test_long_date_wording_is_an_accepted_alternative():
    user = UserSimulator()
    schema = {"type": "string"}  # no declared format: either wording is a fair answer
    found = [user.say("date", schema, "2025-06-13", random.Random(s), Style()) for s in range(30)]
    assert ("June 13, 2025", ["June 13, 2025"], False) in found


def test_messy_noise_never_touches_protected_values():
    for seed in range(50):
        noisy = messy("Please book Casa Lupa for Friday, thanks.", random.Random(seed), protect=["Casa Lupa"])
        assert "Casa Lupa" in noisy


def test_paraphrases_are_kept_only_when_values_survive():
    intent = Intent(BOOK, dict(GOLD))
    kept = UserSimulator(Scripted("Table at Casa Lupa, please - four of us.")).request([intent], Style(), random.Random(1))
    assert kept.text == "Table at Casa Lupa, please - four of us."
    dropped = UserSimulator(Scripted("Book me a nice table.")).request([intent], Style(), random.Random(1))
    assert "Casa Lupa" in dropped.text and dropped.text != "Book me a nice table."


def _accept(calls):
    answer = [possible_answer(BOOK.to_bfcl_doc(), Intent(BOOK, dict(GOLD)))]
    return check_calls(Category.SIMPLE_PYTHON, calls, [BOOK.to_bfcl_doc()], answer).valid


def test_assistant_keeps_model_calls_only_when_the_checker_agrees():
    gold = [Call("book_table", dict(GOLD))]
    reordered = "[book_table(date='2025-06-13', party_size=4, restaurant='casa lupa', outdoor=True)]"
    model = Assistant(Scripted(reordered, "[book_table(restaurant='Casa Lupa', party_size=5, date='2025-06-13')]",
                               "I'd rather not."))  # fmt: skip
    first = model.call_step(gold, [], [], _accept, random.Random(0))
    assert first.source == "model" and first.calls[0].arguments["restaurant"] == "casa lupa"
    for _ in range(2):
        step = model.call_step(gold, [], [], _accept, random.Random(0))
        assert step.source == "gold" and step.calls == gold
    assert (model.accepted, model.rejected) == (1, 2)
    assert Assistant().call_step(gold, [], [], _accept, random.Random(0)).calls == gold


def test_completions_decode_from_native_tool_calls_and_text():
    native = Completion("", tool_calls=[{"function": {"name": "f", "arguments": '{"a": 1}'}}])
    assert decode_completion(native) == [Call("f", {"a": 1})]
    assert decode_completion(Completion('<tool_call>{"name": "f", "arguments": {"a": 2}}</tool_call>')) == [Call("f", {"a": 2})]
    assert decode_completion(Completion("[f(a=3)]")) == [Call("f", {"a": 3})]


def test_role_play_uses_checked_model_calls_in_prompting_mode():
    from synth.agents import ServerAgent
    from synth.recipes import Plan, TurnPlan
    from synth.roleplay import RolePlay
    from synth.sample import trl_messages
    from synth.server import ToolServer

    reordered = "[book_table(date='2025-06-13', party_size=4, restaurant='casa lupa', outdoor=True)]"
    model = Scripted(reordered)
    model.mode = "prompting"
    plan = Plan(Category.SIMPLE_PYTHON, "simple", [BOOK], [TurnPlan("call", [Intent(BOOK, dict(GOLD))])])
    transcript = RolePlay(UserSimulator(), Assistant(model), ServerAgent(ToolServer([BOOK]))).run(plan, 3)
    (request,) = model.requests
    assert request.tools is None and request.messages[0]["role"] == "system"
    assert "book_table" in request.messages[0]["content"]  # BFCL's prompt lists the function docs
    calls = trl_messages(transcript.events)[1]["tool_calls"]
    assert calls[0]["function"]["arguments"]["restaurant"] == "casa lupa"  # the model's accepted wording


def test_indirect_mentions_use_other_units():
    user = UserSimulator()
    seen = {user.say("radius_km", {"type": "number"}, 2.5, random.Random(s), Style(indirect=True))[0] for s in range(40)}
    assert "2,500 metres" in seen and "2.5" in seen
    hours = {user.say("duration_minutes", {"type": "integer"}, 120, random.Random(s), Style(indirect=True))[0] for s in range(40)}
    assert "2 hours" in hours


def _party(size: int, date: str = "2025-06-13", place: str = "Casa Lupa") -> Intent:
    return Intent(BOOK, {"restaurant": place, "party_size": size, "date": date})


def test_calls_that_differ_in_one_or_two_arguments_are_said_compactly():
    assert varying_arguments([_party(2), _party(5), _party(7)]) == ["party_size"]
    pairs = [_party(s, d) for s in (2, 5) for d in ("2025-06-13", "2025-07-01")]
    assert sorted(varying_arguments(pairs)) == ["date", "party_size"]
    assert varying_arguments(pairs[:3]) == []  # not every combination: said call by call
    assert varying_arguments([_party(2)]) == []
    user = UserSimulator()
    compact = 0
    for seed in range(30):
        text = user.request([_party(2), _party(5), _party(7)], Style(), random.Random(seed)).text
        assert text.lower().count("casa lupa") >= 1
        assert all(n in text or w in text for n, w in (("2", "two"), ("5", "five"), ("7", "seven")))
        compact += text.lower().count("casa lupa") == 1
    assert compact >= 20  # shared values said once, most of the time


def test_parallel_recipe_varies_a_few_arguments_over_shared_ones():
    from synth.recipes import Knobs, RecipeInput, ToolPool, recipe_parallel
    from synth.specs import load_catalog

    pool = ToolPool(load_catalog())
    shapes = []
    for seed in range(60):
        plan = recipe_parallel(RecipeInput(Category.PARALLEL, pool, random.Random(seed), Knobs(compact_parallel=1.0)))
        intents = plan.turns[0].intents
        shapes.append(len(varying_arguments(intents)))
        assert len({repr(sorted(i.arguments.items())) for i in intents}) == len(intents)  # no call twice
    assert shapes.count(1) >= 25 and shapes.count(2) >= 5


def test_a_value_of_a_unique_kind_is_sometimes_said_without_its_label():
    user = UserSimulator()
    gold = {"restaurant": "Casa Lupa", "party_size": 4, "date": "2025-06-13"}
    bare = 0
    for seed in range(60):
        text = user.request([Intent(BOOK, dict(gold))], Style(), random.Random(seed)).text.lower()
        assert "casa lupa" in text and ("4" in text or "four" in text)
        bare += "restaurant" not in text or "party" not in text
    assert 5 <= bare <= 50  # some values are read from the tool, most are labelled
