"""The steering API: one router; its routes live beside their pages' names (matrix, comparison)."""

from ninja import Router

router = Router(tags=["steering"])

from . import comparison, matrix  # noqa: E402,F401  (their routes register on the router)
