"""The three role-play agents and the model protocol they share.

* :class:`UserSimulator` writes the user's turns: a request that mentions every value the gold
  call needs (many phrasings, indirect mentions, units and formats), clarifications on demand,
  and off-topic requests for abstention samples.
* :class:`Assistant` produces the assistant's steps. The gold calls are known by construction;
  with a model backend it asks the model and keeps the model's calls only where the BFCL checker
  accepts them against the gold (rejection sampling), so a model can add natural variety without
  ever adding a wrong label.
* :class:`ServerAgent` executes calls through the tool server, in-process or over real MCP.

Each can be backed by any object with ``generate(list[ChatRequest]) -> list[Completion]``
(:class:`TextGenerator`); synth never imports the harness, so the request/completion records
are mirrored here with the harness backends' field names and the harness adapts them.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, Sequence, runtime_checkable

from bfcl_adapter.types import Call

from .server.values import anchor_date, tokens

if TYPE_CHECKING:
    from .recipes import Intent, Style
    from .server import ToolResult, ToolServer
    from .server.client import MCPToolClient


# --- the model protocol --------------------------------------------------------------------------


@dataclass
class ChatRequest:
    """Same fields as ``harness.backends.base.ChatRequest``."""

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    max_new_tokens: int = 256
    temperature: float = 0.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    id: str = ""


@dataclass
class Completion:
    """Same fields as ``harness.backends.base.Completion`` (the ones synth reads)."""

    text: str
    tool_calls: list[dict[str, Any]] | None = None
    finish_reason: str = "stop"
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class TextGenerator(Protocol):
    def generate(self, requests: Sequence[Any]) -> Sequence[Any]: ...


# --- wording helpers -----------------------------------------------------------------------------

_VERBS = frozenset("""get find list create add remove delete update send book convert calculate compute check
search look report return fetch set schedule cancel move rename copy read write show translate estimate
compare generate count reverse transfer deposit withdraw pay open close subscribe track play start stop reserve
register upload download post share apply submit validate verify format parse encode decode hash summarize
analyze predict recommend rate order buy sell plan draft retrieve lookup locate measure determine solve round
split join replace trim extract detect classify mark archive restore tag invite reply forward mute block
follow unfollow like save load export import sort filter merge resize crop scan print ping restart deploy
build run test lint install notify remind assign approve reject enroll grade quote ship dispatch route
raise lower increase decrease toggle enable disable put change unlock lock tell give make take turn
suggest pick choose draw flip roll simulate score rank list log record note store fill clear empty reset
describe explain define spell pronounce capitalize slugify strip pad wrap count tally total sum average
multiply divide subtract factor factorize evaluate integrate differentiate normalize standardize scale
shift offset add list preview render compile package publish release tag revert bump diff grep watch
notify pause resume skip queue shuffle rewind mute unmute dim brighten heat cool lock arm disarm water
feed walk cook bake prepare reheat recommend pair match swap exchange refund return cancel renew extend
upgrade downgrade activate deactivate verify confirm accept decline respond rsvp attend host join leave
greet welcome onboard offboard hire fire promote review rate comment vote poll survey ask answer quiz""".split())  # fmt: skip
_NOT_AFTER_VERB = frozenset("the a an all any one two your my it them up out each every some this that these "
                            "those new several".split())  # fmt: skip
_OPENERS = ("Can you", "Could you", "Please", "I need to", "I'd like to", "Help me", "Would you", "",
            "Hey, can you", "Quick one: can you", "I want to", "Go ahead and", "Can I get you to")  # fmt: skip
_PAIR_TEMPLATES = ("{label} {value}", "with {label} {value}", "with the {label} set to {value}",
                   "{label}: {value}", "using {value} as the {label}", "where the {label} is {value}",
                   "and {label} {value}", "({label} = {value})")  # fmt: skip
_TRUE = ("with {label} turned on", "{label}: yes", "and make sure {label} is enabled", "with {label} set to true",
         "and {label} please")  # fmt: skip
_FALSE = ("with {label} turned off", "{label}: no", "without {label}", "with {label} set to false",
          "and leave {label} disabled")  # fmt: skip
_JOINERS = (" Also, ", " And then ", " Additionally, ", " Plus, ", " After that, ", " Separately, ")
_AGAIN = ("and again with", "then do the same with", "and one more time with", "and also with", "plus another with")
_VARYING = ("for {label} {values}", "once each for {label} {values}", "for each of these {label} values: {values}",
            "separately for {label} {values}", "for {values} as the {label}")  # fmt: skip
_VARYING_SECOND = ("{label} {values}", "{values} as the {label}", "the {label} {values}")
_EACH = ("each with", "and for each of those", "each of them with", "every one of them with")
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_UNIT_SUFFIX = {"km": "km", "kg": "kg", "m": "m", "cm": "cm", "mm": "mm", "minutes": "minutes", "min": "minutes",
                "hours": "hours", "days": "days", "pct": "%", "percent": "%", "usd": "USD", "eur": "EUR",
                "c": "°C", "f": "°F", "s": "seconds", "seconds": "seconds", "ms": "ms", "mb": "MB", "gb": "GB",
                "m2": "square metres", "kwh": "kWh", "mph": "mph", "kmh": "km/h", "g": "g", "ml": "ml", "l": "litres"}  # fmt: skip
_FILLERS = ("hey", "hi there", "ok so", "quick question", "pls", "thx", "btw", "hmm", "um")
_CONTEXT = ("I'm sorting things out before the weekend.", "My manager asked me for this.",
            "This is for a side project.", "I tried doing it by hand but gave up.",
            "No rush, but today would be great.", "It's for a report due tomorrow.")  # fmt: skip
_OFF_TOPIC = ("What's a good name for a golden retriever puppy?", "Write a haiku about autumn rain.",
              "Who painted the Girl with a Pearl Earring?", "Explain photosynthesis to a ten-year-old.",
              "What's the difference between a crocodile and an alligator?", "Tell me a joke about accountants.",
              "How do I say 'good morning' in Finnish?", "Why is the sky blue?",
              "Summarize the plot of Moby-Dick in two sentences.", "What rhymes with orange?",
              "Is it rude to recline your seat on a plane?", "How many bones are in the human hand?")  # fmt: skip


def humanize(name: str) -> str:
    return " ".join(tokens(name)) or name


def action_phrase(description: str) -> str:
    """``"Returns the hourly outlook for a place."`` -> ``"return the hourly outlook for a place"``.

    Imperative descriptions are used as they are; third-person ones lose their ``s``; adverb +
    verb ("Temporarily lock ...") stays; anything else reads as a noun phrase: "get the ...".
    """
    first = re.split(r"(?<=[.!?;])\s", description.strip(), maxsplit=1)[0].rstrip(".!?; ")
    first = re.split(r",? \(?(?:e\.g|i\.e)\b", first.split(" - ")[0].split("; ")[0])[0].rstrip(",. ")
    if not first:
        return "use this tool"
    words = first.split()
    head = words[0].lower().strip(",;:")
    second = words[1].lower().strip(",;:") if len(words) > 1 else ""
    if head in ("whether", "if"):
        return "check " + first[0].lower() + first[1:]
    base = head
    if head.endswith("ies") and head[:-3] + "y" in _VERBS:
        base = head[:-3] + "y"
    elif head.endswith("es") and head[:-2] in _VERBS:
        base = head[:-2]
    elif head.endswith("s") and head[:-1] in _VERBS:
        base = head[:-1]
    verb_like = base in _VERBS or second in _NOT_AFTER_VERB and not head.endswith(("ed", "al", "ic", "ous"))
    if head.endswith("ly") and second in _VERBS:
        verb_like = True
    if verb_like:
        return " ".join([base + words[0][len(head):] if words[0].lower().startswith(head) else base] + words[1:])
    return "get the " + first[0].lower() + first[1:]


_LOOK_UP = frozenset("get fetch retrieve calculate compute estimate find list return look determine".split())
_ASKING = ("What is {thing}", "What's {thing}", "Tell me {thing}", "I'd like to know {thing}",
           "Do you know {thing}")  # fmt: skip
QUESTION_SHARE = 0.5  # look-up requests asked as questions, as BFCL's often are


def question_form(action: str, rng: random.Random) -> str | None:
    """A look-up action asked as a question, or None for actions that change something.

    Abstention samples are asked as questions ("Why is the sky blue?") while requests for a call were
    all imperative, so a model could learn "a question: refuse"; asking look-ups as questions breaks
    that link.

    >>> question_form("get the hourly outlook for a place", random.Random(1))
    "What's the hourly outlook for a place"
    >>> question_form("calculate the monthly payment of a loan", random.Random(2))
    'What is the monthly payment of a loan'
    >>> question_form("find hotels near a place", random.Random(2))
    'What are the hotels near a place'
    >>> question_form("cancel an order", random.Random(0)) is None
    True
    """
    words = action.split()
    if len(words) < 3 or words[0].lower() not in _LOOK_UP:
        return None
    rest = words[2:] if words[0].lower() == "look" and words[1] == "up" else words[1:]
    if rest[0].lower() in _NOT_AFTER_VERB - {"the", "a", "an", "new"}:
        return None  # "the all matches", "the it"
    if rest[0].lower() not in ("the", "a", "an"):
        rest = ["the", *rest]
    thing = " ".join(rest)
    template = rng.choice(_ASKING)
    if template.startswith("What") and rest[1].endswith("s") and not rest[1].endswith("ss"):
        template = "What are {thing}"
    return template.format(thing=thing)


def param_label(name: str, schema: dict[str, Any], rng: random.Random | None = None) -> str:
    """How the user names a parameter: its description when that is a short noun phrase
    (sometimes, when ``rng`` is given), else its name in words (unit suffix dropped)."""
    desc = str(schema.get("description", "")).strip().rstrip(".")
    usable = 3 <= len(desc) <= 32 and _noun_phrase(desc)
    if usable and (rng is None or rng.random() < 0.5):
        return desc[0].lower() + desc[1:]
    toks = tokens(name)
    if len(toks) > 1 and toks[-1] in _UNIT_SUFFIX:
        toks = toks[:-1]
    return " ".join(toks) or name


def _noun_phrase(desc: str) -> bool:
    # A description is a usable label when it reads as a short noun phrase, not a sentence.
    if re.search(r"[(),:;/\d]|e\.g|i\.e", desc):
        return False
    return not re.search(r"\b(is|are|the function|if|when|must|should|or|as|to)\b", desc.lower())


def _unit_of(name: str) -> str | None:
    toks = tokens(name)
    return _UNIT_SUFFIX.get(toks[-1]) if len(toks) > 1 else None


def _number_text(value: float, rng: random.Random, style: "Style", name: str) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int) and 0 <= value <= 12 and style.number_words and rng.random() < 0.5:
        return _NUMBER_WORDS[value]
    if isinstance(value, int) and abs(value) >= 10000 and rng.random() < 0.5:
        text = f"{value:,}"
    elif isinstance(value, float) and value.is_integer() and rng.random() < 0.5:
        text = str(int(value))
    else:
        text = repr(value) if isinstance(value, float) else str(value)
    unit = _unit_of(name)
    if unit and style.indirect and rng.random() < 0.4:
        converted = _in_other_unit(value, unit)
        if converted:
            return converted  # "25,000 metres" for radius_km=25: the model must convert back
    return f"{text} {unit}" if unit and style.units else text


def _in_other_unit(value: float, unit: str) -> str | None:
    def clean(x: float) -> str:
        x = round(x, 6)
        return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"

    if unit == "km" and value < 100:
        return f"{clean(value * 1000)} metres"
    if unit == "kg" and value < 5:
        return f"{clean(value * 1000)} grams"
    if unit == "m" and value < 10:
        return f"{clean(value * 100)} centimetres"
    if unit == "minutes" and value >= 60 and value % 60 == 0:
        hours = int(value // 60)
        return f"{hours} hour{'s' if hours > 1 else ''}"
    if unit == "hours" and value <= 5:
        return f"{clean(value * 60)} minutes"
    if unit == "days" and value >= 7 and value % 7 == 0:
        weeks = int(value // 7)
        return f"{weeks} week{'s' if weeks > 1 else ''}"
    if unit == "seconds" and value >= 60 and value % 60 == 0:
        return f"{clean(value / 60)} minutes"
    return None


def _date_text(value: str, rng: random.Random, style: "Style", schema: dict[str, Any]) -> tuple[str, list[Any], bool]:
    """(text, extra acceptable values, uses a relative date)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value, [], False
    delta = (day - anchor_date()).days
    if style.indirect and -1 <= delta <= 7 and rng.random() < 0.6:
        if delta == 0:
            return "today", [], True
        if delta == 1:
            return "tomorrow", [], True
        if delta == -1:
            return "yesterday", [], True
        return f"next {day.strftime('%A')}" if delta > 1 and rng.random() < 0.5 else f"in {delta} days", [], True
    strict = "YYYY" in str(schema.get("description", "")) or schema.get("format") == "date"
    if rng.random() < 0.35:
        long_form = f"{day.strftime('%B')} {day.day}, {day.year}"
        return long_form, ([] if strict else [long_form]), False
    return value, [], False


# --- the user simulator --------------------------------------------------------------------------


@dataclass
class Utterance:
    """A user message plus what the checker should also accept because of how it was worded."""

    text: str
    alternatives: dict[int, dict[str, list[Any]]] = field(default_factory=dict)  # intent index -> param -> values


class UserSimulator:
    """Writes user turns from intents. Programmatic by default; a model may paraphrase.

    A paraphrase is kept only when every stated value still appears verbatim in it, so the gold
    calls stay derivable from the text.
    """

    name = "programmatic"

    def __init__(self, generator: TextGenerator | None = None) -> None:
        self.generator = generator
        if generator is not None:
            self.name = "llm"

    # -- requests --
    def request(self, intents: Sequence["Intent"], style: "Style", rng: random.Random) -> Utterance:
        parts: list[str] = []
        alternatives: dict[int, dict[str, list[Any]]] = {}
        relative = False
        previous: "Intent | None" = None
        compact: dict[int, tuple[int, list[str]]] = {}  # a run of one tool said in one sentence: start -> end
        for start, end in _same_tool_runs(intents):
            varying = varying_arguments(intents[start:end])
            if varying and rng.random() < 0.85:
                compact[start] = (end, varying)
        index = 0
        while index < len(intents):
            intent = intents[index]
            if index in compact:
                end, varying = compact[index]
                sentence, alts_by_row, rel = self._compact(intents[index:end], varying, style, rng, first=index == 0)
                relative |= rel
                alternatives.update({index + row: alts for row, alts in alts_by_row.items()})
                self._add_sentence(parts, sentence, index, rng)
                previous, index = intents[end - 1], end
                continue
            same_tool = previous is not None and previous.tool.name == intent.tool.name
            pairs, alts, rel = self._mentions(intent, style, rng)
            relative |= rel
            if alts:
                alternatives[index] = alts
            if same_tool:
                joined = self._join(pairs, rng)
                if joined.startswith("with "):  # "and again with with ..." otherwise
                    joined = joined[5:]
                parts.append(f"{rng.choice(_AGAIN)} {joined}")
            else:
                self._add_sentence(parts, self._sentence(intent, pairs, style, rng, first=index == 0), index, rng)
            previous = intent
            index += 1
        text = self._assemble(parts, rng)
        if relative:
            today = anchor_date()
            text += f" (Today is {today.strftime('%A')}, {today.isoformat()}.)"
        if style.verbose and rng.random() < 0.7:
            text = rng.choice(_CONTEXT) + " " + text
        if style.messy:
            text = messy(text, rng, protect=_protected(intents))
        text = self._paraphrase(text, intents, rng)
        return Utterance(text, alternatives)

    @staticmethod
    def _add_sentence(parts: list[str], sentence: str, index: int, rng: random.Random) -> None:
        if index and parts and not parts[-1].rstrip().endswith((".", "?", "!")):
            parts[-1] = parts[-1].rstrip() + "."  # "... defective. Separately, ..."
        parts.append(sentence if index == 0 else rng.choice(_JOINERS).strip() + " " + sentence)

    def _compact(self, intents: Sequence["Intent"], varying: list[str], style: "Style", rng: random.Random,
                 first: bool = True) -> tuple[str, dict[int, dict[str, list[Any]]], bool]:  # fmt: skip
        """One sentence for calls of one tool that differ only in ``varying``: shared values once, the
        varying ones listed ("... for the cities Oslo, Lima and Pune", "... for A and B, each with X and Y")."""
        props = intents[0].tool.parameters.get("properties", {})
        shared = replace(intents[0], arguments={k: v for k, v in intents[0].arguments.items() if k not in varying})
        pairs, shared_alts, relative = self._mentions(shared, style, rng)
        alternatives: dict[int, dict[str, list[Any]]] = {}
        lists: list[str] = []
        for name in varying:
            values = list(dict.fromkeys(json.dumps(i.arguments[name], default=str) for i in intents))
            spoken: list[str] = []
            for raw in values:
                value = json.loads(raw)
                text, alts, rel = self.say(name, props.get(name, {}), value, rng, style)
                relative |= rel
                spoken.append(text)
                for index, intent in enumerate(intents):
                    if alts and intent.arguments[name] == value:
                        alternatives.setdefault(index, {})[name] = alts
            listed = ", ".join(spoken[:-1]) + " and " + spoken[-1]
            label = param_label(name, props.get(name, {}), rng)
            templates = _VARYING if not lists else _VARYING_SECOND
            lists.append(rng.choice(templates).format(label=label, values=listed))
        for index in range(len(intents)):
            for name, alts in shared_alts.items():
                alternatives.setdefault(index, {})[name] = alts
        varied = lists[0] if len(lists) == 1 else f"{lists[0]}, {rng.choice(_EACH)} {lists[1]}"
        intent_text = self._sentence(intents[0], pairs, style, rng, first=first)
        return f"{intent_text} {varied}".strip(), alternatives, relative

    def _sentence(self, intent: "Intent", pairs: list[str], style: "Style", rng: random.Random, first: bool) -> str:
        opener = rng.choice(_OPENERS) if first else ""
        action = intent.action or action_phrase(intent.tool.description)
        asked = question_form(action, rng) if first and rng.random() < QUESTION_SHARE else None
        if asked:
            opener, action = "", asked
        body = f"{action} {self._join(pairs, rng)}".strip() if pairs else action
        if not opener:
            return body[0].upper() + body[1:] if first else body
        return f"{opener} {body}"

    def _assemble(self, parts: list[str], rng: random.Random) -> str:
        text = " ".join(p.strip() for p in parts)
        text = re.sub(r"\s+", " ", text).strip()
        ends_question = text.split(" ", 1)[0] in ("Can", "Could", "Would", "Hey,", "Quick", "What", "What's")
        ends_question |= text.startswith("Do you")
        return text.rstrip(".") + ("?" if ends_question else rng.choice((".", ".", "!", "")))

    @staticmethod
    def _join(pairs: list[str], rng: random.Random) -> str:
        if len(pairs) <= 1:
            return "".join(pairs)
        pairs = [pairs[0]] + [p[4:] if p.startswith("and ") else p for p in pairs[1:]]  # no "and and"
        if rng.random() < 0.5:
            return ", ".join(pairs[:-1]) + " and " + pairs[-1]
        return ", ".join(pairs)

    def _mentions(self, intent: "Intent", style: "Style", rng: random.Random) -> tuple[list[str], dict[str, list[Any]], bool]:
        props = intent.tool.parameters.get("properties", {})
        names = [n for n in intent.arguments if n not in intent.withheld]
        if rng.random() < 0.4:
            rng.shuffle(names)
        pairs: list[str] = []
        alternatives: dict[str, list[Any]] = {}
        relative = False
        bare = _bare_candidate(intent, names, rng)
        for name in names:
            schema = props.get(name, {})
            if name == bare:
                # Said without its label ("the price of 'Starry Night'"): which parameter it fills is
                # read from the tool, as in BFCL's questions. Only for a value whose kind no other
                # stated value shares, so the call stays unambiguous.
                text, alts, rel = self.say(name, schema, intent.arguments[name], rng, style)
                relative |= rel
                if alts:
                    alternatives[name] = alts
                pairs.insert(0, rng.choice(_bare_templates(name)).format(value=text))
                continue
            label = param_label(name, schema, rng)
            if name in intent.references:
                pairs.append(rng.choice(("for {r}", "using {r}", "with {r}")).format(r=intent.references[name]))
                continue
            value = intent.arguments[name]
            if name in intent.spoken:  # recipe-provided surface form (Java/JS source, identifiers)
                pairs.append(rng.choice(_PAIR_TEMPLATES).format(label=label, value=intent.spoken[name]))
                continue
            if isinstance(value, bool):
                pairs.append(rng.choice(_TRUE if value else _FALSE).format(label=label))
                continue
            text, alts, rel = self.say(name, schema, value, rng, style)
            relative |= rel
            if alts:
                alternatives[name] = alts
            pairs.append(rng.choice(_PAIR_TEMPLATES).format(label=label, value=text))
        return pairs, alternatives, relative

    def say(self, name: str, schema: dict[str, Any], value: Any, rng: random.Random,
            style: "Style") -> tuple[str, list[Any], bool]:  # fmt: skip
        """How one value is written in the request, plus extra acceptable values."""
        if isinstance(value, bool):
            return ("yes" if value else "no"), [], False
        if isinstance(value, (int, float)):
            return _number_text(value, rng, style, name), [], False
        if isinstance(value, str):
            if schema.get("format") == "date" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return _date_text(value, rng, style, schema)
            if schema.get("enum") and "_" in value and rng.random() < 0.5:
                return value.replace("_", " "), [], False  # BFCL's normalisation equates the two
            quote = rng.random() < (0.8 if re.search(r"[\s,]", value) else 0.3)
            return (f"'{value}'" if quote and "'" not in value else value), [], False
        if isinstance(value, list):
            items = [self.say(name, schema.get("items", {}), v, rng, style)[0] for v in value]
            if rng.random() < 0.3:
                return "[" + ", ".join(items) + "]", [], False
            return (", ".join(items[:-1]) + " and " + items[-1]) if len(items) > 1 else "".join(items), [], False
        if isinstance(value, dict):
            sub = schema.get("properties", {})
            inner = [f"{humanize(k)} {self.say(k, sub.get(k, {}), v, rng, style)[0]}" for k, v in value.items()]
            return "{" + ", ".join(inner) + "}", [], False
        return json.dumps(value), [], False

    def _paraphrase(self, text: str, intents: Sequence["Intent"], rng: random.Random) -> str:
        if self.generator is None:
            return text
        request = ChatRequest(
            messages=[{"role": "system", "content": "Rewrite the user's request so it sounds natural. Keep every "
                       "name, number, date and quoted value exactly as written. Reply with the request only."},
                      {"role": "user", "content": text}],
            max_new_tokens=200, temperature=0.7, seed=rng.randrange(2**31), id="user:paraphrase",
        )  # fmt: skip
        try:
            candidate = str(self.generator.generate([request])[0].text).strip()
        except Exception:
            return text
        needed = _protected(intents)
        return candidate if candidate and all(v in candidate for v in needed) else text

    # -- other user turns --
    def off_topic(self, rng: random.Random) -> str:
        return rng.choice(_OFF_TOPIC)

    def supply(self, intent: "Intent", name: str, rng: random.Random, style: "Style") -> Utterance:
        """The answer to "which X?": states the withheld value."""
        schema = intent.tool.parameters.get("properties", {}).get(name, {})
        value = intent.arguments[name]
        if name in intent.spoken:
            text, alts = intent.spoken[name], []
        elif isinstance(value, bool):
            text, alts = ("yes" if value else "no"), []
        else:
            text, alts, _ = self.say(name, schema, value, rng, style.plain())
        template = rng.choice(("Oh right, the {label} is {value}.", "Use {value}.", "{value}, sorry.",
                               "It should be {value}.", "The {label} is {value}.", "Sorry - {value}."))  # fmt: skip
        return Utterance(template.format(label=param_label(name, schema), value=text), {0: {name: alts}} if alts else {})

    def holdout_notice(self, docs: list[dict[str, Any]]) -> str:
        """BFCL's own wording when a missing function is added (prompting-mode variant)."""
        return f"{docs}\nI have updated some more functions you can choose from. What about now?"


_PLACE_WORDS = frozenset("location city place country region near origin destination address venue".split())


def _value_kind(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, str):
        return "date" if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:]+)?", value) else "text"
    return "number"


def _bare_candidate(intent: Any, names: Sequence[str], rng: random.Random, share: float = 0.5) -> str | None:
    """A stated parameter whose value may be said without its label (its kind is unique), or None."""
    kinds = {n: _value_kind(intent.arguments[n]) for n in names
             if n not in intent.references and n not in intent.spoken}  # fmt: skip
    unique = [n for n, k in kinds.items() if k and sum(1 for other in kinds.values() if other == k) == 1]
    if len(names) < 2 or not unique or rng.random() >= share:
        return None
    return rng.choice(unique)


def _bare_templates(name: str) -> tuple[str, ...]:
    words = set(tokens(name))
    if words & _PLACE_WORDS:
        return ("in {value}", "for {value}")
    if words & {"date", "day", "when"}:
        return ("on {value}", "for {value}")
    return ("for {value}", "{value}", "of {value}")


def _same_tool_runs(intents: Sequence["Intent"]) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive intents that call the same tool."""
    runs: list[tuple[int, int]] = []
    for index, intent in enumerate(intents):
        if runs and intents[runs[-1][0]].tool.name == intent.tool.name:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


def varying_arguments(intents: Sequence["Intent"]) -> list[str]:
    """The one or two arguments in which calls of one tool differ, when the calls are exactly every
    combination of those arguments' values (everything else equal); else []."""
    if len(intents) < 2 or len({i.tool.name for i in intents}) > 1:
        return []
    first = intents[0]
    if any(set(i.arguments) != set(first.arguments) or i.withheld or i.references or i.spoken for i in intents):
        return []
    key = lambda v: json.dumps(v, sort_keys=True, default=str)  # noqa: E731
    names = [n for n in first.arguments if len({key(i.arguments[n]) for i in intents}) > 1]
    if not 1 <= len(names) <= 2 or any(isinstance(first.arguments[n], (bool, dict, list)) for n in names):
        return []
    columns = [{key(i.arguments[n]) for i in intents} for n in names]
    combos = {tuple(key(i.arguments[n]) for n in names) for i in intents}
    expected = len(columns[0]) * (len(columns[1]) if len(columns) == 2 else 1)
    return names if len(combos) == len(intents) == expected else []


def _protected(intents: Sequence["Intent"]) -> list[str]:
    """Surface strings that noise and paraphrases must keep intact."""
    out: list[str] = []
    for intent in intents:
        for name, value in intent.arguments.items():
            if name in intent.withheld or name in intent.references:
                continue
            if name in intent.spoken:
                out.append(intent.spoken[name])
            elif isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                out.append(value.replace("_", " ") if "_" in value else value)
    return [v for v in out if v]


def messy(text: str, rng: random.Random, protect: Sequence[str] = ()) -> str:
    """Live-style noise (lower case, fillers, dropped punctuation, a typo) outside protected values."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for value in protect:
        start = lowered.find(value.lower())
        while start != -1:
            spans.append((start, start + len(value)))
            start = lowered.find(value.lower(), start + 1)
    chars = list(text)
    safe = [not any(a <= i < b for a, b in spans) for i in range(len(chars))]
    if rng.random() < 0.6:
        chars = [c.lower() if ok else c for c, ok in zip(chars, safe)]
    word_starts = [i for i in range(1, len(chars) - 3) if safe[i] and safe[i + 1] and chars[i].isalpha()
                   and chars[i + 1].isalpha() and chars[i - 1] == " "]  # fmt: skip
    if word_starts and rng.random() < 0.5:
        i = rng.choice(word_starts)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    out = "".join(chars)
    if out.endswith(("?", ".", "!")) and rng.random() < 0.5:
        out = out[:-1]
    if rng.random() < 0.5:
        out = f"{rng.choice(_FILLERS)} {out}" if rng.random() < 0.5 else f"{out} {rng.choice(_FILLERS)}"
    return out


# --- the assistant -------------------------------------------------------------------------------


@dataclass
class Step:
    """One assistant message: calls (possibly none) or text."""

    calls: list[Call]
    text: str = ""
    source: str = "gold"  # gold | model


class Assistant:
    """Gold by construction; a model's calls replace the gold only when the checker accepts them.

    ``mode`` is how the model is asked: ``"fc"`` (trl messages + ``tools=``) or ``"prompting"``
    (BFCL's system prompt); by default the generator's own ``mode`` attribute, else ``"fc"``.
    """

    def __init__(self, generator: TextGenerator | None = None, *, max_new_tokens: int = 256,
                 mode: str | None = None) -> None:  # fmt: skip
        self.generator = generator
        self.mode = mode or str(getattr(generator, "mode", "fc"))
        self.name = "llm+gold" if generator is not None else "gold"
        self.max_new_tokens = max_new_tokens
        self.accepted = 0
        self.rejected = 0

    def call_step(self, gold: list[Call], messages: list[dict[str, Any]], tools: list[dict[str, Any]],
                  accept: Any, rng: random.Random) -> Step:  # fmt: skip
        """``accept(calls) -> bool`` is the checker against this step's possible answer."""
        if self.generator is None:
            return Step(gold)
        request = ChatRequest(messages=messages, tools=tools, max_new_tokens=self.max_new_tokens,
                              temperature=0.7, seed=rng.randrange(2**31), id="assistant")  # fmt: skip
        try:
            completion = self.generator.generate([request])[0]
            calls = decode_completion(completion)
        except Exception:
            calls = None
        if calls and accept(calls):
            self.accepted += 1
            return Step(calls, source="model")
        self.rejected += 1
        return Step(gold)

    # -- texts (programmatic: the wording varies, the content is fixed by the role play) --
    def summary(self, results: Sequence[tuple[Call, "ToolResult"]], rng: random.Random) -> str:
        lines = []
        for call, result in results:
            if result.is_error:
                lines.append(f"{call.name} failed: {str(result.content).removeprefix('error: ')}")
            else:
                lines.append(f"{call.name}: {_brief(result.content)}")
        if any(result.is_error for _, result in results):
            head = rng.choice(("I ran into a problem.", "Not everything worked.", "Here's what happened."))
        else:
            head = rng.choice(("Done.", "Here's what I found.", "All set.", "Here you go.", "Finished."))
        if len(lines) == 1:
            return f"{head} {lines[0]}"
        return head + "\n" + "\n".join(f"- {line}" for line in lines)

    def abstain(self, reason: str, rng: random.Random) -> str:
        lead = rng.choice(("I can't do that with the functions I have:", "None of the available functions fit:",
                           "Sorry, I'm unable to help with that here:", "That isn't possible with these tools:"))  # fmt: skip
        return f"{lead} {reason}"

    def ask(self, label: str, rng: random.Random) -> str:
        return rng.choice((f"Sure - which {label} should I use?", f"I can do that, but I need the {label} first.",
                           f"What {label} would you like?", f"Could you tell me the {label}?"))  # fmt: skip


def _brief(content: Any, limit: int = 160) -> str:
    if isinstance(content, dict):
        scalars = [f"{k}={v}" for k, v in content.items() if not isinstance(v, (dict, list))][:4]
        nested = [f"{len(v)} {k}" for k, v in content.items() if isinstance(v, list)][:2]
        text = ", ".join(scalars + nested) or json.dumps(content, ensure_ascii=False)
    else:
        text = json.dumps(content, ensure_ascii=False) if not isinstance(content, str) else content
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decode_completion(completion: Any) -> list[Call]:
    """Calls from a completion: native tool calls, then ``<tool_call>`` JSON, then a BFCL call list."""
    from bfcl_adapter.decoding import decode
    from bfcl_adapter.fc import decode_fc
    from bfcl_adapter.types import DecodeError

    native = getattr(completion, "tool_calls", None)
    if native:
        calls = []
        for item in native:
            function = item.get("function", item)
            arguments = function.get("arguments", {})
            calls.append(Call(function["name"], json.loads(arguments) if isinstance(arguments, str) else arguments))
        return calls
    text = str(getattr(completion, "text", ""))
    try:
        return decode_fc(text)
    except DecodeError:
        return decode(text)


# --- the server agent ----------------------------------------------------------------------------


class ServerAgent:
    """Executes calls: in-process (:class:`ToolServer`) or through a live MCP client session."""

    def __init__(self, server: "ToolServer", client: "MCPToolClient | None" = None) -> None:
        self.server = server
        self.client = client
        self.name = "mcp" if client is not None else "in-process"

    def execute(self, calls: Sequence[Call], session: str, initial: dict[str, Any] | None) -> list["ToolResult"]:
        results = []
        for call in calls:
            if self.client is not None:
                results.append(self.client.call(call.name, dict(call.arguments), session=session, initial=initial))
            else:
                results.append(self.server.call(call.name, dict(call.arguments), session, initial=initial))
        return results

    def close_session(self, session: str) -> None:
        self.server.reset(session)  # the remote server keeps idle sessions; they are small


MCPServerAgent = ServerAgent  # the role's name in the design

__all__ = ["Assistant", "ChatRequest", "Completion", "MCPServerAgent", "ServerAgent", "Step", "TextGenerator", "UserSimulator",
           "Utterance", "action_phrase", "decode_completion", "humanize", "messy", "param_label"]  # fmt: skip
