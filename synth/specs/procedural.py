"""Procedural tools: unbounded, seeded variety composed from the domain vocabulary.

A tool is (domain, noun, operation, qualifier) plus random choices of filters, defaults and
optional arguments, so the pool is far larger than any hand-written catalog while every tool
still reads like a plausible business API. Same ``seed`` -> identical tools: all randomness goes
through one ``random.Random`` seeded from a string (stable across processes, unlike ``hash``),
and nothing iterates over a set.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable

from bfcl_adapter.data import DataError

from ..contamination import bfcl_function_names, name_key
from ..spec import ToolSpec
from .dsl import A, B, DATE, DT, E, EMAIL, I, N, O, S, URL, Schema
from .vocab import QUALIFIERS, VOCABULARY, Field, Noun

Rng = random.Random


def _value_schema(f: Field, desc: str = "", **kw: Any) -> Schema:
    """The schema of a field's values (used for records, filters and new values)."""
    kind = f.kind
    if kind == "enum":
        return E(list(f.choices), desc, **kw)
    if kind in ("id", "str"):
        return S(desc, min_len=1 if kind == "id" else None, **kw)
    if kind == "text":
        return S(desc, max_len=4000, **kw)
    if kind == "int":
        return I(desc, lo=0, **kw)
    if kind == "num":
        return N(desc, **kw)
    if kind == "money":
        return N(desc, lo=0, **kw)
    if kind == "pct":
        return N(desc, lo=0, hi=100, **kw)
    if kind == "bool":
        return B(desc, **kw)
    if kind == "date":
        return DATE(desc, **kw)
    if kind == "datetime":
        return DT(desc, **kw)
    if kind == "email":
        return EMAIL(desc, **kw)
    if kind == "url":
        return URL(desc, **kw)
    if kind == "cur":
        return S(desc, pattern="^[A-Z]{3}$", **kw)
    raise ValueError(f"unknown field kind {kind!r}")


def _record(noun: Noun) -> Schema:
    return O(**{f.name: _value_schema(f) for f in noun.fields})


def _filters(rng: Rng, noun: Noun, count: int) -> dict[str, Schema]:
    """Optional filter arguments over ``count`` random non-id fields, typed by field kind."""
    out: dict[str, Schema] = {}
    for f in rng.sample(noun.fields[1:], min(count, len(noun.fields) - 1)):
        if f.kind in ("int", "num", "money", "pct"):
            bound = rng.choice(("min", "max"))
            limit = "at least" if bound == "min" else "at most"
            out[f"{bound}_{f.name}"] = _value_schema(f, f"Only {noun.plural_words} with {f.words} {limit} this", opt=True)
        elif f.kind in ("date", "datetime"):
            for side in ("after", "before") if rng.random() < 0.5 else ("after",):
                out[f"{f.name}_{side}"] = _value_schema(f, f"Only {noun.plural_words} with {f.words} {side} this", opt=True)
        elif f.kind == "enum" and rng.random() < 0.5:
            out[f.name] = A(E(list(f.choices)), f"Accepted values of {f.words}", opt=True, unique=True, min_items=1)
        elif f.kind == "bool":
            out[f.name] = B(f"Only {noun.plural_words} whose {f.words} flag has this value", opt=True)
        elif f.kind == "text":
            out[f"{f.name}_contains"] = S(f"Words that must appear in the {f.words}", opt=True)
        else:
            out[f.name] = _value_schema(f, f"Only {noun.plural_words} with this {f.words}", opt=True)
    return out


def _paging(rng: Rng, noun: Noun) -> dict[str, Schema]:
    sortable = [f.name for f in noun.fields[1:] if f.kind not in ("text", "bool")] or [noun.fields[0].name]
    out = {"limit": I(f"Maximum number of {noun.plural_words} to return", default=rng.choice((10, 20, 25, 50)), lo=1,
                      hi=rng.choice((100, 200, 500)))}  # fmt: skip
    if rng.random() < 0.7:
        out["sort_by"] = E(sortable, "Field to order results by", default=sortable[0])
        out["descending"] = B("Largest or newest first", default=rng.random() < 0.5)
    if rng.random() < 0.4:
        out["page_token"] = S("Continuation token from a previous call", opt=True)
    return out


def _new_values(rng: Rng, noun: Noun, *, all_optional: bool) -> dict[str, Schema]:
    """Arguments carrying field values for a new or changed record."""
    out: dict[str, Schema] = {}
    fields = noun.fields[1:]
    required = set() if all_optional else {f.name for f in rng.sample(fields, max(1, len(fields) // 2))}
    for f in fields:
        desc = f"{f.words.capitalize()} for the new {noun.words}"
        if f.name in required:
            out[f.name] = _value_schema(f, desc)
        elif f.kind == "bool" and not all_optional:
            out[f.name] = _value_schema(f, desc, default=False)
        elif f.kind == "enum" and not all_optional and rng.random() < 0.6:
            out[f.name] = _value_schema(f, desc, default=f.choices[0])
        else:
            out[f.name] = _value_schema(f, f"New {f.words}" if all_optional else f"{desc} (optional)", opt=True)
    return out


def _id_arg(noun: Noun) -> tuple[str, Schema]:
    key = noun.fields[0]
    return key.name, S(f"The {key.words} identifying the {noun.words}", min_len=1)


def _tags(rng: Rng) -> Schema:
    return A(S(min_len=1, max_len=40), "Free-form labels", default=[], unique=True, max_items=rng.choice((10, 20)))


Builder = Callable[[Rng, Noun], tuple[dict[str, Schema], Schema]]  # -> (arguments, response schema)


@dataclass(frozen=True)
class Operation:
    """A verb: name patterns, description templates and an argument/response builder."""

    names: tuple[str, ...]  # {s} singular, {p} plural, {q} "qualifier_" or "", {f} a field name
    descriptions: tuple[str, ...]  # {S}/{P} singular/plural words, {Q} "qualifier " or "", {D} domain, {F} field
    build: Builder


def _lookup(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    name, schema = _id_arg(noun)
    params = {name: schema}
    if rng.random() < 0.5:
        params["fields"] = A(E([f.name for f in noun.fields]), "Return only these fields", opt=True, unique=True,
                             min_items=1)  # fmt: skip
    if rng.random() < 0.4:
        params["include_history"] = B("Also return the change history", default=False)
    returns = _record(noun)
    if "include_history" in params:
        returns["properties"]["history"] = A(O(changed_at=DT(), field=S(), old_value=S(), new_value=S()))
    return params, returns


def _listing(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {**_filters(rng, noun, rng.randint(1, 3)), **_paging(rng, noun)}
    returns = O(items=A(_record(noun)), total=I(lo=0), next_page_token=S(opt=True))
    return params, returns


def _search(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"query": S(f"Free-text search over {noun.plural_words}", min_len=1)}
    params.update(_filters(rng, noun, rng.randint(0, 2)))
    params["limit"] = I("Maximum matches", default=rng.choice((5, 10, 20)), lo=1, hi=100)
    returns = O(matches=A(O(score=N(lo=0, hi=1), record=_record(noun))))
    return params, returns


def _create(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = _new_values(rng, noun, all_optional=False)
    if rng.random() < 0.5:
        params["tags"] = _tags(rng)
    if rng.random() < 0.4:
        params["metadata"] = O("Extra attributes stored with the record", extra=S(max_len=200), opt=True)
    if rng.random() < 0.3:
        params["dry_run"] = B("Validate without saving", default=False)
    id_name = noun.fields[0].name
    return params, O(**{id_name: S(min_len=1)}, created_at=DT())


def _update(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    name, schema = _id_arg(noun)
    params: dict[str, Schema] = {name: schema}
    changes = _new_values(rng, noun, all_optional=True)
    if rng.random() < 0.5:
        params["changes"] = O("Fields to change; omitted fields keep their value", **changes)
    else:
        params.update(changes)
    if rng.random() < 0.5:
        params["reason"] = S("Why the change is made (kept in the audit log)", opt=True, max_len=500)
    return params, O(record=_record(noun), updated_at=DT())


def _delete(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    name, schema = _id_arg(noun)
    params = {name: schema, "permanent": B("Skip the recycle bin", default=False)}
    if rng.random() < 0.5:
        params["notify"] = E("none owner watchers everyone", "Who is told about the deletion", default="owner")
    return params, O(**{name: S()}, deleted=B())


def _archive(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"ids": A(S(min_len=1), f"{noun.fields[0].words.capitalize()}s of the {noun.plural_words}", min_items=1,
                       max_items=rng.choice((50, 100, 500))),
              "archived": B("True archives, false restores", default=True)}  # fmt: skip
    return params, O(changed=I(lo=0), skipped=A(S()))


def _aggregate(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    groupable = [f.name for f in noun.fields[1:] if f.kind in ("enum", "str", "bool", "date")]
    groupable = groupable or [noun.fields[1].name]
    numeric = [f.name for f in noun.fields[1:] if f.kind in ("int", "num", "money", "pct")]
    params: dict[str, Schema] = {"group_by": E(groupable, "Field to group by", default=rng.choice(groupable))}
    if numeric:
        params["measure"] = E(["count"] + [f"{agg}_{n}" for n in numeric for agg in ("sum", "avg")],
                              "What to compute per group", default="count")  # fmt: skip
    params.update(_filters(rng, noun, rng.randint(0, 2)))
    return params, O(groups=A(O(key=S(), value=N())), total=N())


def _export(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    formats = rng.choice((["csv", "json", "xlsx"], ["csv", "json", "pdf", "xlsx"]))
    params: dict[str, Schema] = {"format": E(formats, "File format", default="csv")}
    params.update(_filters(rng, noun, rng.randint(1, 2)))
    params["columns"] = A(E([f.name for f in noun.fields]), "Columns to include; all when omitted", opt=True,
                          unique=True, min_items=1)  # fmt: skip
    if rng.random() < 0.5:
        params["email_to"] = EMAIL("Send the file to this address instead of returning a link", opt=True)
    return params, O(download_url=URL(), rows=I(lo=0), expires_at=DT())


def _rank(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"top": I(f"How many {noun.plural_words} to return", default=rng.choice((5, 10)), lo=1, hi=100),
              **_filters(rng, noun, rng.randint(0, 2))}  # fmt: skip
    return params, O(ranking=A(O(rank=I(lo=1), record=_record(noun))))


def _assign(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    name, schema = _id_arg(noun)
    params = {name: schema, "assignee_email": EMAIL("Person who becomes responsible"),
              "due_date": DATE("When the assignee should be done", opt=True),
              "message": S("Note sent with the assignment", opt=True, max_len=1000)}  # fmt: skip
    if rng.random() < 0.5:
        params["watchers"] = A(EMAIL(), "People kept informed", default=[], unique=True)
    return params, O(**{name: S()}, assignee_email=S(), assigned_at=DT())


def _subscribe(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"events": A(E("created updated deleted commented"), "Changes to be told about", default=["created", "updated"],
                          unique=True, min_items=1),
              "channel": E(rng.choice((["email", "webhook"], ["email", "sms", "push", "webhook"])), "Delivery channel",
                           default="email"),
              "target": S("Email address, phone number or webhook URL", min_len=3),
              **_filters(rng, noun, rng.randint(0, 2))}  # fmt: skip
    return params, O(subscription_id=S(), active=B())


def _duplicate(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    name, schema = _id_arg(noun)
    params = {name: schema, "copies": I("Number of copies", default=1, lo=1, hi=rng.choice((10, 20)))}
    overrides = _new_values(rng, noun, all_optional=True)
    params["overrides"] = O("Field values that differ in the copies", **dict(list(overrides.items())[:3]), opt=True)
    return params, O(new_ids=A(S()))


def _validate(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"record": _record(noun) | {"description": f"The {noun.words} to check"},
              "strict": B("Treat warnings as errors", default=rng.random() < 0.3)}  # fmt: skip
    return params, O(valid=B(), issues=A(O(field=S(), severity=E("warning error"), message=S())))


def _bulk_import(rng: Rng, noun: Noun) -> tuple[dict[str, Schema], Schema]:
    params = {"records": A(_record(noun), f"{noun.plural_words.capitalize()} to import", min_items=1,
                           max_items=rng.choice((100, 1000))),
              "on_conflict": E("skip overwrite fail", "What to do when an identifier already exists",
                               default="skip")}  # fmt: skip
    return params, O(imported=I(lo=0), skipped=I(lo=0), errors=A(O(index=I(), message=S())))


def _op(names: str, descriptions: str, build: Builder) -> Operation:
    """``names``: space-separated patterns; ``descriptions``: templates separated by ``|``."""
    return Operation(tuple(names.split()), tuple(d.strip() for d in descriptions.split("|")), build)


OPERATIONS: dict[str, Operation] = {
    "lookup": _op("fetch_{s} describe_{s} {s}_details show_{s}_record read_{s}_entry",
                  "Fetch one {S} by its identifier. | Full record of a single {S} in the {D} system.", _lookup),
    "list": _op("list_{q}{p} browse_{q}{p} {q}{p}_overview enumerate_{q}{p}",
                "List {Q}{P}, with optional filters and paging. | Page through {Q}{P} kept in the {D} records.",
                _listing),
    "search": _op("search_{q}{p} query_{q}{p} lookup_{q}{p}_by_text {q}{p}_text_search",
                  "Free-text search over {Q}{P}. | Find {Q}{P} whose content matches a query, best matches first.",
                  _search),
    "create": _op("create_{s} register_{s} add_new_{s} open_{s}_entry record_{s}",
                  "Create a new {S}. | Register a {S} in the {D} system and return its identifier.", _create),
    "update": _op("update_{s} edit_{s} modify_{s}_fields patch_{s}_record revise_{s}",
                  "Change fields of an existing {S}. | Edit a {S}; fields left out keep their current value.",
                  _update),
    "delete": _op("delete_{s} remove_{s} discard_{s} drop_{s}_record",
                  "Delete a {S}. | Remove a {S} from the {D} records, to the recycle bin unless permanent.", _delete),
    "archive": _op("archive_{q}{p} bulk_archive_{p} set_{p}_archived toggle_{p}_archive",
                   "Archive or restore several {P} at once. | Move {Q}{P} in or out of the archive in one call.",
                   _archive),
    "aggregate": _op("summarize_{q}{p} {q}{p}_breakdown aggregate_{q}{p} {s}_group_totals",
                     "Group {Q}{P} by a field and compute counts or totals. "
                     "| Totals of {Q}{P} per group, for {D} reporting.", _aggregate),
    "export": _op("export_{q}{p} {q}{p}_export download_{q}{p}_file",
                  "Export {Q}{P} to a file and return a download link. "
                  "| Write matching {P} to a CSV, JSON or spreadsheet file.", _export),
    "rank": _op("rank_{q}{p}_by_{f} top_{q}{p}_by_{f} leading_{q}{p}_by_{f}",
                "The {Q}{P} with the highest {F}. | Rank {Q}{P} by {F}, highest first.", _rank),
    "assign": _op("assign_{s} reassign_{s}_owner delegate_{s} hand_over_{s}",
                  "Make a person responsible for a {S}. | Assign a {S} to a colleague, optionally with a due date.",
                  _assign),
    "subscribe": _op("subscribe_to_{q}{p} watch_{q}{p} {s}_change_alerts follow_{q}{p}_updates",
                     "Get notified when {Q}{P} are created or changed. "
                     "| Subscribe a channel to change events on {Q}{P}.", _subscribe),
    "duplicate": _op("duplicate_{s} clone_{s} copy_{s}_record",
                     "Make copies of a {S}, optionally changing some fields. "
                     "| Clone an existing {S} in the {D} system.", _duplicate),
    "validate": _op("validate_{s} check_{s}_consistency lint_{s}_record verify_{s}_fields",
                    "Check a {S} record for missing or inconsistent fields without saving it. "
                    "| Validate a draft {S} against the {D} rules.", _validate),
    "import": _op("import_{p} bulk_load_{p} ingest_{p}_batch upload_{p}_records",
                  "Import many {P} in one call. "
                  "| Bulk-load {P} into the {D} records, skipping or replacing duplicates.", _bulk_import),
}


def _compose(rng: Rng, domain: str, noun: Noun, verb: str,
             qualifier: str | None) -> tuple[str, str, dict[str, Schema], Schema]:  # fmt: skip
    op = OPERATIONS[verb]
    ranked = [f for f in noun.fields[1:] if f.kind in ("int", "num", "money", "pct", "date", "datetime")]
    field = rng.choice(ranked or list(noun.fields[1:2]))
    pattern = rng.choice(op.names)
    name = pattern.format(s=noun.singular, p=noun.plural, q=f"{qualifier}_" if qualifier else "", f=field.name)
    description = rng.choice(op.descriptions).format(
        S=noun.words, P=noun.plural_words, Q=f"{qualifier} " if qualifier else "", D=domain.replace("_", " "),
        F=field.words,
    )
    params, returns = op.build(rng, noun)
    if verb == "rank":  # the ranking field is part of the tool's identity
        returns["properties"]["ranked_by"] = S(default=field.name)
    return name, description, params, returns


def _reserved_names() -> set[str]:
    from .catalog import load_catalog

    reserved = {name_key(t.name) for t in load_catalog()}
    try:
        reserved |= {name_key(n) for n in bfcl_function_names()}
    except DataError:  # no BFCL data installed: nothing to collide with
        pass
    return reserved


def generate_tools(n: int, seed: int = 0, domains: list[str] | None = None) -> list[ToolSpec]:
    """``n`` distinct, valid tools; the same (n, seed, domains) always gives the same tools."""
    if n < 0:
        raise ValueError("n must be >= 0")
    chosen = sorted(VOCABULARY) if domains is None else list(dict.fromkeys(domains))
    unknown = [d for d in chosen if d not in VOCABULARY]
    if unknown:
        raise ValueError(f"unknown domain(s) {', '.join(unknown)}; known: {', '.join(sorted(VOCABULARY))}")
    if not chosen:
        raise ValueError("domains must not be empty")
    rng = random.Random(f"closeloop-procedural:{seed}")
    taken = _reserved_names()
    verbs = list(OPERATIONS)
    tools: list[ToolSpec] = []
    for index in range(n):
        for _attempt in range(64):
            domain = rng.choice(chosen)
            noun = rng.choice(VOCABULARY[domain])
            verb, qualifier = rng.choice(verbs), rng.choice(QUALIFIERS)
            name, description, params, returns = _compose(rng, domain, noun, verb, qualifier)
            if name_key(name) not in taken:
                break
        else:  # the combinations are (nearly) exhausted: keep going with numbered variants
            suffix = index
            while name_key(f"{name}_{suffix}") in taken:
                suffix += 1
            name = f"{name}_{suffix}"
        taken.add(name_key(name))
        tools.append(ToolSpec(name, description, O(**params), returns, domain=domain, source=f"procedural:{seed}"))
    return tools
