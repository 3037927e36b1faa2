"""Records shared by the decoder, the checker and everything built on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One decoded function call: a name and its keyword arguments.

    ``arguments`` may hold a ``None`` key: that is how BFCL's decoders record a ``**kwargs``
    splat (Python) or a positional identifier (Java/JavaScript); the checker then reports it
    as an unexpected parameter, exactly as the official one does.
    """

    name: str
    arguments: dict[Any, Any] = field(default_factory=dict)

    def to_bfcl(self) -> dict[str, dict[Any, Any]]:
        """The official decoder's shape: ``{name: {param: value}}``."""
        return {self.name: self.arguments}


class DecodeError(ValueError):
    """Model text is not a call list in the expected format.

    ``kind`` is ``"decoder_failed"`` (not parseable) or ``"decoder_wrong_output_format"``
    (parsed, but not a list of calls), the two ``ast_decoder:*`` error types of BFCL.
    """

    def __init__(self, message: str, kind: str = "decoder_failed") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Verdict:
    """The checker's judgement of one case, in BFCL's error vocabulary."""

    valid: bool
    error_type: str | None = None
    errors: tuple[str, ...] = ()
    # (given, expected) when the number of calls is wrong: BFCL's one error type for too few and
    # too many, which a diagnosis tells apart (the model stops early, or repeats itself).
    calls: tuple[int, int] | None = None

    @classmethod
    def ok(cls) -> "Verdict":
        return cls(True, None, ())

    @classmethod
    def fail(cls, error_type: str, *errors: str) -> "Verdict":
        return cls(False, error_type, tuple(errors))

    @classmethod
    def wrong_count(cls, error_type: str, given: int, expected: int) -> "Verdict":
        """A ``*:wrong_count`` failure that keeps both counts.

        >>> Verdict.wrong_count("simple_function_checker:wrong_count", 2, 1).errors
        ('wrong number of calls: 2 given, 1 expected',)
        """
        message = f"wrong number of calls: {given} given, {expected} expected"
        return cls(False, error_type, (message,), (given, expected))
