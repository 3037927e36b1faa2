"""The system prompt BFCL gives prompt-based (non-FC) models, reproduced byte for byte.

Behaviour mirrors bfcl-eval 2026.3.23 under its default format-sensitivity config
(``ret_fmt=python&tool_call_tag=False&func_doc_fmt=json&prompt_fmt=plaintext&style=classic``):

* ``load_dataset_entry(..., include_language_specific_hint=True)`` rewrites every function doc
  (``_func_doc_language_specific_pre_processing``) before any handler sees it;
* ``system_prompt_pre_processing_chat_model`` renders those docs into the classic plaintext
  prompt and puts it in front of the first turn.

``tests/test_prompts.py`` checks the result against messages recorded from the official code.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bfcl_adapter.categories import Category, Language

# The default prompt, assembled once from BFCL's "classic" style pieces. Two quirks of the
# official text are kept on purpose, because the model under test sees exactly this string:
# no space between the persona and the task sentences, and two spaces after the call-format
# example (the empty ``param_types`` slot of the python return format sits between them).
_DEFAULT_PROMPT_HEAD = (
    "You are an expert in composing functions."
    "You are given a question and a set of possible functions. Based on the question, you "
    "will need to make one or more function/tool calls to achieve the purpose. If none of the "
    "functions can be used, point it out. If the given question lacks the parameters required "
    "by the function, also point it out."
    "\n\n"
    "You should only return the function calls in your response.\n\n"
    "If you decide to invoke any of the function(s), you MUST put it in the format of "
    "[func_name1(params_name1=params_value1, params_name2=params_value2...), "
    "func_name2(params)].  You SHOULD NOT include any other text in the response."
    "\n\n"
    "At each turn, you should try your best to complete the tasks requested by the user within "
    "the current turn. Continue to output functions to call until you have fulfilled the "
    "user's request to the best of your ability. Once you have no more functions to call, the "
    "system will consider the current turn complete and proceed to the next turn or task."
    "\n\n"
    "Here is a list of functions in json format that you can invoke.\n"
)

_LANGUAGE_HINT: dict[Language, str] = {
    Language.PYTHON: " Note that the provided function is in Python 3 syntax.",
    Language.JAVA: " Note that the provided function is in Java 8 SDK syntax.",
    Language.JAVASCRIPT: " Note that the provided function is in JavaScript syntax.",
}


def preprocess_function_docs(
    functions: list[dict[str, Any]], category: Category
) -> list[dict[str, Any]]:
    """Return a rewritten deep copy of a data file's function docs, as BFCL loads them.

    Every description gets the language hint. Java and JavaScript parameters (top level only,
    as in BFCL) become ``"string"`` with the original type explained in the description,
    because those models must answer with string-encoded Java/JS values.
    Missing keys raise ``KeyError`` exactly where the official code would.
    """
    docs = copy.deepcopy(functions)
    language = category.language
    for doc in docs:
        doc["description"] = doc["description"] + _LANGUAGE_HINT[language]
        properties: dict[str, Any] = doc["parameters"]["properties"]
        if language is Language.JAVA:
            for param in properties.values():
                _rewrite_java_param(param)
        elif language is Language.JAVASCRIPT:
            for param in properties.values():
                _rewrite_js_param(param)
    return docs


def _rewrite_java_param(param: dict[str, Any]) -> None:
    kind = param["type"]
    if kind == "any":
        param["description"] += (
            " This parameter can be of any type of Java object in string representation."
        )
    else:
        param["description"] += f" This is Java {kind} type parameter in string representation."
    if kind in ("ArrayList", "Array"):
        param["description"] += (
            f" The list elements are of type {param['items']['type']};"
            " they are not in string representation."
        )
        del param["items"]
    param["type"] = "string"


def _rewrite_js_param(param: dict[str, Any]) -> None:
    kind = param["type"]
    if kind == "any":
        param["description"] += (
            " This parameter can be of any type of JavaScript object in string representation."
        )
    else:
        param["description"] += (
            f" This is JavaScript {kind} type parameter in string representation."
        )
    if kind == "array":
        param["description"] += (
            f" The list elements are of type {param['items']['type']};"
            " they are not in string representation."
        )
        del param["items"]
    # Only dicts that carry a schema are rewritten; BFCL leaves bare dicts' keys alone.
    if kind == "dict" and "properties" in param:
        param["description"] += (
            " The dictionary entries have the following schema; they are not in string"
            f" representation. {json.dumps(param['properties'])}"
        )
        del param["properties"]
    param["type"] = "string"


def default_system_prompt(functions: list[dict[str, Any]]) -> str:
    """BFCL's default prompting-mode system prompt for already pre-processed function docs.

    The docs are rendered with ``json.dumps(indent=4)`` and its default ``ensure_ascii``, so
    non-ASCII text reaches the model as ``\\uXXXX`` escapes, as it does in BFCL.
    """
    return _DEFAULT_PROMPT_HEAD + json.dumps(functions, indent=4) + "\n"


def prompting_messages(
    entry_messages: list[dict[str, Any]],
    functions: list[dict[str, Any]],
    category: Category,
    *,
    functions_preprocessed: bool = False,
) -> list[dict[str, Any]]:
    """The first turn's messages with BFCL's system prompt composed in (inputs are not mutated).

    ``functions`` are the raw docs of the data file; pass ``functions_preprocessed=True`` if
    they already went through :func:`preprocess_function_docs` (the hint must not be added twice).
    As in BFCL, an existing leading system message keeps its text *after* the generated prompt,
    separated by a blank line; otherwise a new system message is inserted first.
    """
    if not entry_messages:
        # BFCL indexes prompts[0] unguarded and fails the same way.
        raise IndexError("the first turn has no messages to prepend a system prompt to")
    docs = functions if functions_preprocessed else preprocess_function_docs(functions, category)
    system_prompt = default_system_prompt(docs)
    messages = copy.deepcopy(entry_messages)
    if messages[0]["role"] == "system":
        messages[0]["content"] = system_prompt + "\n\n" + messages[0]["content"]
    else:
        messages.insert(0, {"role": "system", "content": system_prompt})
    return messages
