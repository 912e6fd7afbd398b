"""Roles granted on a node of the organisation tree; each applies to the node's whole subtree."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.IntegerChoices):
    READER = 10, _("Reader")
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
