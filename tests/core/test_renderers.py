"""The form renderer writes <select> elements in Python: the same markup as Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from vigie.core.renderers import FormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", "Alpha & <b>"), ("b", 'Quote "b"')], required=False)
    grouped = forms.ChoiceField(choices=[("Group <1>", [("1", "One"), ("2", "Two")]), ("3", "Three")])
    several = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    flagged = forms.ChoiceField(choices=[("p", "P")], widget=forms.Select(attrs={"disabled": True, "data-n": 3,
                                                                                  "hidden": False}))


@pytest.mark.parametrize("field", ["plain", "grouped", "several", "flagged"])
@pytest.mark.parametrize("data", [None, {"plain": "a", "grouped": "2", "several": ["x", "y"], "flagged": "p"}])
def test_a_select_is_the_markup_of_djangos_templates(field, data):
    ours = Choices(data, renderer=FormRenderer())[field].as_widget()
    django = Choices(data, renderer=DjangoTemplates())[field].as_widget()
    assert "<option" in ours
    assert parse_html(ours) == parse_html(django)


def test_other_widgets_are_left_to_the_templates():
    class Other(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        text = forms.CharField()

    for name in ("choice", "text"):
        assert parse_html(Other(renderer=FormRenderer())[name].as_widget()) == \
            parse_html(Other(renderer=DjangoTemplates())[name].as_widget())


def test_the_settings_use_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
