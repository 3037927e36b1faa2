"""Seeded value pools and schema-driven value generation.

Used twice: the MCP server's simulator fills a tool's ``returns`` schema, and the user simulator
draws the argument values a request will mention. Hypothesis strategies would give better edge
cases, but ``.example()`` is not reproducible; every draw here takes an explicit
``random.Random`` so the same seed always gives the same dataset.

A parameter's *name* picks a realistic pool (``city`` -> a city, ``order_id`` -> ``ORD-48213``),
its schema keeps the value valid (enum, format, bounds, lengths, item counts), and
:func:`draw_value` retries with plain values when a ``pattern`` rejects the realistic one.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Callable, Sequence

from .knowledge import KNOWLEDGE_POOLS

Schema = dict[str, Any]

FIRST_NAMES = (
    "Alice Bruno Chen Dalia Emeka Farah Gustavo Hana Ibrahim Jana Kofi Leilani Mateo Nadia Oskar "
    "Priya Quentin Rosa Sven Tamar Umar Valentina Wei Ximena Yusuf Zoe Amara Bilal Carmen Dmitri "
    "Elif Finn Greta Hiro Ines Jonas Kavya Lars Mina Noor Olu Paulo Rhea Sami Tomas Uma Vera"
).split()
LAST_NAMES = (
    "Okafor Lindqvist Moreau Tanaka Haddad Novak Rossi Kowalski Mensah Fernandes Iyer Schulz "
    "Brennan Castillo Nakamura Petrov Adeyemi Duarte Holm Quispe Varga Whitfield Zhou Kaur "
    "Abernathy Sato Mbeki Larsen Ortega Farouk Delgado Nyberg"
).split()
CITIES = (
    ("Lisbon", "Portugal"), ("Nairobi", "Kenya"), ("Osaka", "Japan"), ("Valparaiso", "Chile"),
    ("Krakow", "Poland"), ("Montreal", "Canada"), ("Hanoi", "Vietnam"), ("Tbilisi", "Georgia"),
    ("Bergen", "Norway"), ("Cape Town", "South Africa"), ("Medellin", "Colombia"),
    ("Porto", "Portugal"), ("Seville", "Spain"), ("Auckland", "New Zealand"), ("Ljubljana", "Slovenia"),
    ("Accra", "Ghana"), ("Chiang Mai", "Thailand"), ("Tallinn", "Estonia"), ("Cusco", "Peru"),
    ("Reykjavik", "Iceland"), ("Marrakesh", "Morocco"), ("Adelaide", "Australia"),
    ("Edinburgh", "United Kingdom"), ("Bologna", "Italy"), ("Leipzig", "Germany"),
    ("Austin", "United States"), ("Denver", "United States"), ("Pune", "India"),
    ("Busan", "South Korea"), ("Gothenburg", "Sweden"), ("Antwerp", "Belgium"), ("Quito", "Ecuador"),
)  # fmt: skip
COUNTRY_CODES = "PT KE JP CL PL CA VN GE NO ZA CO ES NZ SI GH TH EE PE IS MA AU GB IT DE US IN KR SE BE EC".split()
COMPANIES = (
    "Northwind Traders, Bluefin Analytics, Copperleaf Labs, Harbor & Pine, Quillstone Media, "
    "Vantage Robotics, Meridian Foods, Kestrel Logistics, Lumen Health, Orchard Software, "
    "Tidewater Energy, Saffron Studios, Granite Peak Bank, Cobalt Freight"
).split(", ")
PRODUCTS = (
    "wireless earbuds, espresso grinder, yoga mat, trail running shoes, desk lamp, cast iron skillet, "
    "mechanical keyboard, rain jacket, water bottle, noise cancelling headphones, standing desk, "
    "travel backpack, ceramic teapot, phone charger, wool socks, camping stove, e-reader, blender"
).split(", ")
COLORS = "red blue green black white silver navy teal amber violet charcoal olive".split()
LANGUAGES = "English Spanish French German Portuguese Japanese Korean Swahili Hindi Polish Turkish Dutch".split()
LANGUAGE_CODES = "en es fr de pt ja ko sw hi pl tr nl".split()
CURRENCIES = "USD EUR GBP JPY CAD AUD CHF INR BRL ZAR SEK NZD".split()
TIMEZONES = (
    "UTC Europe/Lisbon Europe/Berlin America/Toronto America/Denver Asia/Tokyo "
    "Africa/Nairobi Australia/Adelaide Asia/Kolkata America/Bogota"
).split()
GENRES = "jazz techno folk hip-hop classical reggae blues ambient punk bossa nova".split()
CUISINES = "Ethiopian Peruvian Georgian Thai Lebanese Korean Mexican Sicilian Vietnamese Basque".split()
TOPICS = (
    "renewable energy storage, sourdough starters, remote team onboarding, coral reef restoration, "
    "budget travel in Patagonia, beginner marathon training, urban beekeeping, quantum error "
    "correction, home composting, electric bike maintenance, sleep hygiene, indoor herb gardens"
).split(", ")
WORDS = (
    "atlas beacon cedar delta ember fjord grove harbor iris juniper kelp lagoon meadow nimbus "
    "orbit pebble quarry ridge summit tundra umber vortex willow zephyr"
).split()
SENTENCES = (
    "Please confirm the delivery window before Friday.",
    "The quarterly numbers look better than expected.",
    "Remember to bring the signed forms to the meeting.",
    "Our flight lands late, so keep the table for nine.",
    "Can we move the review to next week?",
    "The prototype passed every stress test we ran.",
    "Thanks again for hosting the workshop last month.",
    "Water the plants on the balcony twice a week.",
)
STREETS = "Maple Avenue, Harbor Road, Kingsway, Rua Augusta, Calle Mayor, Elm Street, Station Lane".split(", ")
FILE_STEMS = "report notes budget draft summary invoice roadmap minutes backlog readme photo data".split()
FILE_EXTS = "txt md csv pdf json log docx png".split()
TICKERS = "ACME NWND BLFN CPLF VNTG MRDN KSTL LUMN ORCH TDWR".split()
AIRPORTS = "LIS NBO KIX SCL KRK YUL HAN TBS BGO CPT MDE OPO SVQ AKL LJU".split()
UNITS = {
    "length": "m km cm mm mi ft in yd".split(),
    "mass": "kg g lb oz".split(),
    "temperature": "C F K".split(),
    "volume": "l ml gal".split(),
}
SNIPPETS = ("def add(a, b):\n    return a + b", "const total = items.reduce((s, x) => s + x, 0);",
            "for i in range(3): print(i)", "SELECT name FROM users WHERE active = 1;",
            "function greet(name) { return 'Hi ' + name; }", "x = [n * n for n in range(10)]")  # fmt: skip
TAGS = "travel foodie fitness startup design photography gardening books music science".split()

# Name tokens -> pool. Checked in order; the first token match wins, so specific tokens
# ("country_code", "first_name") come before generic ones ("code", "name").
_ANCHOR = date(2025, 6, 11)  # the simulated "today": a fixed date keeps datasets reproducible


def tokens(name: str) -> list[str]:
    """``fromUnit`` / ``from_unit`` -> ``["from", "unit"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [t for t in re.split(r"[_\W]+", spaced.lower()) if t]


def stable_seed(*parts: Any) -> int:
    """A process-independent seed (``hash()`` of a str changes per process)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _ident(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rng.randint(10000, 99999)}"


def _date(rng: random.Random) -> date:
    return _ANCHOR + timedelta(days=rng.randint(-400, 400))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _email(rng: random.Random) -> str:
    domain = rng.choice(("example.com", "mail.test", "corp.example.org"))
    return f"{rng.choice(FIRST_NAMES).lower()}.{rng.choice(LAST_NAMES).lower()}@{domain}"


def _filename(rng: random.Random) -> str:
    return f"{rng.choice(FILE_STEMS)}_{rng.randint(1, 40)}.{rng.choice(FILE_EXTS)}"


def _path(rng: random.Random) -> str:
    folder = rng.choice(("docs", "workbench", "archive", "photos", "reports", "tmp"))
    return f"/home/user/{folder}/{_filename(rng)}"


_STRING_POOLS: list[tuple[frozenset[str], Callable[[random.Random, list[str]], str]]] = [
    (frozenset({"email", "mail"}), lambda r, t: _email(r)),
    (frozenset({"phone", "mobile"}), lambda r, t: f"+1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}"),
    (frozenset({"url", "link", "website", "uri", "endpoint"}),
     lambda r, t: f"https://{r.choice(WORDS)}.example.com/{r.choice(WORDS)}"),
    (frozenset({"first"}), lambda r, t: r.choice(FIRST_NAMES)),
    (frozenset({"last", "surname"}), lambda r, t: r.choice(LAST_NAMES)),
    (frozenset({"username", "handle", "login"}), lambda r, t: f"{r.choice(FIRST_NAMES).lower()}{r.randint(1, 99)}"),
    (frozenset({"country"}), lambda r, t: r.choice(COUNTRY_CODES) if "code" in t else r.choice(CITIES)[1]),
    (frozenset({"city", "town", "location", "place", "destination", "origin"}), lambda r, t: r.choice(CITIES)[0]),
    (frozenset({"airport", "iata"}), lambda r, t: r.choice(AIRPORTS)),
    (frozenset({"currency"}), lambda r, t: r.choice(CURRENCIES)),
    (frozenset({"timezone", "tz", "zone"}), lambda r, t: r.choice(TIMEZONES)),
    (frozenset({"expression", "formula"}),
     lambda r, t: r.choice(("(3 + 4.5) * 2", "12 / 4 - 1", "2 ^ 10", "(100 - 15) * 0.2", "7 * 6 + 3", "sqrt(81) + 2"))),
    (frozenset({"regex", "glob"}), lambda r, t: r.choice(("*.txt", "report_*", "*.md", "notes_?.txt"))),
    (frozenset({"language", "lang", "locale"}),
     lambda r, t: r.choice(LANGUAGE_CODES) if "code" in t else r.choice(LANGUAGES)),
    (frozenset({"color", "colour"}), lambda r, t: r.choice(COLORS)),
    (frozenset({"genre"}), lambda r, t: r.choice(GENRES)),
    (frozenset({"cuisine"}), lambda r, t: r.choice(CUISINES)),
    (frozenset({"ticker", "symbol", "stock"}), lambda r, t: r.choice(TICKERS)),
    (frozenset({"company", "business", "organization", "vendor", "merchant", "employer"}),
     lambda r, t: r.choice(COMPANIES)),
    (frozenset({"product", "item", "sku"}),
     lambda r, t: _ident(r, "SKU") if {"id", "sku"} & set(t) else r.choice(PRODUCTS)),
    (frozenset({"tag", "hashtag", "label"}), lambda r, t: r.choice(TAGS)),
    (frozenset({"path", "file", "filename", "directory", "dir", "folder"}),
     lambda r, t: (f"/home/user/{r.choice(('docs', 'workbench', 'archive', 'photos'))}"
                   if {"directory", "dir", "folder"} & set(t) else
                   _filename(r) if "name" in t or "filename" in t else _path(r))),
    (frozenset({"address", "street"}), lambda r, t: f"{r.randint(1, 250)} {r.choice(STREETS)}"),
    (frozenset({"zip", "postal", "postcode"}), lambda r, t: f"{r.randint(10000, 99999)}"),
    (frozenset({"unit", "units"}), lambda r, t: r.choice(UNITS[r.choice(sorted(UNITS))])),
    (frozenset({"query", "search", "keyword", "keywords", "term", "topic", "subject"}), lambda r, t: r.choice(TOPICS)),
    (frozenset({"title", "headline", "summary"}), lambda r, t: f"{r.choice(WORDS).title()} {r.choice(TOPICS)}"),
    (frozenset({"message", "text", "content", "body", "note", "notes", "comment", "description", "reason"}),
     lambda r, t: r.choice(SENTENCES)),
    (frozenset({"author", "artist", "recipient", "owner", "assignee", "attendee", "contact", "customer",
                "person", "user", "name", "sender", "guest", "host", "driver", "patient", "doctor"}),
     lambda r, t: _person(r)),
    (frozenset({"id", "identifier", "number", "code", "reference", "ref"}),
     lambda r, t: _ident(r, (t[0] if t[0] not in ("id", "number", "code") else "ID")[:3].upper())),
]  # fmt: skip

# Name tokens -> (low, high, decimals) for numbers without explicit bounds.
_NUMBER_RANGES: list[tuple[frozenset[str], tuple[float, float, int]]] = [
    (frozenset({"year"}), (1990, 2030, 0)),
    (frozenset({"age"}), (18, 90, 0)),
    (frozenset({"latitude", "lat"}), (-60, 70, 4)),
    (frozenset({"longitude", "lon", "lng"}), (-170, 170, 4)),
    (frozenset({"percent", "percentage", "rate", "discount", "tip"}), (1, 30, 1)),
    (frozenset({"price", "amount", "cost", "salary", "budget", "balance", "total", "fee", "income",
                "principal", "payment", "deposit", "value", "revenue"}), (5, 1500, 2)),
    (frozenset({"temperature", "temp"}), (-10, 40, 1)),
    (frozenset({"rating", "stars", "score"}), (1, 5, 0)),
    (frozenset({"page", "day"}), (1, 28, 0)),
    (frozenset({"month"}), (1, 12, 0)),
    (frozenset({"hour", "hours"}), (1, 23, 0)),
    (frozenset({"minutes", "minute", "duration", "seconds"}), (5, 120, 0)),
    (frozenset({"days", "nights", "weeks"}), (1, 21, 0)),
    (frozenset({"quantity", "count", "qty", "limit", "top", "size", "guests", "people", "adults",
                "seats", "servings", "results", "n", "num", "max", "copies", "items"}), (1, 12, 0)),
    (frozenset({"weight", "mass", "kg"}), (1, 120, 1)),
    (frozenset({"height", "length", "width", "distance", "radius", "depth", "km", "miles"}), (1, 500, 1)),
]  # fmt: skip


def _pool_string(rng: random.Random, name: str) -> str | None:
    toks = tokens(name)
    found = set(toks)
    for keys, make in _STRING_POOLS:
        if keys & found:
            return make(rng, toks)
    return None


def _format_string(rng: random.Random, fmt: str, name: str = "") -> str | None:
    if fmt == "date" and set(tokens(name)) & {"birth", "dob", "birthday", "born"}:
        return date(rng.randint(1950, 2008), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    if fmt == "date":
        return _date(rng).isoformat()
    if fmt == "date-time":
        moment = datetime.combine(_date(rng), datetime.min.time()) + timedelta(minutes=15 * rng.randint(28, 80))
        return moment.isoformat()
    if fmt == "time":
        return f"{rng.randint(7, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}"
    if fmt == "email":
        return _email(rng)
    if fmt in ("uri", "url"):
        return f"https://{rng.choice(WORDS)}.example.com/{rng.choice(WORDS)}"
    if fmt == "uuid":
        return "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                rng.getrandbits(12), rng.getrandbits(48))  # fmt: skip
    return None


def _fit_length(rng: random.Random, text: str, schema: Schema) -> str:
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if high is not None and len(text) > high:
        text = text[:high].rstrip() or text[:high]
    while len(text) < low:
        text += rng.choice(string.ascii_lowercase)
    return text


def _name_kind(name: str, schema: Schema) -> str | None:
    """Date-ish parameters without a declared format still want dates, not sentences."""
    toks = set(tokens(name))
    if ":[0-5]" in str(schema.get("pattern", "")):
        return "time"
    if toks & {"date", "birthday", "deadline", "dob"} and schema.get("type") == "string":
        return "date"
    if toks & {"time", "start", "end"} and not toks & {"zone", "timezone"} and schema.get("type") == "string":
        return "date-time" if toks & {"datetime", "timestamp"} else "time" if "time" in toks else None
    return None


# Description phrases that say more about a string than its name does ("destination" of a file
# copy is a path, not a city).
_DESC_KINDS: list[tuple[re.Pattern[str], Callable[[random.Random], str]]] = [
    (re.compile(r"\byyyy-mm-ddthh:mm\b"), lambda r: _format_string(r, "date-time")[:16]),  # type: ignore[index]
    (re.compile(r"\bglob\b"), lambda r: r.choice(("*.txt", "report_*", "*.md", "notes_?.txt", "*budget*"))),
    (re.compile(r"\bregular expression\b|\bregex\b"), lambda r: r.choice((r"\b\w{5}\b", r"[A-Z][a-z]+", r"\d+", r"the|we"))),
    (re.compile(r"\b(iana|time[- ]zone)\b"), lambda r: r.choice(TIMEZONES)),
    (re.compile(r"\b(source code|snippet|code to)\b"), lambda r: r.choice(SNIPPETS)),
    (re.compile(r"\byyyy-mm-dd\b"), lambda r: _date(r).isoformat()),
    (re.compile(r"\byyyy-mm\b"), lambda r: _date(r).isoformat()[:7]),
    (re.compile(r"\bhh:mm\b"), lambda r: f"{r.randint(7, 20):02d}:{r.choice((0, 15, 30, 45)):02d}"),
    (re.compile(r"\b(path|directory|folder)\b"), lambda r: _path(r)),
    (re.compile(r"\be-?mail\b"), lambda r: _email(r)),
    (re.compile(r"\burl\b"), lambda r: f"https://{r.choice(WORDS)}.example.com/{r.choice(WORDS)}"),
    (re.compile(r"\b(iso|country) code\b"), lambda r: r.choice(COUNTRY_CODES)),
]


def _desc_string(rng: random.Random, schema: Schema) -> str | None:
    desc = str(schema.get("description", "")).lower()
    for pattern, make in _DESC_KINDS:
        if pattern.search(desc):
            return make(rng)
    return None


def _string(rng: random.Random, name: str, schema: Schema) -> str:
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return rng.choice(schema["enum"])
    if name in KNOWLEDGE_POOLS:  # the knowledge domains' reference tools (exact parameter names)
        return _fit_length(rng, rng.choice(KNOWLEDGE_POOLS[name]), schema)
    # Declared format first, then what the description says, then what the name suggests.
    value = _format_string(rng, schema["format"], name) if schema.get("format") else None
    value = value or _desc_string(rng, schema)
    kind = None if value else _name_kind(name, schema)
    value = value or (_format_string(rng, kind, name) if kind else None) or _pool_string(rng, name)
    if value is None:  # no pool fits: a made-up proper name ("Cedar Warehouse") reads better than noise
        toks = tokens(name)
        noun = toks[-1] if toks and toks[-1] not in ("name", "value", "type", "kind") else "item"
        value = f"{rng.choice(WORDS).title()} {noun.title()}" if rng.random() < 0.6 else f"{rng.choice(WORDS)}_{rng.randint(1, 99)}"
    return _fit_length(rng, value, schema)


def _number(rng: random.Random, name: str, schema: Schema, integer: bool) -> int | float:
    low, high, decimals = 1.0, 100.0, (0 if integer else 2)
    toks = set(tokens(name))
    for keys, bounds in _NUMBER_RANGES:
        if keys & toks:
            low, high, decimals = bounds
            break
    if integer:
        decimals = 0
    elif decimals == 0:
        decimals = rng.choice((0, 1, 2))
    # Intersect the name's plausible range with the schema's bounds; if they do not overlap
    # (a "periods_per_year" is not a year), the schema wins.
    s_low = schema.get("minimum", schema["exclusiveMinimum"] + (1 if integer else 0.01) if "exclusiveMinimum" in schema else None)
    s_high = schema.get("maximum", schema["exclusiveMaximum"] - (1 if integer else 0.01) if "exclusiveMaximum" in schema else None)
    new_low = max(low, s_low) if s_low is not None else low
    new_high = min(high, s_high) if s_high is not None else high
    if new_low > new_high:
        new_low = s_low if s_low is not None else min(new_high, low)
        new_high = s_high if s_high is not None else new_low + 100
        if new_high - new_low > 1000:  # keep values human-sized inside very wide bounds
            new_high = new_low + 100
    low, high = new_low, new_high
    if integer:
        import math

        return rng.randint(math.ceil(low), max(math.ceil(low), math.floor(high)))
    value = round(rng.uniform(low, high), decimals)
    if decimals == 0:
        value = float(int(value))
    return min(max(value, low), high)


def draw_value(rng: random.Random, name: str, schema: Schema, depth: int = 0) -> Any:
    """A value for one (sub)schema, valid by construction for the common keywords."""
    if not isinstance(schema, dict):
        return rng.choice(WORDS)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return rng.choice(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return draw_value(rng, name, rng.choice(options), depth)
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "string":
        value = _string(rng, name, schema)
        if "pattern" in schema and not _matches(schema["pattern"], value):
            # A code-shaped pattern: the code form of the same pool ("PT" rather than "Portugal").
            codes = [c for pool in _code_pools(name) for c in pool if _matches(schema["pattern"], c)]
            value = rng.choice(codes) if codes else _from_pattern(rng, schema)
        return value
    if kind == "integer":
        return _number(rng, name, schema, integer=True)
    if kind == "number":
        return _number(rng, name, schema, integer=False)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    if kind == "array":
        return _array(rng, name, schema, depth)
    if kind == "object":
        return draw_object(rng, schema, depth + 1, optional_share=0.5)
    return rng.choice(WORDS)


def _code_pools(name: str) -> list[Sequence[str]]:
    toks = set(tokens(name))
    pools: list[Sequence[str]] = []
    if toks & {"country", "region", "nation"}:
        pools.append(COUNTRY_CODES)
    if toks & {"currency", "money"}:
        pools.append(CURRENCIES)
    if toks & {"language", "lang", "locale"}:
        pools.append(LANGUAGE_CODES)
    if toks & {"airport", "origin", "destination", "from", "to"}:
        pools.append(AIRPORTS)
    return pools


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def _array(rng: random.Random, name: str, schema: Schema, depth: int) -> list[Any]:
    items = schema.get("items", {"type": "string"})
    low = schema.get("minItems", 1 if depth else 2)
    high = schema.get("maxItems", max(low, 4 if depth < 2 else 2))
    count = rng.randint(low, max(low, min(high, low + 3)))
    if isinstance(items, dict) and items.get("type") == "array":  # a matrix: rows of one length
        width = rng.randint(items.get("minItems", 2), max(items.get("minItems", 2), min(items.get("maxItems", 3), 3)))
        fixed = {**items, "minItems": width, "maxItems": width}
        return [_array(rng, _singular(name), fixed, depth + 1) for _ in range(count)]
    out: list[Any] = []
    for _ in range(count * 4):
        if len(out) >= count:
            break
        value = draw_value(rng, _singular(name), items, depth + 1)
        if value not in out:  # distinct items read better and satisfy uniqueItems
            out.append(value)
    while len(out) < low:  # tiny enums: repeat rather than violate minItems
        out.append(draw_value(rng, _singular(name), items, depth + 1))
    return out


def draw_object(rng: random.Random, schema: Schema, depth: int = 0, optional_share: float = 0.5,
                include: set[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """An object with every required property and a share of the optional ones (schema order)."""
    props: dict[str, Schema] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    out: dict[str, Any] = {}
    for key, sub in props.items():
        wanted = key in required or (include is not None and key in include)
        if not wanted and include is None and depth < 3 and rng.random() < optional_share:
            wanted = True
        if wanted:
            out[key] = draw_value(rng, key, sub, depth)
    if not props and isinstance(schema.get("additionalProperties"), dict) and depth < 3:
        for _ in range(rng.randint(1, 3)):
            out[rng.choice(WORDS)] = draw_value(rng, "value", schema["additionalProperties"], depth + 1)
    return out


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(value) is not None


def _from_pattern(rng: random.Random, schema: Schema) -> str:
    """A string for a ``pattern``: a tiny generator for the common shapes, else hypothesis.

    Hypothesis' ``from_regex`` is exact but its examples are not reproducible, so it is
    driven here through ``find`` with a seeded database-free setting: deterministic enough
    for a fallback that only exotic schemas reach.
    """
    pattern = schema["pattern"]
    outside_classes = re.sub(r"\[[^\]]*\]", "", pattern)
    shaped = "-" in outside_classes or ":" in outside_classes  # 2025-06 / 14:30, not [a-z0-9-]
    for make in _SEMANTIC if shaped else ():  # a real date or time when the pattern has that shape
        candidate = make(rng)
        if _matches(pattern, candidate) and re.fullmatch(pattern.removeprefix("^").removesuffix("$") + ".*", candidate):
            return _fit_length(rng, candidate, schema)
    simple = _simple_pattern(rng, pattern)
    if simple is not None and _matches(pattern, simple):
        return _fit_length(rng, simple, schema)
    return _hypothesis_example(pattern) or simple or ""


@lru_cache(maxsize=256)
def _hypothesis_example(pattern: str) -> str | None:
    """The last resort (slow, hence cached): the simplest string hypothesis finds for the regex."""
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st

        return str(find(st.from_regex(pattern, fullmatch=True), lambda s: True,
                        settings=settings(database=None, derandomize=True, max_examples=50,
                                          suppress_health_check=list(HealthCheck))))  # fmt: skip
    except Exception:
        return None


_CLASS = {r"\d": string.digits, "[0-9]": string.digits, "[A-Z]": string.ascii_uppercase,
          "[a-z]": string.ascii_lowercase, "[A-Za-z]": string.ascii_letters,
          "[a-zA-Z]": string.ascii_letters, "[A-Z0-9]": string.ascii_uppercase + string.digits,
          "[a-z0-9]": string.ascii_lowercase + string.digits, r"\w": string.ascii_lowercase}  # fmt: skip
_PIECE = re.compile(r"(\\d|\\w|\[[^\]]+\]|\\.|[^\\\[\^\$])(\{(\d+)(?:,(\d*))?\}|[+*?])?")


def _expand_class(body: str) -> str:
    """``a-f0-9_`` -> its characters; negated classes are left to the fallback."""
    if body.startswith("^"):
        return ""
    body = body.replace("\\d", "0-9").replace("\\w", "a-zA-Z0-9_")
    body = re.sub(r"\\(.)", lambda m: "\x00" + m.group(1), body)  # escaped literal: marked, not a range
    chars, pos = [], 0
    while pos < len(body):
        if body[pos] == "\x00":
            chars.append(body[pos + 1])
            pos += 2
        elif pos + 2 < len(body) and body[pos + 1] == "-":
            chars.extend(chr(c) for c in range(ord(body[pos]), ord(body[pos + 2]) + 1))
            pos += 3
        else:
            chars.append(body[pos])
            pos += 1
    return "".join(chars)


def _simple_pattern(rng: random.Random, pattern: str) -> str | None:
    """Expand ``^[A-Z]{3}-\\d{4}$``-like patterns (classes, escapes, literals, counts)."""
    body = pattern.removeprefix("^").removesuffix("$")
    out: list[str] = []
    pos = 0
    while pos < len(body):
        piece = _PIECE.match(body, pos)
        if piece is None:
            return None
        atom, count, low, high = piece.group(1), piece.group(2), piece.group(3), piece.group(4)
        if atom in _CLASS:
            chars = _CLASS[atom]
        elif atom.startswith("["):
            chars = _expand_class(atom[1:-1])
            if not chars:
                return None
        else:
            chars = atom[-1]
        if count is None:
            n = 1
        elif count == "?":
            n = rng.randint(0, 1)
        elif count in "+*":
            n = rng.randint(1 if count == "+" else 0, 4)
        else:
            lo = int(low)
            n = rng.randint(lo, int(high)) if high else lo
        out.append("".join(rng.choice(chars) for _ in range(n)))
        pos = piece.end()
    return "".join(out)


_SEMANTIC: tuple[Callable[[random.Random], str], ...] = (
    lambda r: _date(r).isoformat(),
    lambda r: _format_string(r, "date-time") or "",
    lambda r: _date(r).isoformat()[:7],
    lambda r: f"{r.randint(7, 20):02d}:{r.choice((0, 15, 30, 45)):02d}",
    lambda r: f"{r.randint(0, 5):d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
)


@lru_cache(maxsize=4096)
def _validator(key: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(key))


def fits(schema: Schema, value: Any) -> bool:
    """Does ``value`` validate against ``schema``? (validators are compiled once per schema)."""
    try:
        return bool(_validator(json.dumps(schema, sort_keys=True)).is_valid(value))
    except Exception:
        return False


def anchor_date() -> date:
    """The simulated "today" shared by the server and the user simulator."""
    return _ANCHOR
