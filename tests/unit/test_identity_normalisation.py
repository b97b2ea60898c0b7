"""Phone and e-mail normalisation: any formatting of a valid number maps to
one E.164 string; anything else raises InvalidIdentity and nothing else."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contact_center.identity_normalisation import is_withheld, normalise_email, normalise_phone
from domain.errors import InvalidIdentity
from domain.identity import E164

REGIONS = ["DE", "AT", "CH", "GB", "FR", "IT", "ES", "NL", "SE", "US", "BR", "IN", "JP", "AU"]
KINDS = [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
SEPARATORS = [" ", "-", ".", " - ", "  "]
# No database: a unit run must not leave files behind.
PROPERTY = settings(max_examples=300, deadline=None, database=None)


def known_valid_numbers() -> list[tuple[str, phonenumbers.PhoneNumber]]:
    numbers = []
    for region in REGIONS:
        for kind in KINDS:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None and phonenumbers.is_valid_number(number):
                numbers.append((region, number))
    return numbers


VALID = known_valid_numbers()


@st.composite
def spelled(draw: st.DrawFn, digits: str) -> str:
    """``digits`` cut into random groups joined by random separators."""
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(digits) - 1)), max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    if len(groups) > 1 and draw(st.booleans()):
        groups[0] = f"({groups[0]})"
    return draw(st.sampled_from(SEPARATORS)).join(g for g in groups if g)


@st.composite
def formatted(draw: st.DrawFn) -> tuple[str, str, str]:
    """(region, raw spelling, expected E.164) for a known-valid number."""
    region, number = draw(st.sampled_from(VALID))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.national_significant_number(number)
    prefix = phonenumbers.ndd_prefix_for_region(region, True) or ""
    style = draw(st.sampled_from(["plus", "00", "national", "library"]))
    if style == "plus":
        raw = f"+{number.country_code} " + draw(spelled(national))
    elif style == "00":
        raw = f"00{number.country_code} " + draw(spelled(national))
        region = "DE"  # a region whose international call prefix is 00
    elif style == "national":
        raw = draw(spelled(prefix + national))
    else:
        fmt = draw(
            st.sampled_from(
                [
                    phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                    phonenumbers.PhoneNumberFormat.NATIONAL,
                    phonenumbers.PhoneNumberFormat.RFC3966,
                ]
            )
        )
        raw = phonenumbers.format_number(number, fmt)
    padding = draw(st.sampled_from(["", " ", "\t"]))
    return region, padding + raw + padding, e164


@PROPERTY
@given(formatted())
def test_any_formatting_of_a_valid_number_maps_to_one_e164(case: tuple[str, str, str]) -> None:
    region, raw, e164 = case
    assert normalise_phone(raw, region) == e164


def phone_outcome(raw: str, region: str) -> str:
    try:
        return normalise_phone(raw, region)
    except InvalidIdentity as error:
        return f"invalid {error.field}"


NUMBERISH = st.text(alphabet="0123456789+()-. /#*x", max_size=30)


@PROPERTY
@given(st.text() | NUMBERISH, st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
@example("+", "DE")
@example("00", "DE")
@example("+49" + "1" * 300, "DE")
@example("١٢٣٤٥٦٧٨٩٠", "EG")
def test_garbage_is_rejected_with_invalid_identity_only(raw: str, region: str) -> None:
    result = phone_outcome(raw, region)
    assert result == "invalid phone" or E164.match(result)


@PROPERTY
@given(st.from_regex(r"[a-z]{3,12}", fullmatch=True), st.sampled_from(REGIONS))
def test_words_are_not_numbers(raw: str, region: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalise_phone(raw, region)


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("+49 30 5557 1600", "US"),
        ("0049 30 55571600", "DE"),
        ("0049 30 55571600", "US"),
        ("030 55571600", "DE"),
        ("(030) 555-716.00", "DE"),
        ("493055571600", "DE"),
        ("493055571600", "US"),
        ("tel:+49-30-5557-1600", "GB"),
    ],
)
def test_documented_spellings(raw: str, region: str) -> None:
    assert normalise_phone(raw, region) == "+493055571600"


def test_bare_digits_are_tried_as_a_national_number_first() -> None:
    assert normalise_phone("2015550123", "US") == "+12015550123"
    assert normalise_phone("12015550123", "US") == "+12015550123"
    assert normalise_phone("12015550123", "DE") == "+12015550123"


@pytest.mark.parametrize("raw", ["", " ", "anonymous", "Unknown", "WITHHELD", "private"])
def test_withheld_numbers(raw: str) -> None:
    assert is_withheld(raw)
    with pytest.raises(InvalidIdentity, match="withheld"):
        normalise_phone(raw, "DE")


def test_sip_anonymous_is_withheld_but_a_number_is_not() -> None:
    assert is_withheld("sip:anonymous@anonymous.invalid")
    assert not is_withheld("+493055571600")


def test_an_unknown_default_region_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="region"):
        normalise_phone("+493055571600", "XX")


def test_email_is_stripped_and_case_folded() -> None:
    assert normalise_email("  Ada.Lovelace@Example.ORG\n") == "ada.lovelace@example.org"
    with pytest.raises(InvalidIdentity):
        normalise_email("not an address")


@PROPERTY
@given(st.text())
def test_email_garbage_is_rejected_with_invalid_identity_only(raw: str) -> None:
    try:
        result = normalise_email(raw)
    except InvalidIdentity as error:
        result = f"invalid {error.field}"
    assert result == "invalid email" or ("@" in result and result == result.strip().casefold())
