"""The rule registry: each rule is a function registered with its metadata.

A rule receives a :class:`~.model.Directory` (the indexed snapshot) and the analysis time,
and returns the affected objects (empty: the check passes). Families live in ``rules/``,
one module each; importing ``rules`` fills :data:`CATALOGUE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .results import AffectedObject, RuleInfo

if TYPE_CHECKING:
    from .model import Directory

__all__ = ["CATALOGUE", "NOT_COMPUTABLE", "NOT_FROM_LDAP", "NOT_IMPLEMENTED", "Rule", "RuleFunction", "rule"]

RuleFunction = Callable[["Directory", datetime], Iterable[AffectedObject]]


@dataclass(frozen=True, slots=True)
class Rule:
    info: RuleInfo
    check: RuleFunction


CATALOGUE: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    anssi_id: str,
    level: int,
    title_fr: str,
    title_en: str,
    description: str,
    recommendation: str,
    weight: int = 10,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``fn`` under ``rule_id`` (unique) with its ANSSI checkpoint id and level."""
    if not 1 <= level <= 4:
        raise ValueError(f"rule {rule_id}: level must be 1-4")

    def decorate(fn: RuleFunction) -> RuleFunction:
        if rule_id in CATALOGUE:
            raise ValueError(f"duplicate rule id {rule_id}")
        CATALOGUE[rule_id] = Rule(
            RuleInfo(rule_id, anssi_id, level, title_fr, title_en, description, recommendation, weight), fn
        )
        return fn

    return decorate


# ANSSI checkpoints this engine does not decide. Two kinds, both reported in AuditResult.not_computable:
# data that LDAP does not hold (SYSVOL/SMB content, DNS server state, certificate services content, host
# and OS facts, replication state) ...
NOT_FROM_LDAP: tuple[str, ...] = (
    "vuln_certificates_vuln", "vuln_critical_objects", "vuln_dc_obsolete", "vuln_dnszone_bad_prop",
    "vuln_permissions_dfsr_sysvol", "vuln_adupdate_bad", "vuln_dc_crypto", "vuln_sysvol_ntfrs",
    "vuln_permissions_gpo_priv", "vuln_privileged_members_password", "vuln_sd_failed_sd_read_on_priv",
)
# ... and checkpoints computable from LDAP that this version does not implement yet.
NOT_IMPLEMENTED: tuple[str, ...] = (
    "vuln_adcs_control", "vuln_adcs_template_control", "vuln_adcs_template_auth_enroll_with_name",
    "vuln_display_specifier", "vuln_dnsadmins", "vuln_permissions_dpapi", "vuln_permissions_gmsa_keys",
    "vuln_permissions_schema", "vuln_permissions_msdns", "vuln_rodc_priv_revealed",
    "vuln_password_change_cluster_no_change_3years", "vuln_password_change_msa_no_change_90",
    "vuln_kerberos_properties_encryption", "vuln_owner", "vuln_primary_group_id_nochange",
    "vuln_reversible_password_priv_namingcontext", "vuln_rodc_never_reveal", "vuln_rodc_reveal",
    "vuln_rodc_allowed_group", "vuln_rodc_denied_group", "vuln_rodc_orphan_krbtgt", "vuln_group_loop",
    "vuln_silo_priv", "vuln_smartcard_expire_passwords", "vuln_delegation_a2d2", "vuln_delegation_sourcedeleg",
    "vuln_dc_inconsistent_uac",
)
NOT_COMPUTABLE: tuple[str, ...] = NOT_FROM_LDAP + NOT_IMPLEMENTED
