from __future__ import annotations

import base64
import logging
import os

import pytest
from launchforge_common import crypto
from launchforge_common.crypto import (
    DEVELOPMENT_KEY,
    DecryptionError,
    KeyRing,
    KeyRingError,
)


def _key() -> bytes:
    return os.urandom(32)


def _config(*entries: tuple[str, bytes]) -> str:
    return ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in entries)


def test_round_trip_with_associated_data() -> None:
    ring = KeyRing.parse(_config(("k1", _key())))
    sealed = ring.encrypt(b"secret material", b"row:42")
    assert b"secret material" not in sealed
    assert sealed[0] == 1
    assert KeyRing.key_id_of(sealed) == "k1"
    assert ring.decrypt(sealed, b"row:42") == b"secret material"


def test_nonce_is_random() -> None:
    ring = KeyRing([("k1", _key())])
    assert ring.encrypt(b"same") != ring.encrypt(b"same")


def test_rotation_old_ciphertexts_still_decrypt() -> None:
    old, new = _key(), _key()
    before = KeyRing.parse(_config(("k1", old)))
    sealed_old = before.encrypt(b"written before rotation", b"ctx")

    after = KeyRing.parse(_config(("k2", new), ("k1", old)))
    assert after.primary_key_id == "k2"
    assert after.decrypt(sealed_old, b"ctx") == b"written before rotation"
    assert after.needs_reencryption(sealed_old)

    sealed_new = after.encrypt(b"written after", b"ctx")
    assert KeyRing.key_id_of(sealed_new) == "k2"
    assert not after.needs_reencryption(sealed_new)
    # The old ring does not know k2.
    with pytest.raises(DecryptionError, match="unknown key 'k2'"):
        before.decrypt(sealed_new, b"ctx")


def test_tampered_ciphertext_is_rejected() -> None:
    ring = KeyRing([("k1", _key())])
    sealed = bytearray(ring.encrypt(b"payload", b"ctx"))
    sealed[-1] ^= 0x01
    with pytest.raises(DecryptionError, match="failed authentication"):
        ring.decrypt(bytes(sealed), b"ctx")


def test_relabelled_key_id_is_rejected() -> None:
    key = _key()
    ring = KeyRing([("k1", key), ("k2", key)])  # same material under two ids
    sealed = ring.encrypt(b"payload")
    relabelled = sealed.replace(b"k1", b"k2", 1)
    with pytest.raises(DecryptionError):
        ring.decrypt(relabelled)


def test_wrong_key_and_wrong_context_are_rejected() -> None:
    sealed = KeyRing([("k1", _key())]).encrypt(b"payload", b"ctx")
    with pytest.raises(DecryptionError):
        KeyRing([("k1", _key())]).decrypt(sealed, b"ctx")
    ring = KeyRing([("k1", _key())])
    sealed = ring.encrypt(b"payload", b"row:1")
    with pytest.raises(DecryptionError):
        ring.decrypt(sealed, b"row:2")


@pytest.mark.parametrize("garbage", [b"", b"\x02abc", b"\x01\x02k1", b"\x01\x00" + b"x" * 40])
def test_malformed_ciphertext_is_rejected(garbage: bytes) -> None:
    with pytest.raises(DecryptionError):
        KeyRing([("k1", _key())]).decrypt(garbage)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("", "at least one key"),
        ("k1", "<id>:<base64 key>"),
        ("k1:not base64!!", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "exactly 32 bytes"),
        (f"bad id:{base64.b64encode(b'x' * 32).decode()}", "key ids"),
        (_config(("k1", b"a" * 32), ("k1", b"b" * 32)), "duplicate"),
    ],
)
def test_invalid_configuration_is_refused(config: str, message: str) -> None:
    with pytest.raises(KeyRingError, match=message):
        KeyRing.parse(config)


def test_repr_hides_key_material() -> None:
    key = b"k" * 32
    ring = KeyRing([("k1", key)])
    assert "k1" in repr(ring)
    assert base64.b64encode(key).decode() not in repr(ring)
    assert "kkkk" not in repr(ring)


def test_development_fallback_outside_production_warns_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crypto, "_dev_warning_logged", False)
    with caplog.at_level(logging.WARNING, logger="launchforge.crypto"):
        first = KeyRing.from_settings(None, environment="test")
        second = KeyRing.from_settings("", environment="development")
    assert first.is_development
    assert second.is_development
    assert first.decrypt(second.encrypt(b"x")) == b"x"
    warnings = [r for r in caplog.records if r.name == "launchforge.crypto"]
    assert len(warnings) == 1


def test_production_refuses_missing_or_development_keys() -> None:
    with pytest.raises(KeyRingError, match="must be configured"):
        KeyRing.from_settings(None, environment="production")
    with pytest.raises(KeyRingError, match="refused in production"):
        KeyRing.from_settings(_config(("dev", DEVELOPMENT_KEY)), environment="production")
    ring = KeyRing.from_settings(_config(("prod1", _key())), environment="production")
    assert ring.primary_key_id == "prod1"
    assert not ring.is_development


def test_generated_keys_are_usable() -> None:
    ring = KeyRing.parse(f"g1:{KeyRing.generate_key()}")
    assert ring.decrypt(ring.encrypt(b"ok")) == b"ok"
