"""Bring raw phone numbers and e-mail addresses into their canonical form.

Phone numbers become E.164 (``+493055571600``) with ``phonenumbers``; the
domain only checks that form.  Invalid input raises
``domain.errors.InvalidIdentity`` and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from domain.errors import InvalidIdentity
from domain.identity import E164, canonical_email

# What CTI systems send instead of a caller number.
_WITHHELD = frozenset({"", "anonymous", "unknown", "withheld", "private", "restricted"})
_SEPARATORS = re.compile(r"[\s\-./()\[\]]")
_ASCII_DIGITS = re.compile(r"^[0-9]+$")


def is_withheld(raw: str) -> bool:
    """True for a withheld caller: empty, ``anonymous``, ``sip:private@host``…"""
    value = raw.strip().casefold()
    value = value.removeprefix("sip:").removeprefix("tel:").partition("@")[0]
    return value.strip() in _WITHHELD


@lru_cache(maxsize=16384)
def normalise_phone(raw: str, default_region: str) -> str:
    """Return ``raw`` as E.164, reading national numbers in ``default_region``.

    Accepts any formatting, ``+`` or ``00`` prefixes, national numbers, and
    the bare international digits CTI systems send (``493055571600``), which
    are first tried as a national number, then as if prefixed with ``+``.
    Results are remembered (a pure function of its arguments): a call's events repeat its
    numbers, and the dialled number is one of a few hotlines; an invalid number raises
    every time.
    """
    if default_region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown default region {default_region!r}")
    if is_withheld(raw):
        raise InvalidIdentity("the caller's number is withheld", field="phone")
    for candidate, region in _candidates(raw.strip(), default_region):
        e164 = _valid_e164(candidate, region)
        if e164 is not None:
            return e164
    raise InvalidIdentity(f"{raw!r} is not a valid phone number", field="phone")


def normalise_email(raw: str) -> str:
    """Strip, case-fold and check an e-mail address."""
    return canonical_email(raw)


def _candidates(text: str, region: str) -> Iterator[tuple[str, str | None]]:
    yield text, region
    compact = _SEPARATORS.sub("", text)
    if _ASCII_DIGITS.match(compact):
        if compact.startswith("00"):
            yield "+" + compact[2:], None
        yield "+" + compact, None


def _valid_e164(candidate: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164 if E164.match(e164) else None
