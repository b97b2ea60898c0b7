"""Where the master key comes from: the environment, else a key file; never silently none."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from adapters.data_keys import MasterKeyring
from adapters.services.processes import ServiceError
from contact_center.settings import Settings


def key_file(settings: Settings) -> Path:
    return settings.master_key_file or settings.data_dir / "master.key"


def generate_master_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _decode(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ServiceError(f"{what} is not valid base64") from exc
    if len(key) != 32:
        raise ServiceError(f"{what} must decode to 32 bytes, not {len(key)}")
    return key


def load_keyring(settings: Settings) -> MasterKeyring:
    if settings.master_key is not None:
        current = _decode(settings.master_key.get_secret_value(), "SWITCHBOARD_MASTER_KEY")
    elif key_file(settings).exists():
        current = _decode(key_file(settings).read_text(), f"the master key file {key_file(settings)}")
    else:
        raise ServiceError(
            "no master key: set SWITCHBOARD_MASTER_KEY (base64 of 32 random bytes; "
            f"`switchboard keys generate` makes one) or create {key_file(settings)}")
    previous: tuple[bytes, ...] = ()
    if settings.previous_master_keys is not None:
        previous = tuple(_decode(k, "SWITCHBOARD_PREVIOUS_MASTER_KEYS")
                         for k in settings.previous_master_keys.get_secret_value().split(",") if k.strip())
    return MasterKeyring(current, previous)


def ensure_key_file(settings: Settings) -> bool:
    """For the one-machine demo: create a key file (mode 0600) if no key is configured."""
    path = key_file(settings)
    if settings.master_key is not None or path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(generate_master_key() + "\n")
    return True
