"""Keep BFCL test material out of synthetic tools and samples.

Training on data that paraphrases the benchmark inflates the next evaluation without making the
model better, so every tool and every sample is checked against an index of all BFCL v4 data:
function names (dotted names, their last component, and a case/underscore-blind key), function
descriptions and question texts as word n-grams, and distinctive string values of the possible
answers. The index is built once (about a second) and cached per bfcl-eval version.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from bfcl_adapter.data import default_data_dir, read_json_lines

from .spec import ToolSpec

INDEX_FORMAT = 2  # bump when the index layout or normalisation changes (invalidates caches)

# Words are runs of letters and digits (punctuation and underscores split them); Chinese and
# Japanese characters count one word each, since those scripts do not put spaces between words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")
_ALNUM = re.compile(r"[^a-z0-9]")


def normalise_text(text: str) -> list[str]:
    """Lower-cased words with punctuation stripped: re-casing or re-punctuating changes nothing."""
    return _WORD.findall(text.lower())


def name_key(name: str) -> str:
    """Case- and separator-blind form of a function name: ``getWeather`` ~ ``get_weather``."""
    return _ALNUM.sub("", name.lower())


def _hash(words: Iterable[str]) -> int:
    # Stable across processes (str.__hash__ is salted), so the index can be cached.
    return int.from_bytes(hashlib.blake2b(" ".join(words).encode(), digest_size=8).digest(), "big")


def ngram_hashes(words: list[str], n: int) -> set[int]:
    return {_hash(words[i : i + n]) for i in range(len(words) - n + 1)}


@dataclass(frozen=True)
class GuardConfig:
    question_n: int = 8  # long enough that shared phrasing ("what is the weather in") is not a hit
    description_n: int = 5  # descriptions are short; 8-grams would rarely exist
    question_threshold: float = 0.5  # share of the shorter text's n-grams found in one BFCL text
    description_threshold: float = 0.5
    min_shared: int = 3  # ... and at least this many shared n-grams (or all of a short text's)
    min_exact_words: int = 6  # shorter questions ("hi", "what time is it") are not evidence even when equal
    min_exact_description_words: int = 4
    max_df: int = 20  # n-grams in more BFCL texts than this are boilerplate, not evidence


@dataclass
class _Postings:
    """An inverted index of n-gram hashes over deduplicated texts."""

    n: int
    grams: dict[int, tuple[int, ...]] = field(default_factory=dict)
    sizes: list[int] = field(default_factory=list)  # distinct n-grams per text
    labels: list[str] = field(default_factory=list)  # where each text comes from (entry id, function)
    full: dict[int, int] = field(default_factory=dict)  # hash of the whole normalised text -> text

    @classmethod
    def build(cls, texts: Iterable[tuple[str, str]], n: int, max_df: int) -> "_Postings":
        out = cls(n)
        seen: dict[int, int] = {}
        lists: dict[int, list[int]] = {}
        for label, text in texts:
            words = normalise_text(text)
            if not words:
                continue
            whole = _hash(words)
            if whole in seen:  # the multi-turn categories share their questions
                continue
            doc = len(out.sizes)
            seen[whole] = out.full[whole] = doc
            grams = ngram_hashes(words, n)
            out.sizes.append(len(grams))
            out.labels.append(label)
            for gram in grams:
                lists.setdefault(gram, []).append(doc)
        out.grams = {g: tuple(d) for g, d in lists.items() if len(d) <= max_df}
        return out

    def best_overlap(self, text: str, min_shared: int, min_exact: int) -> tuple[float, str | None]:
        """The highest overlap ratio of ``text`` with one indexed text, and that text's label.
        Texts too short for n-grams count only as whole-text matches of ``min_exact`` words or more."""
        words = normalise_text(text)
        if not words:
            return 0.0, None
        doc = self.full.get(_hash(words)) if len(words) >= min_exact else None
        if doc is not None:
            return 1.0, self.labels[doc]
        grams = ngram_hashes(words, self.n)
        if not grams:
            return 0.0, None
        counts: Counter[int] = Counter()
        for gram in grams:
            docs = self.grams.get(gram)
            if docs:
                counts.update(docs)
        best, label = 0.0, None
        for doc, shared in counts.items():
            smaller = min(len(grams), self.sizes[doc])
            if smaller and shared >= min(min_shared, smaller) and shared / smaller > best:
                best, label = shared / smaller, self.labels[doc]
        return best, label


@dataclass
class _Index:
    names: dict[str, str]  # exact BFCL name or last dotted component -> a label
    name_keys: dict[str, str]  # name_key(...) of the above -> the BFCL name
    values: dict[str, str]  # distinctive normalised answer strings -> entry id
    questions: _Postings
    descriptions: _Postings


def is_distinctive(value: str) -> bool:
    """Answer strings specific enough that reusing one means copying, not coincidence.

    Sentences (five words or more) and identifier-like tokens of ten characters or more (letters
    mixed with digits, handles, snake_case names, deep paths) count; city names, dates, time
    zones, domain names and single dictionary words do not.
    """
    text = " ".join(value.split())
    words = text.split(" ")
    if len(words) >= 5:
        return True
    if len(words) != 1 or len(text) < 10 or not re.search(r"[A-Za-z]", text):
        return False
    return bool(re.search(r"\d", text) or re.search(r"[_:@#\\]", text) or text.count("/") >= 2)


def _normal_value(value: str) -> str:
    return " ".join(value.lower().split())


# ---------------------------------------------------------------------------------------------
# Reading BFCL data


def _data_files(data_dir: Path) -> list[Path]:
    # format_sensitivity is a JSON map of ids, not entries.
    return sorted(p for p in data_dir.glob("BFCL_v4_*.json") if "format_sensitivity" not in p.name)


def _message_texts(turns: Any) -> Iterator[str]:
    for turn in turns if isinstance(turns, list) else []:
        for message in turn if isinstance(turn, list) else [turn]:
            if isinstance(message, dict) and isinstance(message.get("content"), str):
                yield message["content"]


def _string_leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _string_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _string_leaves(item)


def _answer_calls(ground_truth: Any) -> Iterator[tuple[str | None, list[str]]]:
    """(called name or None, string values) from any possible-answer shape BFCL uses."""
    if isinstance(ground_truth, list) and ground_truth and all(isinstance(t, list) for t in ground_truth):
        for turn in ground_truth:  # multi-turn: per turn a list of call strings
            for call in turn:
                yield from _parse_call_string(call)
        return
    for item in ground_truth if isinstance(ground_truth, list) else [ground_truth]:
        if isinstance(item, dict):
            for name, args in item.items():
                yield name, list(_string_leaves(args))
        else:  # agentic answers: plain strings
            yield None, list(_string_leaves(item))


def _parse_call_string(call: Any) -> Iterator[tuple[str | None, list[str]]]:
    try:
        node = ast.parse(str(call), mode="eval").body
    except SyntaxError:
        return
    if not isinstance(node, ast.Call):
        return
    name = ast.unparse(node.func)
    values: list[str] = []
    for arg in [*node.args, *(k.value for k in node.keywords)]:
        try:
            values.extend(_string_leaves(ast.literal_eval(arg)))
        except (ValueError, SyntaxError):
            pass
    yield name, values


def _build_index(data_dir: Path, config: GuardConfig) -> _Index:
    names: dict[str, str] = {}
    descriptions: list[tuple[str, str]] = []
    questions: list[tuple[str, str]] = []
    values: dict[str, str] = {}

    def add_name(name: str, label: str) -> None:
        for form in {name, name.rsplit(".", 1)[-1]}:
            names.setdefault(form, label)

    def add_doc(doc: dict[str, Any], label: str) -> None:
        if isinstance(doc.get("name"), str):
            add_name(doc["name"], label)
            if isinstance(doc.get("description"), str):
                descriptions.append((doc["name"], doc["description"]))

    for path in _data_files(data_dir):
        for _, raw in read_json_lines(path):
            entry_id = str(raw.get("id", path.name))
            questions.extend((entry_id, text) for text in _message_texts(raw.get("question")))
            for doc in raw.get("function", []) or []:
                if isinstance(doc, dict):
                    add_doc(doc, entry_id)
    for path in sorted((data_dir / "multi_turn_func_doc").glob("*.json")):
        for _, doc in read_json_lines(path):
            add_doc(doc, f"multi_turn_func_doc/{path.name}")
    for path in sorted((data_dir / "memory_prereq_conversation").glob("*.json")):
        for _, raw in read_json_lines(path):
            questions.extend((str(raw.get("id", path.name)), t) for t in _message_texts(raw.get("question")))
    for path in sorted((data_dir / "possible_answer").glob("BFCL_v4_*.json")):
        for _, raw in read_json_lines(path):
            entry_id = str(raw.get("id", path.name))
            for name, strings in _answer_calls(raw.get("ground_truth")):
                if name:
                    add_name(name, entry_id)
                for value in strings:
                    if is_distinctive(value):
                        values.setdefault(_normal_value(value), entry_id)

    return _Index(
        names=names,
        name_keys={name_key(n): n for n in sorted(names) if name_key(n)},
        values=values,
        questions=_Postings.build(questions, config.question_n, config.max_df),
        descriptions=_Postings.build(descriptions, config.description_n, config.max_df),
    )


# ---------------------------------------------------------------------------------------------
# Cache


def bfcl_version() -> str:
    try:
        return importlib.metadata.version("bfcl-eval")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def cache_dir() -> Path:
    env = os.environ.get("CLOSELOOP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "closeloop"


def _cache_path(directory: Path, data_dir: Path, config: GuardConfig) -> Path:
    # Keyed by everything that shapes the index: package version, data location, format, config.
    shape = (config.question_n, config.description_n, config.max_df)  # thresholds apply at check time
    key = hashlib.sha256(f"{data_dir.resolve()}|{INDEX_FORMAT}|{shape}".encode()).hexdigest()[:12]
    return directory / f"contamination-bfcl-{bfcl_version()}-{key}.pkl"


def _load_or_build(data_dir: Path, config: GuardConfig, directory: Path | None) -> _Index:
    if directory is None:
        return _build_index(data_dir, config)
    path = _cache_path(directory, data_dir, config)
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)  # our own cache file, written below
        if isinstance(index, _Index):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # missing or stale: rebuild
    index = _build_index(data_dir, config)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except OSError:
        pass  # a read-only home still gets a working (uncached) guard
    return index


# ---------------------------------------------------------------------------------------------
# The guard


class ContaminationGuard:
    def __init__(self, index: _Index, config: GuardConfig) -> None:
        self._index = index
        self.config = config

    @classmethod
    def from_bfcl(cls, data_dir: Path | str | None = None, *, config: GuardConfig | None = None,
                  cache: Path | str | None | bool = True) -> "ContaminationGuard":  # fmt: skip
        """Index all BFCL v4 data. ``cache``: True for $CLOSELOOP_CACHE or ~/.cache/closeloop,
        a folder, or False to always rebuild."""
        config = config or GuardConfig()
        directory = Path(data_dir) if data_dir is not None else default_data_dir()
        where = cache_dir() if cache is True else (Path(cache) if cache else None)
        return cls(_load_or_build(directory, config, where), config)

    # -- names ---------------------------------------------------------------------------------
    def bfcl_name(self, name: str) -> str | None:
        """The BFCL function name ``name`` is equal or equivalent to, if any."""
        for form in (name, name.rsplit(".", 1)[-1]):
            if form in self._index.names:
                return form
        return self._index.name_keys.get(name_key(name.rsplit(".", 1)[-1]))

    @property
    def bfcl_names(self) -> frozenset[str]:
        return frozenset(self._index.names)

    # -- texts ---------------------------------------------------------------------------------
    def question_overlap(self, text: str) -> tuple[float, str | None]:
        return self._index.questions.best_overlap(text, self.config.min_shared, self.config.min_exact_words)

    def description_overlap(self, text: str) -> tuple[float, str | None]:
        return self._index.descriptions.best_overlap(
            text, self.config.min_shared, self.config.min_exact_description_words
        )

    # -- checks --------------------------------------------------------------------------------
    def check_tool(self, spec: ToolSpec) -> list[str]:
        problems = []
        hit = self.bfcl_name(spec.name)
        if hit is not None:
            problems.append(f"tool {spec.name!r}: name matches BFCL function {hit!r}")
        ratio, label = self.description_overlap(spec.description)
        if ratio >= self.config.description_threshold:
            problems.append(
                f"tool {spec.name!r}: description overlaps the description of BFCL function "
                f"{label!r} ({ratio:.0%} of {self.config.description_n}-grams)"
            )
        return problems

    def check_sample(self, sample: dict[str, Any]) -> list[str]:
        """Problems of one synthetic sample (trl conversational form, plus ``gold_calls``)."""
        problems: list[str] = []
        for where, text in _sample_texts(sample):
            ratio, label = self.question_overlap(text)
            if ratio >= self.config.question_threshold:
                problems.append(
                    f"{where}: text overlaps BFCL question {label} "
                    f"({ratio:.0%} of {self.config.question_n}-grams)"
                )
        for where, name, args in _sample_calls(sample):
            hit = self.bfcl_name(name)
            if hit is not None:
                problems.append(f"{where}: calls {name!r}, a BFCL function name ({hit!r})")
            for value in _string_leaves(args):
                entry = self._index.values.get(_normal_value(value))
                if entry is not None:
                    problems.append(f"{where}: argument value {value!r} is a BFCL possible answer ({entry})")
        for where, name in _sample_tool_names(sample):
            hit = self.bfcl_name(name)
            if hit is not None:
                problems.append(f"{where}: offers tool {name!r}, a BFCL function name ({hit!r})")
        return problems


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _sample_texts(sample: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for i, message in enumerate(sample.get("messages") or []):
        if isinstance(message, dict) and message.get("role") in ("user", "assistant"):
            text = _text_of(message.get("content"))
            if text.strip():
                yield f"messages[{i}]", text


def _arguments(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _call_parts(call: Any) -> tuple[str, Any] | None:
    if not isinstance(call, dict):
        return None
    inner = call.get("function") if isinstance(call.get("function"), dict) else call
    if isinstance(inner.get("name"), str):
        return inner["name"], _arguments(inner.get("arguments", {}))
    if len(call) == 1:  # BFCL style {name: {arg: value}}
        name, args = next(iter(call.items()))
        if isinstance(name, str):
            return name, args
    return None


def _sample_calls(sample: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    for i, message in enumerate(sample.get("messages") or []):
        for j, call in enumerate((message or {}).get("tool_calls") or [] if isinstance(message, dict) else []):
            parts = _call_parts(call)
            if parts:
                yield f"messages[{i}].tool_calls[{j}]", *parts
    gold = sample.get("gold_calls") or []
    flat = [c for turn in gold for c in (turn if isinstance(turn, list) else [turn])]
    for j, call in enumerate(flat):
        parts = _call_parts(call)
        if parts:
            yield f"gold_calls[{j}]", *parts


def _sample_tool_names(sample: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for i, tool in enumerate(sample.get("tools") or []):
        if isinstance(tool, dict):
            inner = tool.get("function") if isinstance(tool.get("function"), dict) else tool
            if isinstance(inner.get("name"), str):
                yield f"tools[{i}]", inner["name"]


@lru_cache(maxsize=4)
def _cached_names(data_dir: str) -> frozenset[str]:
    return ContaminationGuard.from_bfcl(data_dir).bfcl_names


def bfcl_function_names(data_dir: Path | str | None = None) -> frozenset[str]:
    """All BFCL function names and their last dotted components (from the cached index)."""
    return _cached_names(str(Path(data_dir) if data_dir is not None else default_data_dir()))


@lru_cache(maxsize=1)
def default_guard() -> ContaminationGuard:
    """One guard per process, over the installed BFCL data."""
    return ContaminationGuard.from_bfcl()
