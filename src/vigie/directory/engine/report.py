"""Serialisations of an AuditResult: JSON-ready dict and a standalone HTML page."""

from __future__ import annotations

from dataclasses import asdict
from html import escape
from typing import Any

from .results import AuditResult, Finding, RuleInfo

__all__ = ["render_html", "to_json"]

LEVEL_LABELS = {1: "critique", 2: "faible", 3: "basique", 4: "bon", 5: "état de l'art"}


def _finding(f: Finding) -> dict[str, Any]:
    d = asdict(f)
    d["score"] = f.score
    d["legacy_id"] = f.legacy_id if f.anssi_id else ""
    d["affected"] = [asdict(a) for a in f.affected]
    return d


def _rule(r: RuleInfo) -> dict[str, Any]:
    d = asdict(r)
    d["legacy_id"] = r.legacy_id if r.anssi_id else ""
    return d


def to_json(result: AuditResult) -> dict[str, Any]:
    """A JSON-serialisable dict (datetimes as ISO 8601 strings)."""
    return {
        "format": "vigie-ad-audit", "version": 1,
        "domain": result.domain, "domain_sid": result.domain_sid,
        "domain_functional_level": result.domain_functional_level,
        "forest_functional_level": result.forest_functional_level,
        "collected_at": result.collected_at.isoformat() if result.collected_at else None,
        "analysed_at": result.analysed_at.isoformat(),
        "level": result.level, "score": result.score, "counts": dict(result.counts),
        "findings": [_finding(f) for f in result.findings],
        "next_level_blockers": [f.rule_id for f in result.next_level_blockers],
        "covered": [_rule(r) for r in result.covered],
        "not_computable": list(result.not_computable),
    }


def render_html(result: AuditResult) -> str:
    """A self-contained HTML report (no external assets), French first."""
    e = escape
    rows = []
    for f in sorted(result.findings, key=lambda f: (f.level, -f.score)):
        objs = "".join(f"<li><code>{e(a.dn)}</code>{' — ' + e(a.detail) if a.detail else ''}</li>"
                       for a in f.affected[:50])
        more = f"<li>… {len(f.affected) - 50} de plus</li>" if len(f.affected) > 50 else ""
        rows.append(
            f'<section class="finding level-{f.level}"><h3>[{f.level}] {e(f.title_fr)} '
            f'<small>({e(f.anssi_id or "Vigie")} · {e(f.rule_id)})</small></h3>'
            f'<p lang="en"><em>{e(f.title_en)}</em></p><p>{e(f.description)}</p>'
            f"<p><strong>Recommandation :</strong> {e(f.recommendation)}</p>"
            f"<details><summary>{len(f.affected)} objet(s)</summary><ul>{objs}{more}</ul></details></section>")
    blockers = "".join(f"<li>{e(f.title_fr)} ({len(f.affected)})</li>" for f in result.next_level_blockers)
    covered = "".join(f"<li>{e(r.anssi_id or 'Vigie')} — niveau {r.level} — {e(r.title_fr)}</li>"
                      for r in result.covered)
    notc = "".join(f"<li>{e(x)}</li>" for x in result.not_computable)
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Audit Active Directory — {e(result.domain)}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:auto}}.level-1{{border-left:4px solid #b00}}
.level-2{{border-left:4px solid #d60}}.level-3{{border-left:4px solid #cc0}}.level-4{{border-left:4px solid #06c}}
section.finding{{padding-left:1rem;margin:1rem 0}}</style></head><body>
<h1>Audit Active Directory — {e(result.domain)}</h1>
<p>SID {e(result.domain_sid)} · collecté le {e(str(result.collected_at))} · analysé le {e(str(result.analysed_at))}</p>
<p class="level">Niveau ANSSI : <strong>{result.level}</strong> ({LEVEL_LABELS[result.level]}) · score {result.score}
· {len(result.findings)} point(s) en échec</p>
<h2>Pour atteindre le niveau suivant</h2><ul>{blockers or '<li>Rien : niveau maximal.</li>'}</ul>
<h2>Points en échec</h2>{''.join(rows) or '<p>Aucun.</p>'}
<h2>Couverture</h2><details><summary>Points vérifiés</summary><ul>{covered}</ul></details>
<details><summary>Points non calculables depuis LDAP</summary><ul>{notc}</ul></details>
</body></html>
"""
