"""One step of model output -> BFCL execution strings (``handler.decode_execute``)."""

from __future__ import annotations

from typing import Any

from ..categories import Language
from ..decoding import decode
from ..types import DecodeError
from ._execute import fc_calls_from_bfcl, render_fc_call, render_prompting_call

# "official" / "lenient": prompting output, our Python decoder in that mode, rendered as BFCL's
# default_decode_execute_prompting does; "fc": function-calling output (``<tool_call>`` text read
# by bfcl_adapter.fc.decode_fc, or BFCL's [{name: arguments}] lists), rendered as
# convert_to_function_call does.
STEP_MODES = ("official", "lenient", "fc")


def decode_step(step: Any, mode: str = "official") -> list[str]:
    """The execution strings of one step output; :class:`DecodeError` where BFCL's decoding fails.

    An empty list means the model answered without calling anything (BFCL's "empty response").
    """
    if mode in ("official", "lenient"):
        return [render_prompting_call(call) for call in decode(step, Language.PYTHON, mode)]
    if mode == "fc":
        if isinstance(step, str):
            from ..fc import decode_fc

            try:
                calls = decode_fc(step)
            except DecodeError:
                if "<tool_call>" in step:
                    raise
                return []  # prose: BFCL's FC handlers find no tool call, an empty response
        else:
            calls = fc_calls_from_bfcl(step)
        return [render_fc_call(call) for call in calls]
    raise ValueError(f"unknown step mode {mode!r}; use one of {STEP_MODES}")


def is_empty_execute_response(decoded: list[Any]) -> bool:
    """BFCL's ``is_empty_execute_response``."""
    return len(decoded) == 0 or (len(decoded) == 1 and len(decoded[0]) == 0)


def decode_turn(turn: Any, mode: str = "official") -> list[list[str]]:
    """The non-empty decoded steps of one turn; undecodable and empty steps are left out, as in BFCL."""
    steps = []
    for step in turn:
        try:
            decoded = decode_step(step, mode)
        except DecodeError:
            continue
        if is_empty_execute_response(decoded):
            continue
        steps.append(decoded)
    return steps
