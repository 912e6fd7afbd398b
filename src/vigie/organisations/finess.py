"""FINESS numbers: 9 characters, the last one a Luhn check key over the first eight.

The first two characters are the department (2A/2B for Corsica, counted as 20 for the key; overseas
departments use 97x/98x as plain digits). Source: FINESS nomenclature (DREES), key computed as for
SIREN numbers. See docs/glossary.md.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SHAPE = re.compile(r"^(?:\d{2}|2[AB])\d{7}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise(value: str) -> str:
    """Upper case, spaces and dots removed: how FINESS numbers are often written."""
    return re.sub(r"[\s.]", "", value or "").upper()


def validate_finess(value: str) -> None:
    number = normalise(value)
    if len(number) != 9:
        raise ValidationError(
            _("A FINESS number has 9 characters; %(value)s has %(count)d."),
            code="finess_length",
            params={"value": value, "count": len(number)},
        )
    if not _SHAPE.match(number):
        raise ValidationError(
            _("%(value)s is not a FINESS number: 9 digits expected (2A or 2B allowed for Corsica)."),
            code="finess_shape",
            params={"value": value},
        )
    if not luhn_valid(number.replace("2A", "20", 1).replace("2B", "20", 1)):
        raise ValidationError(
            _("The check key of FINESS number %(value)s is wrong (last digit): check for a typing error."),
            code="finess_key",
            params={"value": value},
        )


def with_key(first_eight: str) -> str:
    """The full number for eight characters: used by the demo data and tests."""
    digits = first_eight.replace("2A", "20", 1).replace("2B", "20", 1)
    for key in "0123456789":
        if luhn_valid(digits + key):
            return first_eight + key
    raise ValueError(first_eight)
