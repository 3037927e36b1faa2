"""What a text *states*, after normalisation: its words, its numbers (digits, number words,
thousands separators, percentages, unit conversions) and its dates (ISO, written-out, numeric,
and relative ones anchored by a "today is ..." statement in the same conversation).

Grounding asks whether a gold value is among these. The rules are deliberately generous about
*form* (case, separators, "five" for 5, "March 5, 2024" for 2024-03-05, "25,000 metres" for
25 km) and strict about *content*: a value nobody stated is not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

_WORD = re.compile(r"[^\W_]+")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = {m: i + 1 for i, m in enumerate("january february march april may june july august september october "
                                          "november december".split())}  # fmt: skip
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MONTH_FIRST = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_ANCHOR = re.compile(r"today is (?:\w+,?\s+)?(\d{4}-\d{2}-\d{2})", re.I)
_NUMBER = re.compile(r"(?<![\w.])([-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)", re.I)
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_SMALL)} | _TENS | {"a dozen": 12, "dozen": 12}

# Unit families: a number stated in one unit also states the same quantity in its siblings.
_UNITS: dict[str, tuple[str, float]] = {}
for _family, _table in {
    "length": {"mm": 0.001, "millimetre": 0.001, "millimeter": 0.001, "cm": 0.01, "centimetre": 0.01,
               "centimeter": 0.01, "m": 1.0, "metre": 1.0, "meter": 1.0, "km": 1000.0, "kilometre": 1000.0,
               "kilometer": 1000.0, "mi": 1609.344, "mile": 1609.344},
    "mass": {"mg": 0.001, "g": 1.0, "gram": 1.0, "gramme": 1.0, "kg": 1000.0, "kilogram": 1000.0, "kilo": 1000.0,
             "t": 1e6, "tonne": 1e6, "lb": 453.59237, "pound": 453.59237},
    "time": {"ms": 0.001, "millisecond": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0, "minute": 60.0,
             "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "day": 86400.0, "week": 604800.0},
    "volume": {"ml": 0.001, "millilitre": 0.001, "milliliter": 0.001, "l": 1.0, "litre": 1.0, "liter": 1.0},
    "data": {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12},
}.items():  # fmt: skip
    for _name, _factor in _table.items():
        _UNITS[_name] = (_family, _factor)
_UNIT_AFTER = re.compile(r"\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?:e?s)?\b", re.I)


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: case, punctuation, ``_`` and spaces do not matter."""
    return _WORD.findall(text.lower())


def phrase(values: list[str]) -> str:
    return " " + " ".join(values) + " "


@dataclass
class Statements:
    """Everything a set of texts states, accumulated in conversation order."""

    text: str = " "  # the words of every text, joined by spaces, padded (substring = contiguous words)
    numbers: set[float] = field(default_factory=set)
    dates: set[date] = field(default_factory=set)
    relative: list[tuple[str, int | None]] = field(default_factory=list)  # unresolved until an anchor is known
    anchors: set[date] = field(default_factory=set)
    raw: list[str] = field(default_factory=list)

    def add(self, raw: str) -> None:
        self.raw.append(raw)
        self.text += " ".join(words(raw)) + " "
        self.numbers |= numbers_in(raw)
        self.dates |= dates_in(raw)
        self.anchors |= {d for d in (_iso(m) for m in _ANCHOR.findall(raw)) if d}
        self.relative += relative_mentions(raw)

    def has_words(self, value: str) -> bool:
        found = words(value)
        return bool(found) and phrase(found) in self.text

    def has_verbatim(self, value: str) -> bool:
        return any(value in text for text in self.raw)

    def has_number(self, value: float) -> bool:
        return any(_close(value, n) for n in self.numbers)

    def has_date(self, value: date) -> bool:
        if value in self.dates:
            return True
        return any(resolve(kind, amount, anchor) == value for anchor in self.anchors for kind, amount in self.relative)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def numbers_in(text: str) -> set[float]:
    """Numbers a text states, in every unit of the family it states them in."""
    found: set[float] = set()
    lowered = text.lower()
    stripped = _ISO_DATE.sub(" ", lowered)  # "2025-09-10" is a date, not 2025, -9 and -10
    for match in _NUMBER.finditer(stripped):
        try:
            value = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        found.add(value)
        found.add(abs(value))
        tail = stripped[match.end():match.end() + 16]
        if tail.startswith("%") or tail.lstrip().startswith("percent"):
            found.add(value / 100)
        found |= _conversions(value, tail)
    for value, tail in _number_words(lowered):
        found.add(float(value))
        found |= _conversions(float(value), tail)
    return found


def _conversions(value: float, tail: str) -> set[float]:
    unit = _UNIT_AFTER.match(tail)
    if not unit:
        return set()
    name = unit.group(1).lower()
    family, factor = _UNITS.get(name, _UNITS.get(name.rstrip("s"), ("", 0.0)))
    if not family:
        return set()
    base = value * factor
    return {round(base / other, 9) for fam, other in _UNITS.values() if fam == family}


def _number_words(text: str) -> list[tuple[int, str]]:
    """("twenty-five", "three hundred") style numbers with the text that follows them."""
    out: list[tuple[int, str]] = []
    tokens = list(re.finditer(r"[a-z]+", text))
    i = 0
    while i < len(tokens):
        total, current, j, seen = 0, 0, i, False
        while j < len(tokens):
            word = tokens[j].group(0)
            if word in _WORD_VALUES:
                current += _WORD_VALUES[word]
            elif word in _SCALES and seen:
                current = max(current, 1) * _SCALES[word]
                if _SCALES[word] >= 1000:
                    total, current = total + current, 0
            elif word == "and" and seen and j + 1 < len(tokens) and tokens[j + 1].group(0) in _WORD_VALUES:
                pass
            else:
                break
            seen = True
            j += 1
        if seen:
            out.append((total + current, text[tokens[j - 1].end():tokens[j - 1].end() + 16]))
            i = j
        else:
            i += 1
    return out


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dates_in(text: str) -> set[date]:
    found: set[date | None] = set()
    found |= {_safe_date(int(y), int(m), int(d)) for y, m, d in _ISO_DATE.findall(text)}
    for month, day, year in _MONTH_FIRST.findall(text):
        found.add(_safe_date(int(year), _MONTHS[month.lower().rstrip(".")], int(day)))
    for day, month, year in _DAY_FIRST.findall(text):
        found.add(_safe_date(int(year), _MONTHS[month.lower().rstrip(".")], int(day)))
    for a, b, year in _NUMERIC.findall(text):  # 03/05/2024: both readings, the text does not say which
        found.add(_safe_date(int(year), int(a), int(b)))
        found.add(_safe_date(int(year), int(b), int(a)))
    return {d for d in found if d is not None}


_RELATIVE = re.compile(r"\b(today|tomorrow|yesterday|day after tomorrow|in (\d+|\w+) days?|(\d+|\w+) days? ago|"
                       r"(?:next|this|coming) (" + "|".join(_WEEKDAYS) + r")|in (\d+|\w+) weeks?)\b", re.I)  # fmt: skip


def relative_mentions(text: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for match in _RELATIVE.finditer(text):
        whole = match.group(1).lower()
        if whole in ("today", "tomorrow", "yesterday", "day after tomorrow"):
            out.append((whole, None))
        elif whole.startswith("in ") and "week" in whole:
            out.append(("days", 7 * _count(match.group(5))))
        elif whole.startswith("in "):
            out.append(("days", _count(match.group(2))))
        elif whole.endswith("ago"):
            out.append(("days", -_count(match.group(3))))
        else:
            out.append(("weekday", _WEEKDAYS.index(match.group(4).lower())))
    return [(k, a) for k, a in out if a is None or a != 0 or k == "weekday"]


def _count(text: str) -> int:
    text = text.lower()
    if text.isdigit():
        return int(text)
    return _WORD_VALUES.get(text, 0)


def resolve(kind: str, amount: int | None, anchor: date) -> date:
    if kind == "today":
        return anchor
    if kind == "tomorrow":
        return anchor + timedelta(days=1)
    if kind == "yesterday":
        return anchor - timedelta(days=1)
    if kind == "day after tomorrow":
        return anchor + timedelta(days=2)
    if kind == "days":
        return anchor + timedelta(days=amount or 0)
    ahead = ((amount or 0) - anchor.weekday()) % 7 or 7  # "next Friday": the coming one, never today
    return anchor + timedelta(days=ahead)
