"""BFCL v4 multi-turn: back-ends, safe execution, ground truth, the official verdict, the loop's pieces.

The four categories (multi_turn_base / miss_func / miss_param / long_context) are scored as in
bfcl-eval 2026.3.23. The back-end classes are BFCL's own, imported from the installed
``bfcl_eval`` package; everything around them is ours, and model text is never ``eval``'d.

Inference flow (BFCL's ``BaseHandler.inference_multi_turn_prompting``; the harness owns the
model calls, :class:`MultiTurnSession` everything else)::

    session = MultiTurnSession(entry, mode="official", style="prompting")
    messages = []
    for turn in range(session.num_turns):
        messages += session.user_turn(turn)          # turn 0: BFCL's system prompt composed in
        while not session.turn_finished:
            text = model(messages)                    # the step output (reasoning stripped)
            messages.append(session.assistant_message(text))
            decoded_ok, results = session.execute(text)
            messages += session.tool_messages()       # [] when the step called nothing
        if session.force_terminated:
            break
    result_line = {"id": entry.id, "result": session.result}

* A turn starts with the entry's user messages. Turn 0 gets the system prompt (prompting
  style; function docs with BFCL's Python hint). A miss_func turn with no question becomes one
  user message: ``str(held_out_docs) + "\\n" + "I have updated some more functions you can
  choose from. What about now?"`` (prompting style; BFCL's local-model handlers, FC ones too),
  or the sentence alone with the docs added to :meth:`MultiTurnSession.tools` (fc style, BFCL's
  API FC handlers). miss_param turns are ordinary user turns whose ground truth is empty.
* Each step: the model's output is appended as ``{"role": "assistant", "content": text}``;
  it is decoded (``decode_step``: our decoder, then rendered as BFCL's execution strings). An
  undecodable step or one with no call ends the turn. Otherwise every call is executed, and the
  results are appended as one ``{"role": "tool", "name": "<execution string>", "content":
  "<result>"}`` per call (BFCL's local handlers), or with ``tool_messages("user_repr")`` as one
  user message holding the ``repr`` of that list (BFCL's API prompting handlers).
* A turn whose 21st step still calls functions (BFCL: ``count > MAXIMUM_STEP_LIMIT``, 20) ends
  the entry: ``force_terminated``; the result then has fewer turns than the ground truth.
* The result, ``session.result``, is BFCL's: one list per turn of the step outputs as the model
  wrote them (raw text), including the last, call-free step of each turn. The decoded execution
  strings (``session.decoded``, None for an undecodable step) are for logs only; the checker
  decodes the raw text again, with the same ``mode``.

Verdict (``eval_runner._evaluate_single_multi_turn_entry`` + ``multi_turn_checker``),
:func:`check_multi_turn`: a result that is not a list is ``multi_turn:inference_error``; a turn
count different from the ground truth's is ``multi_turn:force_terminated``; each step is decoded,
and undecodable or empty steps are dropped. Then, turn by turn, the model's calls run on one set
of fresh instances and the ground truth's on another; a turn with ground truth but no decoded
step is ``multi_turn:empty_turn_model_response``; a turn with empty ground truth (miss_param,
miss_func) is not checked (its calls still run); otherwise every public attribute of every
instance must equal the ground truth's (``multi_turn:instance_state_mismatch``) and every
ground-truth result string of the turn must be found, one for one, among all the model's results
so far (``multi_turn:execution_response_mismatch``). BFCL's ``multi_turn_irrelevance_checker``
exists but is not called by its runner, so neither is ours.
"""

from ._backends import (
    BACKEND_CLASSES,
    STATELESS_CLASSES,
    BackendError,
    all_function_names,
    class_function_docs,
    compare_instances,
    entry_function_docs,
    is_long_context,
    load_instances,
    public_state,
)
from ._checker import (
    EMPTY_TURN,
    ERROR_TYPES,
    FORCE_TERMINATED,
    INFERENCE_ERROR,
    RESPONSE_MISMATCH,
    STATE_MISMATCH,
    GroundTruthRun,
    check_decoded,
    check_multi_turn,
    decode_result,
    execute_ground_truth,
)
from ._execute import ERROR_PREFIX, Executor, format_result, render_fc_call, render_prompting_call
from ._session import (
    ADDITIONAL_FUNCTION_PROMPT,
    ADDITIONAL_FUNCTION_PROMPT_PROMPTING,
    MAXIMUM_STEP_LIMIT,
    MultiTurnSession,
    StepOutcome,
)
from ._steps import STEP_MODES, decode_step, decode_turn, is_empty_execute_response

__all__ = [
    "ADDITIONAL_FUNCTION_PROMPT", "ADDITIONAL_FUNCTION_PROMPT_PROMPTING", "BACKEND_CLASSES",
    "BackendError", "EMPTY_TURN", "ERROR_PREFIX", "ERROR_TYPES", "Executor", "FORCE_TERMINATED",
    "GroundTruthRun", "INFERENCE_ERROR", "MAXIMUM_STEP_LIMIT", "MultiTurnSession",
    "RESPONSE_MISMATCH", "STATELESS_CLASSES", "STATE_MISMATCH", "STEP_MODES", "StepOutcome",
    "all_function_names", "check_decoded", "check_multi_turn", "class_function_docs",
    "compare_instances", "decode_result", "decode_step", "decode_turn", "entry_function_docs",
    "execute_ground_truth", "format_result", "is_empty_execute_response", "is_long_context",
    "load_instances", "public_state", "render_fc_call", "render_prompting_call",
]  # fmt: skip
