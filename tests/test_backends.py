"""Backends of ``harness eval``: registry, model resolution, mock, OpenAI, vLLM, early stopping."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import harness.backends as backends
from harness.backends import (
    BACKENDS,
    Backend,
    BackendError,
    ChatRequest,
    Completion,
    create_backend,
    register_backend,
    resolve_model,
    weights_sha256,
)
from harness.backends.models import materialized_dir
from harness.backends.transformers_backend import call_list_complete
from harness.backends.vllm_backend import MISSING_VLLM


def ask(text: str, id: str = "", **kw: Any) -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": text}], id=id, **kw)


@pytest.fixture()
def hf_dir(tmp_path: Path) -> Path:
    """Looks like an HF model dir to resolve_model; the bytes are not a real model."""
    d = tmp_path / "tiny-model"
    d.mkdir()
    (d / "config.json").write_text("{}")
    (d / "model.safetensors").write_bytes(b"weights-1")
    (d / "tokenizer.json").write_text("{}")
    return d


# --- registry -----------------------------------------------------------------------------


def test_builtin_backends_are_registered() -> None:
    assert {"mock", "transformers", "openai", "vllm"} <= set(BACKENDS)
    assert backends.DEFAULT_BACKEND == "transformers"


def test_unknown_backend_lists_known_ones() -> None:
    with pytest.raises(BackendError) as info:
        create_backend("no-such-backend", None)
    message = str(info.value)
    assert "\n" not in message
    assert "no-such-backend" in message
    for name in ("mock", "openai", "transformers", "vllm"):
        assert name in message


def test_register_backend_decorator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BACKENDS, "_probe", BACKENDS["mock"])
    created = create_backend("_probe", "x", script="hello")
    assert created.generate([ask("hi")])[0].text == "hello"

    @register_backend("_decorated")
    def factory(model_path: str | None, **options: Any) -> Backend:
        return backends.BACKENDS["mock"](model_path, script=f"{model_path}:{options['tag']}")

    try:
        assert create_backend("_decorated", "m", tag="t").generate([ask("q")])[0].text == "m:t"
    finally:
        BACKENDS.pop("_decorated")


def test_option_a_backend_does_not_take() -> None:
    with pytest.raises(BackendError) as info:
        create_backend("openai", "m", batch_size=8)
    message = str(info.value)
    assert message.startswith("backend 'openai' does not take option(s) batch_size; it takes: ")
    assert "base_url" in message and "\n" not in message


class _FakeEntryPoint:
    def __init__(self, name: str, target: Any) -> None:
        self.name, self.value, self.group = name, f"fake_plugin:{name}", "closeloop.backends"
        self._target = target
        self.loads = 0

    def load(self) -> Any:
        self.loads += 1
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def test_entry_point_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    plugin = _FakeEntryPoint("plugin-echo", BACKENDS["mock"])
    broken = _FakeEntryPoint("plugin-broken", ImportError("no module named fake_plugin"))
    shadow = _FakeEntryPoint("mock", RuntimeError("must never load"))
    groups: list[str] = []

    def entry_points(**params: Any) -> list[_FakeEntryPoint]:
        groups.append(params.get("group", ""))
        return [plugin, broken, shadow]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    for name in ("plugin-echo", "plugin-broken"):
        monkeypatch.delitem(BACKENDS, name, raising=False)
    try:
        assert "plugin-echo" in backends.available_backends()
        assert groups and set(groups) == {"closeloop.backends"}
        assert plugin.loads == 0  # discovery alone loads nothing
        backend = create_backend("plugin-echo", None, script=["from plugin"])
        assert plugin.loads == 1
        assert backend.generate([ask("x")])[0].text == "from plugin"
        with pytest.raises(BackendError, match="cannot load backend 'plugin-broken'"):
            create_backend("plugin-broken", None)
        # A plug-in cannot replace a built-in.
        assert create_backend("mock", None, script="builtin").generate([ask("x")])[0].text == "builtin"
        assert shadow.loads == 0
    finally:
        for name in ("plugin-echo", "plugin-broken"):
            BACKENDS.pop(name, None)


def test_import_is_light() -> None:
    code = (
        "import sys, harness.backends\n"
        "heavy = [m for m in ('torch', 'transformers', 'vllm', 'numpy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# --- mock ---------------------------------------------------------------------------------


def test_mock_script_forms() -> None:
    by_id = create_backend("mock", None, script={"a": "[f(x=1)]", "b": "no call"})
    out = by_id.generate([ask("q", id="b"), ask("q", id="a")])
    assert [c.text for c in out] == ["no call", "[f(x=1)]"]
    assert all(c.prompt_tokens > 0 and c.finish_reason == "stop" for c in out)
    assert out[1].completion_tokens == 2  # ~4 characters a token
    with pytest.raises(BackendError, match="no reply for request 'zzz'"):
        by_id.generate([ask("q", id="zzz")])

    fn = create_backend("mock", None, script=lambda r: r.messages[-1]["content"].upper())
    assert fn.generate([ask("shout")])[0].text == "SHOUT"

    seq = create_backend("mock", None, script=["one", "two"])
    assert [c.text for c in seq.generate([ask("1")])] == ["one"]
    assert [c.text for c in seq.generate([ask("2")])] == ["two"]
    with pytest.raises(BackendError, match="exhausted after 2 replies"):
        seq.generate([ask("3")])
    assert len(seq.requests) == 3

    full = create_backend("mock", None, script=[Completion("cut", completion_tokens=256, finish_reason="length")])
    assert full.generate([ask("x")])[0].finish_reason == "length"

    fallback = create_backend("mock", None, script={}, default="[]")
    assert fallback.generate([ask("x", id="q")])[0].text == "[]"


def test_mock_satisfies_protocol() -> None:
    mock = create_backend("mock", "some/model", script="x", model_name="org/model", supports_tools=True)
    assert isinstance(mock, Backend)
    assert mock.identity.name == "org_model"
    assert mock.identity.backend == "mock"
    assert mock.supports_tools_in_template() is True
    json.dumps(mock.identity.to_json())
    mock.close()


# --- model resolution ---------------------------------------------------------------------


def test_resolve_default_is_the_embedded_gguf() -> None:
    for spelling in (None, "default"):
        resolved = resolve_model(spelling)
        assert resolved.is_default and resolved.kind == "gguf"
        assert resolved.path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
        assert resolved.gguf_file == resolved.path.name
        assert resolved.model_dir == resolved.path.parent
        assert "/" not in resolved.name


def test_resolve_hf_dir(hf_dir: Path) -> None:
    resolved = resolve_model(str(hf_dir))
    assert resolved.kind == "hf" and resolved.path == hf_dir.resolve()
    assert resolved.name == "tiny-model" and resolved.gguf_file is None


def test_resolve_missing_path(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="model path does not exist: .*nowhere"):
        resolve_model(str(tmp_path / "nowhere"))


def test_resolve_dir_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(BackendError) as info:
        resolve_model(str(tmp_path))
    message = str(info.value)
    assert "\n" not in message and "not a Hugging Face model directory" in message
    assert "config.json" in message and "weights" in message and "tokenizer" in message


def test_resolve_dir_missing_only_tokenizer(hf_dir: Path) -> None:
    (hf_dir / "tokenizer.json").unlink()
    (hf_dir / "model.gguf").write_bytes(b"GGUF....")
    with pytest.raises(BackendError) as info:
        resolve_model(str(hf_dir))
    message = str(info.value)
    assert "missing tokenizer files" in message and "config.json" not in message.split("missing")[1]
    assert "model.gguf" in message  # hint: pass the GGUF instead


def test_resolve_bad_files(tmp_path: Path) -> None:
    text = tmp_path / "weights.txt"
    text.write_text("x")
    with pytest.raises(BackendError, match="not a .gguf"):
        resolve_model(str(text))
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"NOPE")
    with pytest.raises(BackendError, match="not a GGUF file"):
        resolve_model(str(fake))
    good = tmp_path / "m.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert resolve_model(str(good)).kind == "gguf"


def test_resolve_unreadable(hf_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import harness.backends.models as models

    # chmod does not stop root, so stand in for the permission check itself.
    monkeypatch.setattr(models.os, "access", lambda path, mode: False)
    with pytest.raises(BackendError, match="model directory is not readable: "):
        resolve_model(str(hf_dir))
    gguf = hf_dir / "m.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(BackendError, match="model file is not readable: "):
        resolve_model(str(gguf))


def test_weights_sha256_and_cache(hf_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    import harness.backends.models as models

    (hf_dir / "training_args.bin").write_bytes(b"not weights")
    first = weights_sha256(hf_dir)
    expected_file = hashlib.sha256(b"weights-1").hexdigest()
    assert first == expected_file  # one weight file: its plain sha256
    assert (hf_dir / models.HASH_CACHE_NAME).is_file()

    calls: list[Path] = []
    real = models._file_sha256
    monkeypatch.setattr(models, "_file_sha256", lambda p: calls.append(p) or real(p))
    assert weights_sha256(hf_dir) == first and calls == []  # served from the JSON

    (hf_dir / "model-2.safetensors").write_bytes(b"weights-2")
    two = weights_sha256(hf_dir)
    assert [p.name for p in calls] == ["model-2.safetensors"]  # only the new file is hashed
    manifest = f"{expected_file}  model.safetensors\n{hashlib.sha256(b'weights-2').hexdigest()}  model-2.safetensors\n"
    sorted_manifest = "".join(sorted(manifest.splitlines(keepends=True), key=lambda line: line.split("  ")[1]))
    assert two == hashlib.sha256(sorted_manifest.encode()).hexdigest()

    (hf_dir / "model-2.safetensors").write_bytes(b"weights-3")  # size the same, mtime differs
    os.utime(hf_dir / "model-2.safetensors", ns=(1, 1))
    assert weights_sha256(hf_dir) != two


def test_materialized_dir_uses_closeloop_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLOSELOOP_CACHE", str(tmp_path / "cache"))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF-bytes")
    target = materialized_dir(gguf)
    assert target.parent == tmp_path / "cache" / "models"
    assert len(target.name) == 16 and weights_sha256(gguf).startswith(target.name)
    # An existing checkpoint is returned without touching torch/transformers.
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")
    assert backends.materialize_hf_checkpoint(gguf) == target


def test_gguf_without_the_gguf_package_is_one_error_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    monkeypatch.setenv("CLOSELOOP_CACHE", str(tmp_path / "cache"))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF-bytes")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gguf" else real_find_spec(name, *a))  # fmt: skip
    with pytest.raises(BackendError, match="needs the gguf package"):
        backends.materialize_hf_checkpoint(gguf)


# --- stopping criterion -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[get_weather(city='Paris')]",
        "  [f(a=1), g(b=[1, 2], c={'k': (3, 4)})]",
        "[f(s=']'), g(s=\"(\")]",
        "[f(s='it\\'s ]')]",
        '[{"name": "f", "arguments": {"x": "]"}}]',
        "[]",
        "[f()]\n<|im_end|>",
    ],
)
def test_call_list_complete_yes(text: str) -> None:
    assert call_list_complete(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[",
        "[get_weather(city='Paris')",
        "[f(s=']')",
        "[f(s='it\\'s ]'",
        "Sure! [f(x=1)]",
        "```python\n[f(x=1)]\n```",
        "[f(x=1))",  # mismatched: not something to stop early on
        "<tool_call>{}</tool_call>",
    ],
)
def test_call_list_complete_no(text: str) -> None:
    assert not call_list_complete(text)


def test_stopper_ends_each_row_on_its_own() -> None:
    torch = pytest.importorskip("torch")
    from harness.backends.transformers_backend import _make_stopper

    class CharTokenizer:  # one character per token id; id 0 is EOS
        def decode(self, ids: Any, skip_special_tokens: bool = False) -> str:
            return "".join("" if int(i) == 0 else chr(int(i)) for i in ids)

    requests = [
        ask("a", max_new_tokens=50),
        ask("b", max_new_tokens=50, stop=("END",)),
        ask("c", max_new_tokens=50),
        ask("d", max_new_tokens=4),
        ask("e", max_new_tokens=50),
        ask("f", max_new_tokens=50),
    ]
    texts = ["[f(a=']')] more", "abcEND more", "hi\0......", "[f(x=1)] more", "<tool_call>{}</tool_call>x", "[f(x=1)]"]
    stopper = _make_stopper(CharTokenizer(), 2, requests, {0}, stop_at_call_list=True, stop_at_tool_call_end=True)
    width = max(len(t) for t in texts)
    rows = [[ord("p"), ord("p")] + [0 if c == "\0" else ord(c) for c in t.ljust(width, ".")] for t in texts]
    ids = torch.tensor(rows)
    for step in range(1, width + 1):
        done = stopper(ids[:, : 2 + step], None)
    assert done.tolist() == [True, True, True, True, True, True]
    assert stopper.lengths == [10, 6, 3, 4, 25, 8]
    assert stopper.reasons == ["stop", "stop", "stop", "length", "stop", "stop"]

    # Asked for, a row ends once it can no longer decode to a call list; a call list runs on.
    give_up = [ask("g", max_new_tokens=50, stop_when_not_call_list=True) for _ in range(2)]
    prose = ["The weather is nice.", "[f(x=1)] more"]
    rows = [[ord("p"), ord("p")] + [ord(c) for c in t.ljust(20, ".")] for t in prose]
    stopper = _make_stopper(CharTokenizer(), 2, give_up, {0}, stop_at_call_list=True, stop_at_tool_call_end=True)
    for step in range(1, 21):
        stopper(torch.tensor(rows)[:, : 2 + step], None)
    assert stopper.lengths == [12, 8]  # "The weather " / "[f(x=1)]"
    assert stopper.reasons == ["not_call_list", "stop"]

    no_early = _make_stopper(CharTokenizer(), 2, requests[:1], {0}, stop_at_call_list=False, stop_at_tool_call_end=True)
    for step in range(1, 16):
        no_early(ids[:1, : 2 + step], None)
    assert no_early.lengths == [None]


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    | st.tuples(inner, inner),
    max_leaves=8,
)
_names = st.from_regex(r"[a-z_][a-z0-9_.]{0,10}", fullmatch=True)
_calls = st.lists(st.tuples(_names, st.dictionaries(_names, _values, max_size=3)), max_size=4)


@settings(max_examples=300, deadline=None)
@given(_calls, st.booleans(), st.text(alphabet=" \n", max_size=3))
def test_call_list_complete_property(calls: list, as_json: bool, lead: str) -> None:
    if as_json:
        text = json.dumps([{"name": n, "arguments": a} for n, a in calls], default=list)
    else:
        text = "[" + ", ".join(f"{n}({', '.join(f'{k}={v!r}' for k, v in a.items())})" for n, a in calls) + "]"
    text = lead + text
    assert call_list_complete(text)
    # The list closes only at its last character: no strict prefix may stop generation.
    for cut in range(len(text)):
        assert not call_list_complete(text[:cut]), text[:cut]
    assert call_list_complete(text + " and then some (")


# --- vLLM with a stand-in module ----------------------------------------------------------


def _fake_vllm() -> types.ModuleType:
    module = types.ModuleType("vllm")
    module.instances = []  # type: ignore[attr-defined]

    class SamplingParams:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs

    class Output:
        def __init__(self, text: str, tokens: int, finish: str) -> None:
            self.text, self.token_ids, self.finish_reason = text, list(range(tokens)), finish

    class RequestOutput:
        def __init__(self, prompt_len: int, text: str, finish: str = "stop") -> None:
            self.prompt_token_ids = list(range(prompt_len))
            self.outputs = [Output(text, len(text.split()), finish)]

    class Tokenizer:
        def apply_chat_template(self, messages: list, tokenize: bool = False, add_generation_prompt: bool = True,
                                tools: Any = None) -> str:
            return ("TOOLS " if tools else "") + " | ".join(m["content"] for m in messages)

    class LLM:
        def __init__(self, **kwargs: Any) -> None:
            self.kwargs = kwargs
            self.calls: list[tuple[str, Any, Any, dict]] = []
            module.instances.append(self)  # type: ignore[attr-defined]

        def get_tokenizer(self) -> Tokenizer:
            return Tokenizer()

        def _answer(self, prompts: list[str], params: list[SamplingParams]) -> list[RequestOutput]:
            return [
                RequestOutput(len(p.split()), f"echo {p}", "length" if sp.kwargs["max_tokens"] < 3 else "stop")
                for p, sp in zip(prompts, params)
            ]

        def chat(self, conversations: list, sampling_params: list, **kwargs: Any) -> list[RequestOutput]:
            self.calls.append(("chat", conversations, sampling_params, kwargs))
            prompts = [self.get_tokenizer().apply_chat_template(c, tools=kwargs.get("tools")) for c in conversations]
            return self._answer(prompts, sampling_params)

        def generate(self, prompts: list, sampling_params: list, **kwargs: Any) -> list[RequestOutput]:
            self.calls.append(("generate", prompts, sampling_params, kwargs))
            return self._answer(prompts, sampling_params)

    module.LLM, module.SamplingParams = LLM, SamplingParams  # type: ignore[attr-defined]
    return module


TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}


@pytest.mark.parametrize("use_chat", [True, False])
def test_vllm_with_stand_in(monkeypatch: pytest.MonkeyPatch, hf_dir: Path, use_chat: bool) -> None:
    fake = _fake_vllm()
    monkeypatch.setitem(sys.modules, "vllm", fake)
    backend = create_backend(
        "vllm", str(hf_dir), tensor_parallel_size=2, data_parallel_size=4, dtype="bfloat16",
        max_model_len=4096, gpu_memory_utilization=0.8, use_chat=use_chat,
    )
    (llm,) = fake.instances
    assert llm.kwargs == {
        "model": str(hf_dir.resolve()), "tensor_parallel_size": 2, "data_parallel_size": 4,
        "dtype": "bfloat16", "max_model_len": 4096, "gpu_memory_utilization": 0.8,
    }
    requests = [
        ask("first", id="1", max_new_tokens=50, seed=7, stop=("\n",)),
        ask("second", id="2", tools=[TOOL], temperature=0.5),
        ask("third", id="3", max_new_tokens=2),
    ]
    out = backend.generate(requests)
    assert [c.text for c in out] == ["echo first", "echo TOOLS second", "echo third"]
    assert [c.finish_reason for c in out] == ["stop", "stop", "length"]
    assert out[0].prompt_tokens == 1 and out[1].completion_tokens == 3
    # Grouped by tools: one call without, one with.
    assert len(llm.calls) == 2
    first_call, second_call = llm.calls
    assert first_call[0] == ("chat" if use_chat else "generate")
    params = [p.kwargs for p in first_call[2]]
    assert params[0] == {"temperature": 0.0, "max_tokens": 50, "seed": 7, "stop": ["\n"]}
    assert params[1]["max_tokens"] == 2 and params[1]["stop"] is None
    if use_chat:
        assert "tools" not in first_call[3] and second_call[3]["tools"] == [TOOL]
    assert backend.supports_tools_in_template() is True
    assert backend.identity.backend == "vllm" and backend.identity.dtype == "bfloat16"
    assert backend.identity.weights_sha256 == weights_sha256(hf_dir)
    backend.close()


def test_vllm_missing(monkeypatch: pytest.MonkeyPatch, hf_dir: Path) -> None:
    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` raise ImportError
    with pytest.raises(BackendError) as info:
        create_backend("vllm", str(hf_dir))
    assert str(info.value) == MISSING_VLLM == "the vllm backend needs the [gpu] extra: pip install 'closeloop[gpu]'"


# --- OpenAI-compatible server stand-in ----------------------------------------------------


class _Server:
    """Chat-completions stand-in: the reply depends on the last user message."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.fail_first: dict[str, int] = {"flaky": 1, "down": 99}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append(body)
                outer.headers.append(dict(self.headers))
                prompt = body["messages"][-1]["content"]
                if outer.fail_first.get(prompt, 0) > 0:
                    outer.fail_first[prompt] -= 1
                    return self._send(500, {"error": "try again"})
                if prompt == "too long":
                    return self._send(400, {"error": {"message": "context length exceeded"}})
                if prompt == "tools":
                    message = {
                        "role": "assistant", "content": None,
                        "tool_calls": [
                            {"id": "c1", "type": "function",
                             "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}},
                            {"id": "c2", "type": "function", "function": {"name": "now", "arguments": ""}},
                        ],
                    }
                    finish = "tool_calls"
                else:
                    message = {"role": "assistant", "content": f"echo: {prompt}"}
                    finish = "stop"
                self._send(200, {"choices": [{"index": 0, "message": message, "finish_reason": finish}],
                                 "usage": {"prompt_tokens": 11, "completion_tokens": 5}})

            def _send(self, code: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture()
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def _openai(url: str, **options: Any) -> Backend:
    return create_backend("openai", "org/model-7b", base_url=url, api_key="sk-test", backoff=0.01, **options)


def test_openai_text_and_order(server: _Server) -> None:
    backend = _openai(server.url, concurrency=3)
    prompts = [f"q{i}" for i in range(7)]
    out = backend.generate([ask(p, seed=3, stop=("\n",), max_new_tokens=9) for p in prompts])
    assert [c.text for c in out] == [f"echo: {p}" for p in prompts]
    assert all(c.prompt_tokens == 11 and c.completion_tokens == 5 and c.tool_calls is None for c in out)
    body = server.bodies[0]
    assert body["model"] == "org/model-7b" and body["seed"] == 3 and body["stop"] == ["\n"]
    assert body["max_tokens"] == 9 and body["temperature"] == 0.0 and "tools" not in body
    assert server.headers[0]["Authorization"] == "Bearer sk-test"
    identity = backend.identity
    assert identity.weights_sha256 == "remote:org/model-7b" and identity.name == "org_model-7b"


def test_openai_tool_calls(server: _Server) -> None:
    backend = _openai(server.url)
    (out,) = backend.generate([ask("tools", tools=[TOOL])])
    assert server.bodies[-1]["tools"] == [TOOL]
    assert out.tool_calls and out.tool_calls[0]["function"]["name"] == "get_weather"
    assert json.loads(out.text) == [
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        {"name": "now", "arguments": {}},
    ]
    assert out.finish_reason == "stop"


def test_openai_retries_then_succeeds(server: _Server) -> None:
    (out,) = _openai(server.url).generate([ask("flaky")])
    assert out.text == "echo: flaky"
    assert [b["messages"][-1]["content"] for b in server.bodies] == ["flaky", "flaky"]


def test_openai_gives_up_after_bounded_tries(server: _Server) -> None:
    with pytest.raises(BackendError) as info:
        _openai(server.url, max_tries=3).generate([ask("down")])
    assert str(info.value) == f"cannot reach {server.url}/chat/completions: HTTP 500 Internal Server Error"
    assert len(server.bodies) == 3


def test_openai_rejected_request_is_an_error_completion(server: _Server) -> None:
    out = _openai(server.url).generate([ask("too long"), ask("fine")])
    assert out[0].finish_reason == "error" and "context length exceeded" in out[0].extra["error"]
    assert out[1].text == "echo: fine"


def test_openai_unreachable() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BackendError) as info:
        _openai(url, max_tries=2).generate([ask("a"), ask("b")])
    message = str(info.value)
    assert message.startswith(f"cannot reach {url}/chat/completions: ") and "\n" not in message


def test_openai_env_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://example.invalid/v1/")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    backend = create_backend("openai", "m")
    assert backend.url == "http://example.invalid/v1/chat/completions"  # type: ignore[attr-defined]
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    with pytest.raises(BackendError, match="needs a model name"):
        create_backend("openai", None)


# --- the real embedded model --------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_transformers_embedded_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLOSELOOP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = create_backend("transformers", None, batch_size=2)
    assert backend.load_dir.parent == tmp_path / "cache" / "models"  # type: ignore[attr-defined]
    assert (backend.load_dir / "model.safetensors").is_file()  # type: ignore[attr-defined]
    assert not (backend.load_dir / "config.json").read_text().count("quantization_config")  # type: ignore[attr-defined]
    requests = [
        ask("Name a colour.", id="long", max_new_tokens=8),
        ask("Hi", id="short", max_new_tokens=8),
    ]
    out = backend.generate(requests)
    assert len(out) == 2
    for completion in out:
        assert completion.text.strip()
        assert 1 <= completion.completion_tokens <= 8
        assert completion.prompt_tokens > 10
        assert completion.finish_reason in ("stop", "length")
    assert out[0].prompt_tokens > out[1].prompt_tokens  # original order kept after length sorting
    assert backend.supports_tools_in_template() is False  # SmolLM2's template ignores tools=
    identity = backend.identity
    from rl.common import cpu_bf16_ok

    assert identity.backend == "transformers" and identity.dtype == ("bfloat16" if cpu_bf16_ok() else "float32")
    assert identity.weights_sha256 == weights_sha256(resolve_model(None).path)
    backend.close()


def test_batches_cap_rows_and_prompt_tokens() -> None:
    """Similar lengths together, at most batch_size rows, rows x longest prompt within the budget."""
    from harness.backends.transformers_backend import TransformersBackend

    backend = TransformersBackend.__new__(TransformersBackend)  # no model needed for the batching
    backend.batch_size, backend.max_batch_tokens = 4, 100
    lengths = [10, 90, 12, 30, 11, 200, 25, 13, 26, 9]
    prompts = [[1] * n for n in lengths]
    batches = backend._batches(prompts, [ask(str(i)) for i in range(len(lengths))])
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) <= 4 and (len(batch) == 1 or len(batch) * longest <= 100)
    assert [[lengths[i] for i in b] for b in batches] == [[9, 10, 11, 12], [13, 25, 26], [30], [90], [200]]
