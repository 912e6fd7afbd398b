"""Demo data of the exposure module for the demo hospital "brume" (organisations/demo.py builds the tree and calls
`load_demo(nodes)`): an attested scope, three monthly scans over four months whose findings go from a
remote desktop exposed (level 1) to the minimum level held over 50 days (the D1.O2.B pair), an accepted
risk, a retest that verified a fix, and an imported ANS cyber-surveillance report.

Addresses are from the documentation range 192.0.2.0/24 and names under .example: nothing real.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from . import findings as lifecycle
from .engine import Certificate, Coverage, Finding, Host, PortState, ScanResult, Service, TlsInfo
from .models import Audit
from .models import Finding as FindingRow
from .models import FindingEvent, Scan, ScopeEntry
from .scope import ensure_schedule
from .services import store_result

PORTAL, VPN, MAIL = "192.0.2.10", "192.0.2.11", "192.0.2.12"
DOMAIN = "ch-brume.example"


def _cert(name: str, days_left: int, now: datetime.datetime, self_signed: bool = False) -> Certificate:
    return Certificate(subject=f"CN={name}", issuer="CN=Autorité de démonstration" if not self_signed else f"CN={name}",
                       names=(name,), not_before=now - datetime.timedelta(days=300),
                       not_after=now + datetime.timedelta(days=days_left), self_signed=self_signed,
                       sha256=f"{abs(hash((name, days_left))):064x}"[:64], key_type="RSA", key_bits=2048)


def _hosts(now, rdp_open: bool) -> tuple[Host, ...]:
    portal = (
        Service(PORTAL, 443, "https", hostname=f"portail.{DOMAIN}", product="nginx", version="1.22.1",
                cpe="cpe:2.3:a:f5:nginx:1.22.1:*:*:*:*:*:*:*",
                tls=TlsInfo(versions=("TLSv1", "TLSv1.2", "TLSv1.3"), chain=(_cert(f"portail.{DOMAIN}", 25, now),))),
        Service(PORTAL, 80, "http", hostname=f"portail.{DOMAIN}", product="nginx", version="1.22.1"),
    )
    vpn = [Service(VPN, 10443, "https", hostname=f"vpn.{DOMAIN}", product="FortiGate SSL VPN",
                   tls=TlsInfo(versions=("TLSv1.2",), chain=(_cert(f"vpn.{DOMAIN}", 200, now),)))]
    if rdp_open:
        vpn.append(Service(VPN, 3389, "rdp", product="Microsoft Terminal Services"))
    mail = (Service(MAIL, 25, "smtp", hostname=f"mail.{DOMAIN}", product="Postfix smtpd",
                    banner=f"220 mail.{DOMAIN} ESMTP Postfix"),)
    ports = lambda address, services, closed: tuple(PortState(address, s.port, "open") for s in services) + tuple(
        PortState(address, p, "closed") for p in closed)
    return (
        Host(PORTAL, (f"portail.{DOMAIN}",), ports=ports(PORTAL, portal, ()), services=portal),
        Host(VPN, (f"vpn.{DOMAIN}",), ports=ports(VPN, vpn, () if rdp_open else (3389,)), services=tuple(vpn)),
        Host(MAIL, (f"mail.{DOMAIN}",), ports=ports(MAIL, mail, ()), services=mail),
    )


FINDINGS = {
    "rdp": Finding("service.rdp", "critical", VPN, 3389, "", "RDP (3389/tcp) answers from the internet"),
    "tls10": Finding("tls.old_protocol", "medium", PORTAL, 443, "TLSv1", "TLSv1 offered"),
    "hsts": Finding("http.no_hsts", "low", PORTAL, 443, "", "GET / -> 200 without Strict-Transport-Security",
                    hostname=f"portail.{DOMAIN}"),
    "expiring": Finding("tls.expiring", "medium", PORTAL, 443, "", "certificate expires in 25 days",
                        hostname=f"portail.{DOMAIN}"),
    "dmarc": Finding("mail.no_dmarc", "medium", "", None, DOMAIN, "no v=DMARC1 record at _dmarc." + DOMAIN,
                     domain=DOMAIN),
}


def _result(now, keys, rdp_open) -> ScanResult:
    found = tuple(FINDINGS[k] for k in keys)
    coverage = tuple(Coverage(f.check_id, f.address or f.domain, f.port) for f in FINDINGS.values())
    return ScanResult(started=now - datetime.timedelta(minutes=4), finished=now, targets=(DOMAIN, "192.0.2.8/29"),
                      hosts=_hosts(now, rdp_open), findings=found, coverage=coverage, ports_probed=3 * 1100)


@transaction.atomic
def load_demo(nodes) -> None:
    """Create the demo exposure data of nodes["brume"] once (nothing is done if it has a scope already)."""
    org = nodes["brume"]
    if ScopeEntry.objects.filter(organisation=org).exists():
        return
    today = timezone.localdate()
    until = today + datetime.timedelta(days=300)
    for kind, value, note in [("domain", DOMAIN, "Domaine principal"), ("cidr", "192.0.2.8/29", "DMZ"),
                              ("host", f"vpn.{DOMAIN}", "Accès distant des médecins")]:
        ScopeEntry.objects.create(organisation=org, kind=kind, value=value, note=note, attested_by="Diane DSI",
                                  attested_function="Directrice des systèmes d'information",
                                  attested_at=timezone.now() - datetime.timedelta(days=130), attested_until=until)
    schedule = ensure_schedule(org)
    schedule.next_due = today + datetime.timedelta(days=10)
    schedule.save(update_fields=["next_due"])
    plan = [(110, ("rdp", "tls10", "hsts", "dmarc"), True), (70, ("tls10", "hsts", "dmarc", "expiring"), False),
            (20, ("hsts", "dmarc", "expiring"), False)]
    for days, keys, rdp_open in plan:
        when = timezone.now() - datetime.timedelta(days=days)
        scan = Scan.objects.create(organisation=org, kind=Scan.Kind.SCAN, source=Scan.Source.SCHEDULE,
                                   status=Scan.Status.DONE, targets=[DOMAIN, "192.0.2.8/29"], started_at=when)
        store_result(scan, _result(when, keys, rdp_open), alert=False)
        Scan.objects.filter(pk=scan.pk).update(created_at=when)
        FindingEvent.objects.filter(scan=scan).update(at=when)  # the history reads as it happened
        if days == 70:  # the fix of the remote desktop, verified by a one-click retest the next day
            rdp, later = org_finding(org, "service.rdp"), when + datetime.timedelta(days=1)
            retest = Scan.objects.create(organisation=org, kind=Scan.Kind.RETEST, finding=rdp, status=Scan.Status.DONE,
                                         targets=[VPN], started_at=later)
            store_result(retest, ScanResult(started=later, finished=later, targets=(VPN,),
                                            coverage=(Coverage("service.rdp", VPN, 3389),), ports_probed=1))
            Scan.objects.filter(pk=retest.pk).update(created_at=later)
            FindingEvent.objects.filter(scan=retest).update(at=later)
    hsts = org_finding(org, "http.no_hsts")
    lifecycle.accept_risk(hsts, user=None, reason="Portail remplacé par la nouvelle plateforme en début d'année prochaine.",
                          until=today + datetime.timedelta(days=120))
    Audit.objects.create(
        organisation=org, title="Cybersurveillance ANS — rapport trimestriel", provider=Audit.Provider.ANS,
        performed_on=today - datetime.timedelta(days=45), level=3, counts={"medium": 2, "low": 1},
        items=[{"line": 2, "severity": "medium", "asset": f"portail.{DOMAIN}", "port": 443,
                "title": "Protocole TLS 1.0 accepté", "description": "", "recommendation": "Désactiver TLS 1.0 et 1.1",
                "category": "Mauvaise configuration"},
               {"line": 3, "severity": "medium", "asset": DOMAIN, "port": None, "title": "Absence de politique DMARC",
                "description": "", "recommendation": "Publier un enregistrement DMARC", "category": "Usurpation"},
               {"line": 4, "severity": "low", "asset": f"portail.{DOMAIN}", "port": 443, "title": "En-tête HSTS absent",
                "description": "", "recommendation": "Ajouter Strict-Transport-Security", "category": "Configuration"}])


def org_finding(org, check_id):
    return FindingRow.objects.get(organisation=org, check_id=check_id)
