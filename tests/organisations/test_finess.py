import pytest
from django.core.exceptions import ValidationError

from vigie.organisations.finess import luhn_valid, normalise, validate_finess, with_key


@pytest.mark.parametrize("number", ["750712184", "330781196", "75 071 218 4", "750.712.184"])
def test_it_accepts_real_finess_numbers(number):
    validate_finess(number)  # raises if wrong


def test_it_refuses_a_wrong_check_key():
    with pytest.raises(ValidationError) as exc:
        validate_finess("750712185")
    assert exc.value.code == "finess_key"
    assert "750712185" in exc.value.messages[0]


@pytest.mark.parametrize("number", ["75071218", "7507121844", ""])
def test_it_refuses_a_wrong_length(number):
    with pytest.raises(ValidationError) as exc:
        validate_finess(number)
    assert exc.value.code == "finess_length"


@pytest.mark.parametrize("number", ["75O712184", "ABCDEFGHI", "2C0000001"])
def test_it_refuses_letters(number):
    with pytest.raises(ValidationError) as exc:
        validate_finess(number)
    assert exc.value.code == "finess_shape"


def test_it_accepts_corsica_with_its_key_counted_as_20():
    for department in ("2A", "2B"):
        number = with_key(department + "000007")
        validate_finess(number)
        assert number.startswith(department)
        assert luhn_valid("20" + number[2:])


def test_it_refuses_corsica_with_a_wrong_key():
    number = with_key("2A000007")
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        validate_finess(wrong)
    assert exc.value.code == "finess_key"


def test_it_normalises_spaces_dots_and_case():
    assert normalise(" 2a.000 0070 ") == "2A0000070"
