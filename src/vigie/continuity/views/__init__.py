"""Continuity pages, by family (bia, inventory, backups, kit, plans, workbook), on core's generic views:
their forms save through `saving.save_form` (the dependency links audited) under the module's navigation."""

from functools import partial

from vigie.core import generic

from ..saving import save_form

NAV = "continuity/_nav.html"
create = partial(generic.create, save=save_form, nav=NAV)
edit = partial(generic.edit, save=save_form, nav=NAV)
