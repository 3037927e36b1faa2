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

    @classmethod
    def ok(cls) -> "Verdict":
        return cls(True, None, ())

    @classmethod
    def fail(cls, error_type: str, *errors: str) -> "Verdict":
        return cls(False, error_type, tuple(errors))
