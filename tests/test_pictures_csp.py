"""Nothing that reaches a page carries what the pages' Content-Security-Policy refuses: a `style=` attribute,
a `<style>` element, an inline script (a `<script>` without `src`, an `on…=` handler, a `javascript:` link,
htmx's `hx-on`, which evaluates code). The page templates are read as text; the pictures built in Python
are drawn and checked; the Python sources are read for markup of that kind in their strings.

Documents are not pages: the PDFs WeasyPrint prints, the standalone HTML reports and the offline crisis kit
(with its own policy) carry their stylesheet inside them. They are listed below with why, and the list is
checked against the tree so it cannot grow stale."""

import datetime
import io
import re
import tokenize
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

import vigie

SOURCE = Path(vigie.__file__).parent
OFFENCES = {
    "style attribute": re.compile(r"""<[^<>]*\sstyle\s*=""", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I),
    "event handler attribute": re.compile(r"""<[^<>]*\son[a-z]+\s*=\s*["'{]""", re.I),
    "javascript: link": re.compile(r"javascript:", re.I),
    "hx-on attribute": re.compile(r"<[^<>]*\shx-on", re.I),
}
DOCUMENTS = {  # templates that are never a page, and why
    "compliance/templates/compliance/declarations/pack_index.html": "the index inside the evidence pack (a zip)",
    "directory/templates/directory/report_management.html": "the AD management report, a standalone document",
    "exercises/templates/exercises/_pdf.html": "the A4 frame of the incident and crisis log PDFs",
    "exercises/templates/exercises/exercises/report.html": "the exercise report, printed by WeasyPrint",
    "exercises/templates/exercises/incidents/pdf.html": "the incident declaration, printed by WeasyPrint",
    "exercises/templates/exercises/log/pdf.html": "the crisis log, printed by WeasyPrint",
    "exposure/templates/exposure/report_document.html": "the exposure report, a standalone document and its PDF",
    "steering/templates/steering/report_document.html": "the yearly steering report, printed by WeasyPrint",
}
DOCUMENT_DIRS = {  # whole folders of document templates
    "continuity/engine/documents/templates": "PCRA documents and the offline crisis kit (its own policy)",
}
PYTHON_DOCUMENTS = {  # Python modules whose strings hold such markup, and why that never reaches a page
    "compliance/uploads.py": "recognises HTML uploads by their first tag, to refuse them",
    "core/charts.py": "with_stylesheet puts the stylesheet inside a chart for a PDF (its charts are drawn below)",
    "directory/engine/report.py": "the AD technical report, a standalone HTML document",
    "exposure/engine/report.py": "the exposure engine's report, a standalone HTML document",
}


def offences(text: str) -> list[str]:
    return [name for name, pattern in OFFENCES.items() if pattern.search(text)]


def offending_lines(text: str) -> list[tuple[int, str]]:
    """(line, what) of each offence in a whole file: a tag may spread over several lines."""
    return sorted((text.count("\n", 0, match.start()) + 1, name)
                  for name, pattern in OFFENCES.items() for match in pattern.finditer(text))


def page_templates() -> list[Path]:
    found = []
    for path in sorted(SOURCE.rglob("templates/**/*.html")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative in DOCUMENTS or any(relative.startswith(f"{folder}/") for folder in DOCUMENT_DIRS):
            continue
        found.append(path)
    return found


def test_the_checks_catch_what_the_policy_refuses():
    for bad in ('<p style="color:red">', "<style>p{}</style>", "<script>alert(1)</script>",
                '<button onclick="x()">', '<a href="javascript:x()">', '<div hx-on:click="x()">'):
        assert offences(bad), bad
    for fine in ('<script src="/static/vigie/vigie.js" defer></script>', '<link rel="stylesheet" href="/x.css">',
                 '<p class="one">styles</p>', "<p>Les personnes one</p>"):
        assert not offences(fine), fine


def test_the_document_lists_name_files_that_exist():
    for relative in [*DOCUMENTS, *DOCUMENT_DIRS, *PYTHON_DOCUMENTS]:
        assert (SOURCE / relative).exists(), f"{relative} is listed as a document but is gone: take it off the list"


def test_page_templates_carry_nothing_the_csp_refuses():
    templates = page_templates()
    assert len(templates) > 100  # the walk found the apps' templates
    bad = [f"{path.relative_to(SOURCE)}:{number}: {what}"
           for path in templates for number, what in offending_lines(path.read_text(encoding="utf-8"))]
    assert not bad, "refused by the pages' Content-Security-Policy:\n" + "\n".join(bad)


def test_python_sources_build_no_such_markup():
    bad = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative in PYTHON_DOCUMENTS or "/migrations/" in relative:
            continue
        for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if token.type == tokenize.STRING and (found := offences(token.string)):
                bad.append(f"{relative}:{token.start[0]}: {', '.join(found)}")
    assert not bad, "markup refused by the pages' Content-Security-Policy:\n" + "\n".join(bad)


HOSTILE = '<style>x</style><script>y</script> style="z"'


def chart_pictures() -> dict[str, str]:
    from vigie.core import charts

    day = datetime.date(2026, 5, 1)
    return {
        "line_chart": charts.line_chart(ident="l", title=HOSTILE, desc=HOSTILE, labels=[HOSTILE, "b"],
                                        series=[charts.Series(HOSTILE, (1.0, None))]),
        "step_chart": charts.step_chart(
            ident="s", title=HOSTILE, desc=HOSTILE, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 9, 1),
            x_ticks=[(day, HOSTILE)], series=[charts.Steps(HOSTILE, ((day, 3),))],
            bars=charts.Bars(HOSTILE, ((day, 4),))),
        "tile_grid": charts.tile_grid(ident="t", title=HOSTILE, desc=HOSTILE, none_text=HOSTILE,
                                      tiles=[charts.Tile(HOSTILE, 50.0, url="/r")]),
    }


def dependency_graph() -> str:
    from vigie.continuity.engine import graph

    nodes = [graph.Node("a", HOSTILE, "activity", HOSTILE, "/a"), graph.Node("b", "B", "component", alert=True)]
    return graph.render_svg(graph.build(nodes, [("a", "b")]), title=HOSTILE)


def ad_trend() -> str:
    from django.utils import timezone

    from vigie.directory.trend import trend_chart

    audits = [SimpleNamespace(finished_at=timezone.now() - datetime.timedelta(days=days), level=level,
                              failing_count=failing) for days, level, failing in ((200, 1, 9), (30, 3, 2))]
    return trend_chart(SimpleNamespace(domain=HOSTILE), audits)


def qr_code() -> str:
    from vigie.accounts.services import qr_svg  # drawn by the qrcode library: its output is checked too

    return qr_svg("otpauth://totp/Vigie:alice?secret=JBSWY3DPEHPK3PXP")


PRODUCERS = {  # every picture drawn in Python for a page, with hostile text where there is text
    **{f"core.charts.{name}": (lambda name=name: chart_pictures()[name])
       for name in ("line_chart", "step_chart", "tile_grid")},
    "continuity.engine.graph.render_svg": dependency_graph,
    "directory.trend.trend_chart": ad_trend,
    "accounts.services.qr_svg": qr_code,
}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_pictures_drawn_for_pages_are_clean(producer):
    svg = PRODUCERS[producer]()
    assert "<svg" in svg
    assert not offences(svg), f"{producer}: {offences(svg)}"
    for element in ET.fromstring(svg).iter():
        assert "style" not in element.attrib and not element.tag.endswith(("}style", "}script")), (producer, element)
        assert not any(name.startswith("on") for name in element.attrib), (producer, element.attrib)
