"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015; docs/RULES.md, P10).

A code is 18 characters from a 31-character alphabet (no I, O, S, V, Z). The
last character is a check character: weights 3^i mod 31 over the first 17.
Every single-character substitution changes the weighted sum by a non-zero
multiple of a weight that is invertible mod 31, so the check catches all of
them. Some early pilot codes fail the check although they are real; P10 lets a
caseworker record an override reason for those, so the charset check and the
checksum check are separate functions.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18


def normalise(raw: str) -> str:
    """Strip every kind of white space and upper-case, as people paste codes with spaces."""
    return "".join(str(raw).split()).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_format(code: str) -> None:
    """Refuse a code of the wrong length or with a character outside its position's alphabet.

    The message names the first wrong position (1-based), so a caseworker can
    compare it with the licence.
    """
    if len(code) != LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(length)d 位。"),
            code="length",
            params={"length": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if 3 <= position <= 8:
            valid = char.isdigit()
            expected = _("数字")
        else:
            valid = char in VALUES
            expected = _("数字或除 I、O、S、V、Z 以外的大写字母")
        if not valid:
            raise ValidationError(
                _("统一社会信用代码第 %(position)d 位“%(char)s”无效：应为%(expected)s。"),
                code="charset",
                params={"position": position, "char": char, "expected": expected},
            )


def checksum_error(code: str) -> ValidationError | None:
    """The error for a well-formed code whose 18th character does not match, or None."""
    expected = check_character(code[:17])
    if code[17] == expected:
        return None
    return ValidationError(
        _(
            "统一社会信用代码第 18 位校验码应为“%(expected)s”，实际为“%(actual)s”。"
            "请核对前 17 位；若营业执照确为此代码，请填写核验说明后保存。"
        ),
        code="checksum",
        params={"expected": expected, "actual": code[17]},
    )


def is_well_formed(code: str) -> bool:
    """Length and charset are right (the checksum is another matter); the field validator reports the rest."""
    try:
        validate_format(code)
    except ValidationError:
        return False
    return True


def is_valid(code: str) -> bool:
    """True for a well-formed code with a correct check character."""
    return is_well_formed(code) and checksum_error(code) is None


def make_code(first17: str) -> str:
    """Complete 17 characters into a valid code (demo data and tests)."""
    return first17 + check_character(first17)
