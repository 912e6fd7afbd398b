"""Roles granted on a node of the organisation tree; each applies to the node's whole subtree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.IntegerChoices):
    READER = 10, _("Reader")
    # Reads like a reader; in the funding-declaration workflow also validates, verifies, returns and
    # comments for the ARS. Changes nothing of the establishments' own data (docs/decisions.md).
    ARS_REFERENT = 15, _("ARS referent")
    CONTRIBUTOR = 20, _("Contributor")
    MANAGER = 30, _("Manager (RSSI)")
    ADMIN = 40, _("Administrator")


# What each action needs unless a model says otherwise. An action missing here is refused.
DEFAULT_REQUIRED_ROLES = {
    "view": Role.READER,
    "export": Role.READER,
    "add": Role.CONTRIBUTOR,
    "change": Role.CONTRIBUTOR,
    "delete": Role.CONTRIBUTOR,
    "import": Role.CONTRIBUTOR,
}


# Roles that only make sense on some kinds of node; every other role may be granted anywhere.
GRANTABLE_ON = {Role.ARS_REFERENT: ("region",)}


def grantable(role: int, kind: str) -> bool:
    """Whether `role` may be granted on a node of this kind (the ARS referent: on a region only)."""
    return kind in GRANTABLE_ON.get(role, (kind,))
