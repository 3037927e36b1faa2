"""A tiny generator of verified-data rows (the ``train.jsonl`` contract) for the rl tests.

Template tools whose names start with ``tpl_`` (disjoint from BFCL's), questions filled from small
value pools, prompts in BFCL's prompting format and gold completions rendered by
``calls_to_python_call_list``. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from bfcl_adapter.categories import Category
from bfcl_adapter.fc import calls_to_python_call_list
from bfcl_adapter.prompts import prompting_messages
from bfcl_adapter.types import Call


def _doc(name: str, description: str, props: dict[str, tuple[str, str]], required: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "parameters": {
            "type": "dict",
            "properties": {p: {"type": t, "description": d} for p, (t, d) in props.items()},
            "required": required,
        },
    }


TOOLS: dict[str, dict[str, Any]] = {
    "tpl_get_forecast": _doc(
        "tpl_get_forecast", "Get the weather forecast for a city.",
        {"city": ("string", "The city name."), "days": ("integer", "Number of days ahead.")}, ["city", "days"]),
    "tpl_convert_currency": _doc(
        "tpl_convert_currency", "Convert an amount of money between currencies.",
        {"amount": ("float", "Amount to convert."), "source": ("string", "ISO code to convert from."),
         "target": ("string", "ISO code to convert to.")}, ["amount", "source", "target"]),
    "tpl_set_alarm": _doc(
        "tpl_set_alarm", "Set an alarm clock.",
        {"hour": ("integer", "Hour, 0-23."), "minute": ("integer", "Minute, 0-59.")}, ["hour", "minute"]),
    "tpl_find_books": _doc(
        "tpl_find_books", "Search a library catalogue for books by an author.",
        {"author": ("string", "Author name."), "limit": ("integer", "Maximum number of results.")}, ["author"]),
    "tpl_translate_text": _doc(
        "tpl_translate_text", "Translate a short text into another language.",
        {"text": ("string", "Text to translate."), "language": ("string", "Target language.")}, ["text", "language"]),
}  # fmt: skip

CITIES = ["Lisbon", "Osaka", "Nairobi", "Quito", "Tallinn", "Perth", "Bergen", "Cusco"]
CODES = ["EUR", "USD", "JPY", "GBP", "CHF", "CAD"]
AUTHORS = ["Ursula Le Guin", "Chinua Achebe", "Italo Calvino", "Wislawa Szymborska", "Jorge Amado"]
PHRASES = ["good morning", "where is the station", "thank you very much", "see you tomorrow"]
LANGUAGES = ["French", "German", "Swahili", "Portuguese", "Finnish"]
OFF_TOPIC = [
    "What is the capital of Australia?", "Write a haiku about autumn leaves.",
    "How many legs does a spider have?", "Who painted the Mona Lisa?", "Explain what photosynthesis is.",
]  # fmt: skip
ABSTAIN = "None of the given functions can be used to answer this question."


def _call(rng: random.Random, name: str) -> tuple[Call, str]:
    """A gold call and a question asking for it."""
    if name == "tpl_get_forecast":
        city, days = rng.choice(CITIES), rng.randint(1, 7)
        return Call(name, {"city": city, "days": days}), f"What will the weather be in {city} over the next {days} days?"
    if name == "tpl_convert_currency":
        amount, (src, dst) = float(rng.randint(5, 900)), rng.sample(CODES, 2)
        return Call(name, {"amount": amount, "source": src, "target": dst}), f"Convert {amount:g} {src} to {dst}."
    if name == "tpl_set_alarm":
        hour, minute = rng.randint(0, 23), rng.choice([0, 15, 30, 45])
        return Call(name, {"hour": hour, "minute": minute}), f"Wake me up at {hour:02d}:{minute:02d}."
    if name == "tpl_find_books":
        author, limit = rng.choice(AUTHORS), rng.randint(2, 9)
        return Call(name, {"author": author, "limit": limit}), f"List up to {limit} books by {author}."
    text, language = rng.choice(PHRASES), rng.choice(LANGUAGES)
    return Call(name, {"text": text, "language": language}), f"Translate '{text}' into {language}."


def _answer(call: Call) -> dict[str, Any]:
    doc = TOOLS[call.name]
    params = {p: [v] for p, v in call.arguments.items()}
    for p in doc["parameters"]["properties"]:
        params.setdefault(p, [""])
    return {call.name: params}


def make_row(rng: random.Random, category: Category, index: int) -> dict[str, Any]:
    names = list(TOOLS)
    if category is Category.SIMPLE_PYTHON:
        functions = [TOOLS[rng.choice(names)]]
        call, question = _call(rng, functions[0]["name"])
        calls = [call]
    elif category is Category.MULTIPLE:
        functions = [TOOLS[n] for n in rng.sample(names, 3)]
        call, question = _call(rng, functions[0]["name"])
        rng.shuffle(functions)
        calls = [call]
    elif category is Category.PARALLEL:
        functions = [TOOLS[rng.choice(names)]]
        (c1, q1), (c2, q2) = _call(rng, functions[0]["name"]), _call(rng, functions[0]["name"])
        calls, question = [c1, c2], f"{q1} Also: {q2}"
    elif category is Category.IRRELEVANCE:
        functions = [TOOLS[rng.choice(names)]]
        calls, question = [], rng.choice(OFF_TOPIC)
    else:
        raise ValueError(f"no template for {category.value}")
    prompt = prompting_messages([{"role": "user", "content": question}], functions, category)
    completion = calls_to_python_call_list(calls) if calls else ABSTAIN
    answer = [_answer(c) for c in calls] if calls else None
    return {
        "id": f"tpl-{category.value}-{index}",
        "prompt": prompt,
        "completion": [{"role": "assistant", "content": completion}],
        "category": category.value,
        "functions": json.dumps(functions),
        "possible_answer": json.dumps(answer),
    }


DEFAULT_MIX = ((Category.SIMPLE_PYTHON, 4), (Category.MULTIPLE, 2), (Category.PARALLEL, 1), (Category.IRRELEVANCE, 1))


def make_rows(n: int, seed: int = 0, mix=DEFAULT_MIX) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    population = [c for c, w in mix for _ in range(w)]
    return [make_row(rng, population[i % len(population)], i) for i in range(n)]


def write_verified_dir(directory: Path, n: int, seed: int = 0, mix=DEFAULT_MIX) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "train.jsonl").open("w") as fh:
        for row in make_rows(n, seed, mix):
            fh.write(json.dumps(row) + "\n")
    return directory


# --- a tiny random model with the SmolLM2 tokenizer (for CPU smoke tests) -----------------------


def smollm2_tokenizer():
    """The embedded model's tokenizer: from its materialized HF checkpoint when there is one (fast),
    else straight from the GGUF (no weights are de-quantized)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer

    if os.environ.get("CLOSELOOP_TEST_TOKENIZER"):  # a directory holding the tokenizer (GPU machine)
        return AutoTokenizer.from_pretrained(os.environ["CLOSELOOP_TEST_TOKENIZER"])
    from harness.backends.models import default_model_path, materialized_dir

    gguf = default_model_path()
    hf = materialized_dir(gguf)
    if (hf / "tokenizer.json").is_file():
        return AutoTokenizer.from_pretrained(str(hf))
    return AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)


def write_tiny_model(directory: Path, seed: int = 0) -> Path:
    """A randomly initialised 2-layer Llama (hidden 64) with the SmolLM2 tokenizer, saved as an HF dir."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = smollm2_tokenizer()
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048, tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
    )  # fmt: skip
    model = LlamaForCausalLM(config)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory
