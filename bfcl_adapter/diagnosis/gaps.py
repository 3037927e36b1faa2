"""``gaps.json``: what the synthesizer should practise, written into every scored run directory.

Schema version 1 (see also docs/gaps.md)::

    {
      "schema_version": 1,
      "model": {...},              # run.json's "model" object, verbatim (path, name, weights_sha256, ...)
      "mode": "prompting",         # run.json's "mode": prompting | fc
      "categories": {              # every category scored in the run, in BFCL order
        "<category>": {
          "accuracy": 0.6,         # correct / n, 0..1
          "n": 5,                  # cases scored
          "weight": 0.21,          # share of synthetic data to aim here: >= 0, sums to 1
          "expected_gain": 0.0033, # (1 - accuracy) x effective weight in BFCL v4 Overall (0..1)
          "error_types": {"value_error:string": 1},   # official BFCL error type -> count
          "emphasize": ["wrong_string_value"]          # readable kinds, most frequent first
        }
      }
    }

``weight`` is ``expected_gain`` normalised over the run's categories (uniform over the failing
categories when all gains are 0). ``emphasize`` values are ``ErrorKind`` values
(``bfcl_adapter.diagnosis.kinds``). Consumers must check ``schema_version`` and ignore unknown
keys; a change that removes or reinterprets a key bumps the version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..categories import Category
from .core import Diagnosis
from .kinds import ErrorKind

GAPS_SCHEMA_VERSION = 1

GAPS_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["schema_version", "model", "categories"],
    "properties": {
        "schema_version": {"const": GAPS_SCHEMA_VERSION},
        "model": {"type": "object"},
        "mode": {"type": "string"},
        "categories": {
            "type": "object",
            "propertyNames": {"enum": [c.value for c in Category]},
            "additionalProperties": {
                "type": "object",
                "required": ["accuracy", "n", "weight", "expected_gain", "error_types", "emphasize"],
                "properties": {
                    "accuracy": {"type": "number", "minimum": 0, "maximum": 1},
                    "n": {"type": "integer", "minimum": 1},
                    "weight": {"type": "number", "minimum": 0, "maximum": 1},
                    "expected_gain": {"type": "number", "minimum": 0, "maximum": 1},
                    "error_types": {
                        "type": "object",
                        "additionalProperties": {"type": "integer", "minimum": 1},
                    },
                    "emphasize": {
                        "type": "array",
                        "items": {"enum": [k.value for k in ErrorKind]},
                        "uniqueItems": True,
                    },
                },
            },
        },
    },
}


class GapsError(ValueError):
    """A gaps.json document does not follow the schema; the message says where."""


def gaps_document(diagnosis: Diagnosis) -> dict[str, Any]:
    return {
        "schema_version": GAPS_SCHEMA_VERSION,
        "model": diagnosis.info.model,
        "mode": diagnosis.info.mode,
        "categories": {
            c.value: {
                "accuracy": d.accuracy,
                "n": d.n,
                "weight": diagnosis.synthesis_weights[c],
                "expected_gain": d.expected_gain,
                "error_types": d.error_types,
                "emphasize": [k.value for k in d.kinds],
            }
            for c, d in diagnosis.categories.items()
        },
    }


def validate_gaps(document: Any) -> None:
    """Raise GapsError unless the document follows schema version 1 (weights must sum to 1)."""
    import jsonschema

    try:
        jsonschema.validate(document, GAPS_JSON_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise GapsError(f"gaps.json {where}: {exc.message}") from None
    total = sum(v["weight"] for v in document["categories"].values())
    if document["categories"] and abs(total - 1.0) > 1e-6:
        raise GapsError(f"gaps.json: category weights sum to {total}, not 1")


def read_gaps(path: Path | str) -> dict[str, Any]:
    """Load and validate a gaps.json file (for consumers such as the synthesizer)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GapsError(f"{path}: unreadable ({exc})") from None
    validate_gaps(document)
    return document
