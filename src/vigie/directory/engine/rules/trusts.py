"""Trust family: SID filtering, SID history across forests, TGT delegation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from ..catalogue import rule
from ..model import Directory
from ..results import AffectedObject
from ._util import aff

INBOUND, OUTBOUND = 0x1, 0x2
NON_TRANSITIVE, QUARANTINED, FOREST_TRANSITIVE = 0x1, 0x4, 0x8
WITHIN_FOREST, TREAT_AS_EXTERNAL, NO_TGT_DELEGATION, ENABLE_TGT_DELEGATION = 0x20, 0x40, 0x200, 0x800


def _trusts(d: Directory, flagged: Callable[[int, int], object]) -> Iterator[AffectedObject]:
    """The trusts whose (direction, attributes) ``flagged`` holds, each shown with its attributes."""
    for t in d.trusts:
        attrs = t.integer("trustattributes")
        if flagged(t.integer("trustdirection"), attrs):
            yield aff(t, f"trustAttributes {attrs:#x}")


@rule("trust_not_filtered", anssi_id="vuln_trusts_domain_notfiltered", level=1, weight=8,
      title_fr="Approbation de domaine sortante sans filtrage de SID",
      title_en="Outbound domain trust without SID filtering",
      description="The trusted domain can present any SID, including this domain's administrators, in the "
                  "SID history of its users.",
      recommendation="Enable SID filtering (quarantine) on the trust.")
def not_filtered(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _trusts(d, lambda direction, attrs: direction & OUTBOUND
                   and not attrs & (FOREST_TRANSITIVE | WITHIN_FOREST) and not attrs & QUARANTINED)


@rule("trust_forest_sidhistory", anssi_id="vuln_trusts_forest_sidhistory", level=1, weight=8,
      title_fr="Approbation de forêt sortante acceptant l'historique de SID",
      title_en="Outbound forest trust accepting SID history",
      description="The forest trust is treated as external, so SID history from the other forest is "
                  "honoured and can carry privileged SIDs.",
      recommendation="Clear the TREAT_AS_EXTERNAL trust attribute unless a migration still needs it.")
def forest_sidhistory(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _trusts(d, lambda direction, attrs: direction & OUTBOUND
                   and attrs & FOREST_TRANSITIVE and attrs & TREAT_AS_EXTERNAL)


@rule("trust_tgt_delegation", anssi_id="vuln_trusts_tgt_deleg", level=3, weight=4,
      title_fr="Approbation entrante autorisant la délégation de TGT",
      title_en="Inbound trust allowing TGT delegation",
      description="Hosts with unconstrained delegation in the other forest can receive reusable tickets of "
                  "this forest's users.",
      recommendation="Disable TGT delegation across the trust (netdom /EnableTGTDelegation:No).")
def tgt_deleg(d: Directory, now: datetime) -> Iterator[AffectedObject]:
    return _trusts(d, lambda direction, attrs: direction & INBOUND
                   and attrs & ENABLE_TGT_DELEGATION and not attrs & WITHIN_FOREST)
