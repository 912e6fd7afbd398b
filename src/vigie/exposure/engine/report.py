"""A ScanResult as JSON (plain values, for files and the app) and as a standalone HTML page."""

from __future__ import annotations

import dataclasses
import html
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._model import ScanResult


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples, mappings and datetimes as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def to_json(result: ScanResult) -> str:
    return json.dumps(to_plain(result), ensure_ascii=False, indent=2)


_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
.critical,.high{color:#a00;font-weight:bold}.medium{color:#b60}.small{color:#666;font-size:.9em}"""


def render_html(result: ScanResult) -> str:
    """A readable standalone report (French, the users' language)."""
    e = html.escape
    parts = [f"<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Exposition internet</title>"
             f"<style>{_STYLE}</style></head><body><h1>Rapport d'exposition internet</h1>",
             f"<p class='small'>Analyse du {e(result.started.strftime('%d/%m/%Y %H:%M'))} UTC, "
             f"{(result.finished - result.started).total_seconds():.1f} s, {result.ports_probed} ports sondés. "
             f"Cibles : {e(', '.join(result.targets))}</p>"]
    if result.findings:
        parts.append("<h2>Constats</h2><table><tr><th>Gravité</th><th>Contrôle</th><th>Cible</th><th>Constat</th></tr>")
        for f in sorted(result.findings, key=lambda f: ("critical", "high", "medium", "low", "info").index(f.severity)):
            target = f.domain or f"{f.address}:{f.port}" if f.port is not None else (f.domain or f.address)
            parts.append(f"<tr><td class='{e(f.severity)}'>{e(f.severity)}</td><td>{e(f.check_id)}</td>"
                         f"<td>{e(target)}</td><td>{e(f.evidence)}"
                         f"{' (à confirmer)' if f.confidence == 'to_confirm' else ''}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Hôtes et services</h2><table><tr><th>Adresse</th><th>Noms</th><th>Port</th><th>Service</th>"
                 "<th>Produit</th><th>Détails</th></tr>")
    for host in result.hosts:
        names = ", ".join(host.names) + (f" (PTR {host.reverse_name})" if host.reverse_name else "")
        filtered = sum(1 for p in host.ports if p.state == "filtered")
        if not host.services:
            parts.append(f"<tr><td>{e(host.address)}</td><td>{e(names)}</td><td colspan='4'>aucun port ouvert"
                         f"{f', {filtered} filtrés' if filtered else ''}</td></tr>")
        for s in host.services:
            details = [f"{k}={v}" for k, v in s.facts.items()]
            if s.tls is not None:
                details.append("TLS " + " ".join(s.tls.versions))
                if s.tls.chain:
                    details.append(f"certificat jusqu'au {s.tls.chain[0].not_after:%d/%m/%Y}")
                    issuers = " ← ".join(c.subject for c in s.tls.chain[1:])
                    chain = f"chaîne envoyée : {len(s.tls.chain)} certificat(s)" + (f" ({issuers})" if issuers else "")
                    details.append(chain + (", incomplète" if s.tls.chain_complete is False else ""))
            if s.http:
                details.append(f"HTTP {s.http[0].status} « {s.http[0].title} »")
            if s.auth_required is False:
                details.append("répond sans authentification")
            parts.append(f"<tr><td>{e(host.address)}</td><td>{e(names)}</td><td>{s.port}</td><td>{e(s.name)}</td>"
                         f"<td>{e(' '.join(x for x in (s.product, s.version) if x))}</td><td>{e('; '.join(details))}</td></tr>")
    parts.append("</table>")
    if result.domains:
        parts.append("<h2>Domaines</h2><table><tr><th>Domaine</th><th>SPF</th><th>DMARC</th><th>Transfert de zone ouvert</th>"
                     "<th>Sous-domaines</th></tr>")
        for d in result.domains:
            parts.append(f"<tr><td>{e(d.name)}</td><td>{e(d.spf or 'absent')}</td><td>{e(d.dmarc or 'absent')}</td>"
                         f"<td>{e(', '.join(d.zone_transfer_open) or 'non')}</td><td>{e(', '.join(d.subdomains))}</td></tr>")
        parts.append("</table>")
    if result.refused:
        parts.append("<h2>Refusé (hors périmètre, aucun paquet envoyé)</h2><table><tr><th>Cible</th><th>Raison</th></tr>")
        parts.extend(f"<tr><td>{e(r.target)}</td><td>{e(r.reason)}</td></tr>" for r in result.refused)
        parts.append("</table>")
    if result.errors:
        parts.append("<h2>Erreurs</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in result.errors) + "</ul>")
    parts.append("</body></html>")
    return "".join(parts)
