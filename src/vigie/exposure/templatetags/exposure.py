from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """`counts|get:"high"`: a dictionary value in a template (0 when missing)."""
    return (mapping or {}).get(key, 0)
