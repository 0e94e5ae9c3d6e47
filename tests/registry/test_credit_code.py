"""The Unified Social Credit Code: real codes pass, every single-character change is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from registry import credit_code
from registry.credit_code import CHARSET, check_character, is_valid, normalise, validate_format
from tests.factories import FirmFactory

# Published codes of real enterprises (public licences) and the GB 32100 worked example.
REAL_CODES = [
    "91350100M000100Y43",  # the worked example of GB 32100
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91110000802100433B",  # China Petroleum & Chemical Corporation
    "91110108551385082Q",  # Beijing Xiaomi Technology Co., Ltd.
]
# An early pilot code that is real but fails the checksum (P10).
PILOT_CODE = "91350100M0001TGQXM"

first17 = st.tuples(
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(CHARSET, min_size=9, max_size=9),
).map("".join)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code):
    assert is_valid(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_character_change_is_refused(code):
    for position in range(18):
        for char in CHARSET + "IOSVZ":
            if char == code[position]:
                continue
            mutated = code[:position] + char + code[position + 1 :]
            assert not is_valid(mutated), (position + 1, mutated)


@given(first17)
def test_completed_codes_validate(prefix):
    assert is_valid(prefix + check_character(prefix))


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_any_substitution_in_a_generated_code_is_caught(prefix, position, char):
    code = prefix + check_character(prefix)
    mutated = code[:position] + char + code[position + 1 :]
    assert is_valid(mutated) == (mutated == code)


def test_normalise_strips_spaces_and_upper_cases():
    assert normalise(" 9135 0100m000 100y43 \t") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9135010", "18 位"),
        ("91350100M000100I43", "第 16 位"),
        ("91350A00M000100Y43", "第 6 位"),
    ],
)
def test_format_errors_name_the_position(code, message):
    with pytest.raises(ValidationError) as caught:
        validate_format(code)
    assert message in caught.value.messages[0]


def test_checksum_error_names_the_expected_character():
    error = credit_code.checksum_error("91350100M000100Y44")
    assert error is not None
    assert "第 18 位" in error.messages[0] and "“3”" in error.messages[0]


@pytest.mark.django_db
def test_firm_with_bad_checksum_is_refused_without_override():
    firm = FirmFactory.build(credit_code="91350100M000100Y44")
    with pytest.raises(ValidationError) as caught:
        firm.full_clean()
    assert "credit_code" in caught.value.message_dict


@pytest.mark.django_db
def test_pilot_code_is_accepted_with_an_override_reason():
    firm = FirmFactory.build(credit_code=PILOT_CODE, credit_code_override="与营业执照原件核对一致")
    firm.full_clean()
    firm.save()
    assert firm.credit_code == PILOT_CODE


@pytest.mark.django_db
def test_code_is_normalised_when_saved():
    firm = FirmFactory(credit_code="91350100 m000100y43")
    firm.refresh_from_db()
    assert firm.credit_code == "91350100M000100Y43"


@pytest.mark.django_db
def test_bad_charset_is_refused_even_with_an_override():
    firm = FirmFactory.build(credit_code="91350100M000100O43", credit_code_override="reason")
    with pytest.raises(ValidationError) as caught:
        firm.full_clean()
    assert "第 16 位" in caught.value.message_dict["credit_code"][0]


@pytest.mark.django_db
def test_english_message(settings):
    from django.utils import translation

    with translation.override("en"):
        error = credit_code.checksum_error("91350100M000100Y44")
        assert "check character" in error.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["91350100M000100O43", "9135010", "91350100M000100Y4Z"])
def test_malformed_code_gives_a_field_error_not_a_crash(code):
    firm = FirmFactory.build(credit_code=code)
    with pytest.raises(ValidationError) as caught:
        firm.full_clean()
    assert "credit_code" in caught.value.message_dict
