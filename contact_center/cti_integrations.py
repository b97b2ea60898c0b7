"""CTI integrations: one per telephony system, with its token, block list and caller-ID rules.

A token is ``<key id>.<secret>``: the key id (public, 16 hex digits) finds the row, and the
SHA-256 of the whole token is compared in constant time with the stored one. Only the hash
is stored; the token is shown once, when the integration is added.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID, uuid4

from adapters.cti_store import CtiStore, StoredIntegration
from contact_center.identity_normalisation import is_withheld, normalise_phone
from domain.errors import InvalidIdentity, InvalidValue

WITHHELD = "withheld"  # a block-list entry matching callers who withhold their number
_PATTERN = re.compile(r"^\+?[0-9*]+$")
_SEPARATORS = re.compile(r"[\s\-./()]")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$")
_UNKNOWN_TOKEN_HASH = hashlib.sha256(b"no integration has this key id").digest()


@dataclass(frozen=True)
class CallerIdRule:
    """Outbound calls to numbers matching ``pattern`` (E.164 digits, ``*`` = one or more
    digits) show ``caller_id`` (E.164)."""

    pattern: str
    caller_id: str

    def matches(self, dialled: str) -> bool:
        regex = "".join(".+" if part == "*" else re.escape(part) for part in re.split(r"(\*)", self.pattern))
        return re.fullmatch(regex, dialled) is not None


@dataclass(frozen=True)
class Integration:
    id: UUID
    name: str
    blocked: frozenset[str]
    caller_id_rules: tuple[CallerIdRule, ...]

    @property
    def actor(self) -> str:
        return f"cti:{self.name}"

    def blocks(self, caller: str | None) -> bool:
        """Is the caller (E.164, or None when withheld) on the block list?"""
        return (WITHHELD if caller is None else caller) in self.blocked

    def caller_id_for(self, dialled: str | None) -> str | None:
        """The caller ID of the first rule matching the dialled number (E.164), if any."""
        if dialled is None:
            return None
        return next((rule.caller_id for rule in self.caller_id_rules if rule.matches(dialled)), None)


def pbx_number(raw: str, default_region: str) -> str:
    """E.164 of a number as telephony systems write it: digits without a leading ``0`` or
    ``+`` are international first (``492214710334``, Zammad's convention), national only if
    that is no valid number; anything else as :func:`normalise_phone` reads it."""
    digits = _SEPARATORS.sub("", raw)
    if digits.isascii() and digits.isdigit() and not digits.startswith("0"):
        try:
            return normalise_phone("+" + digits, default_region)
        except InvalidIdentity:
            pass
    return normalise_phone(raw, default_region)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class CtiIntegrations:
    def __init__(self, store: CtiStore, default_region: str, cache_seconds: float = 5.0) -> None:
        self.store = store
        self.default_region = default_region
        # Telephony systems post several events per call: the integration a key id names is
        # kept briefly, so most events skip a round trip. Unknown key ids are never kept.
        self.cache_seconds = cache_seconds
        self._known: dict[str, tuple[float, StoredIntegration]] = {}

    def add(self, name: str, block: Iterable[str] = (), caller_id_rules: Iterable[str] = ()) -> str:
        """Configure an integration; returns its token (shown once, stored only as a hash).

        ``block`` holds numbers in any format (``withheld`` or ``anonymous`` for callers who
        withhold theirs); ``caller_id_rules`` holds ``PATTERN=CALLERID`` (``4989*=498999998145``,
        ``*=496990009111`` as the default), tried in the order given."""
        if not _NAME.match(name):
            raise InvalidValue(f"{name!r} is not an integration name: letters, digits, space . _ -",
                               field="name")
        key_id = secrets.token_hex(8)
        token = f"{key_id}.{secrets.token_urlsafe(32)}"
        self.store.add_integration(StoredIntegration(
            id=uuid4(), name=name, token_sha256=token_hash(token),
            blocked=tuple(dict.fromkeys(self._blocked(number) for number in block)),
            caller_id_rules=tuple(self._rule(rule) for rule in caller_id_rules)), key_id)
        return token

    def authenticate(self, token: str) -> Integration | None:
        key_id, _, _ = token.partition(".")
        stored = self._stored(key_id) if re.fullmatch(r"[0-9a-f]{16}", key_id) else None
        expected = _UNKNOWN_TOKEN_HASH if stored is None else stored.token_sha256
        if not hmac.compare_digest(token_hash(token), expected) or stored is None:
            return None
        return Integration(stored.id, stored.name, frozenset(stored.blocked),
                           tuple(CallerIdRule(p, c) for p, c in stored.caller_id_rules))

    def _stored(self, key_id: str) -> StoredIntegration | None:
        now = time.monotonic()
        kept = self._known.get(key_id)
        if kept is not None and now - kept[0] < self.cache_seconds:
            return kept[1]
        stored = self.store.integration(key_id)
        if stored is None:
            self._known.pop(key_id, None)
        else:
            self._known[key_id] = (now, stored)
        return stored

    def names(self) -> list[str]:
        return self.store.names()

    def _blocked(self, number: str) -> str:
        return WITHHELD if is_withheld(number) else pbx_number(number, self.default_region)

    def _rule(self, text: str) -> tuple[str, str]:
        pattern, sep, caller_id = text.partition("=")
        pattern = _SEPARATORS.sub("", pattern)
        if pattern.startswith("00"):
            pattern = pattern[2:]
        if not sep or not _PATTERN.match(pattern):
            raise InvalidValue(f"{text!r} is not a caller-ID rule: PATTERN=CALLERID, e.g. "
                               "4989*=498999998145", field="caller_id_rule")
        pattern = pattern if pattern == "*" or pattern.startswith("+") else "+" + pattern
        return pattern, pbx_number(caller_id, self.default_region)
