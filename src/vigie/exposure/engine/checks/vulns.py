"""Known-vulnerable versions: the service's CPE looked up in the knowledge base (or the curated starter
set when the scan was given none). A CVE in CISA's KEV catalogue is raised one severity level (at least
high): it is being exploited. A version read from a distribution's build (Debian's OpenSSH carries
backported fixes under the upstream version) is reported as to confirm, not as certain."""

from __future__ import annotations

from collections.abc import Iterable

from .._model import SEVERITIES, Confidence, Service, Severity
from ..errors import VulnDBError
from ..vulndb import VulnDB, starter_db
from ._registry import Context, Hit, check


def severity_of(cvss: float | None, kev: bool) -> Severity:
    """CVSS v3 rating bands; KEV raises one level, to at least high."""
    if cvss is None:
        base: Severity = "medium"
    elif cvss >= 9.0:
        base = "critical"
    elif cvss >= 7.0:
        base = "high"
    elif cvss >= 4.0:
        base = "medium"
    else:
        base = "low"
    if kev:
        level = min(SEVERITIES.index(base) + 1, len(SEVERITIES) - 1)
        return SEVERITIES[max(level, SEVERITIES.index("high"))]
    return base


@check(id="vuln.known", family="vulns", title_fr="Version vulnérable connue",
       title_en="Known vulnerable version", severity="high",
       reference="NVD (nvd.nist.gov) ; CISA Known Exploited Vulnerabilities ; alertes du CERT Santé",
       remediation_fr="Appliquez le correctif de l'éditeur ou mettez à jour vers une version corrigée ; "
                      "pour une vulnérabilité activement exploitée (KEV), traitez-la sans délai et "
                      "recherchez des traces de compromission.",
       remediation_en="Apply the vendor's fix or upgrade to a fixed version; for an actively exploited "
                      "vulnerability (KEV), act at once and look for signs of compromise.", needs=("banner",))
def known_vulnerable(service: Service, context: Context) -> Iterable[Hit] | None:
    if not service.cpe:
        return None
    kb: VulnDB = context.kb or starter_db()
    try:
        found = kb.lookup(service.cpe)
    except VulnDBError:  # a malformed CPE cannot be judged
        return None
    confidence: Confidence = "to_confirm" if service.distro_build else "certain"
    hits: list[Hit] = []
    for vuln in found:
        details = {"cve": vuln.cve, "kev": "yes" if vuln.kev else "no", "cpe": service.cpe,
                   "cvss": "" if vuln.cvss is None else f"{vuln.cvss:.1f}"}
        if vuln.ransomware:
            details["ransomware"] = "known"
        if service.distro_build:
            details["distro_build"] = service.distro_build
        version = f"{service.product} {service.version}".strip()
        note = " (distribution build: fixes may be backported)" if service.distro_build else ""
        kev = ", in CISA KEV" if vuln.kev else ""
        hits.append(Hit(vuln.cve, f"{version}{note}: {vuln.cve} (CVSS {details['cvss'] or '?'}{kev})",
                        severity=severity_of(vuln.cvss, vuln.kev), confidence=confidence, details=details))
    return hits
