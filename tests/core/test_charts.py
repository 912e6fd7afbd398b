"""The SVG charts of vigie.core.charts: shapes present, classes only (no inline style), every text escaped,
well-formed XML, gaps where values are missing."""

import datetime
import re
import xml.etree.ElementTree as ET

from vigie.core import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything not well-formed (an unescaped < or &)


def assert_clean(svg: str):
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    labelled = root.get("aria-labelledby").split()
    assert labelled == [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")]
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
    return root


def months(count):
    return [f"m{n:02d}" for n in range(count)]


def test_line_chart_draws_one_polyline_per_run_and_a_point_per_value():
    values = (10.0, 20.0, None, None, 50.0, 60.0, 70.0)
    svg = charts.line_chart(ident="t1", title="Share", desc="Per month", labels=months(7),
                            series=[charts.Series("MFA", values)])
    root = assert_clean(svg)
    lines = root.findall(f".//{SVG}polyline")
    assert len(lines) == 2  # broken at the two missing months
    assert [len(line.get("points").split()) for line in lines] == [2, 3]
    assert len(root.findall(f".//{SVG}circle")) == 5
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-gap"]) == 2
    assert all(line.get("class") == "chart-line series-0" for line in lines)


def test_line_chart_scales_zero_to_hundred_percent_top_down():
    svg = charts.line_chart(ident="t2", title="t", desc="d", labels=months(2),
                            series=[charts.Series("a", (0.0, 100.0))], height=220)
    cy = [float(c.get("cy")) for c in parse(svg).iter(f"{SVG}circle")]
    assert cy[0] == 220 - charts.BOTTOM and cy[1] == charts.TOP


def test_line_chart_thins_month_labels_and_keeps_the_last():
    svg = charts.line_chart(ident="t3", title="t", desc="d", labels=months(24),
                            series=[charts.Series("a", tuple(float(n) for n in range(24)))])
    ticks = [t.text for t in parse(svg).iter(f"{SVG}text") if "chart-tick-x" in t.get("class")]
    assert ticks == [f"m{n:02d}" for n in range(1, 24, 2)]  # every other month, down from the last


def test_every_text_is_escaped():
    svg = charts.line_chart(ident='x"y', title=HOSTILE, desc=HOSTILE, labels=[HOSTILE, "b"],
                            series=[charts.Series(HOSTILE, (1.0, 2.0), texts=(HOSTILE, HOSTILE))])
    root = assert_clean(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert "<script>" not in svg
    grid = charts.tile_grid(ident="g", title=HOSTILE, desc=HOSTILE, none_text=HOSTILE,
                            tiles=[charts.Tile(HOSTILE, None, url='/x?a=1&b="2"')])
    root = assert_clean(grid)
    assert root.find(f".//{SVG}a").get("href") == '/x?a=1&b="2"'
    steps = charts.step_chart(ident="s", title=HOSTILE, desc=HOSTILE, start=datetime.date(2026, 1, 1),
                              end=datetime.date(2026, 12, 31), x_ticks=[(datetime.date(2026, 6, 1), HOSTILE)],
                              series=[charts.Steps(HOSTILE, ((datetime.date(2026, 2, 1), 3),))])
    assert_clean(steps)


def test_step_chart_holds_each_level_until_the_next_and_to_the_end():
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    points = ((datetime.date(2026, 3, 1), 2), (datetime.date(2026, 1, 1), 1), (datetime.date(2026, 9, 1), 4),
              (datetime.date(2025, 6, 1), 5))  # out of order, and one before the window (left out)
    svg = charts.step_chart(ident="s", title="AD", desc="levels", start=start, end=end,
                            x_ticks=[(start, "2026")], series=[charts.Steps("ad.example", points)])
    root = assert_clean(svg)
    path = root.find(f".//{SVG}path").get("d")
    assert path.startswith(f"M{charts.LEFT},") and path.count("H") == 3 and path.count("V") == 2
    assert path.endswith(f"H{640 - charts.RIGHT}")
    assert len(root.findall(f".//{SVG}circle")) == 3
    y_ticks = [t.text for t in root.iter(f"{SVG}text") if "chart-tick-y" in t.get("class")]
    assert y_ticks == ["1", "2", "3", "4", "5"]


def test_step_chart_legend_when_several_series():
    day = datetime.date(2026, 5, 1)
    svg = charts.step_chart(ident="s", title="t", desc="d", start=datetime.date(2026, 1, 1), end=day,
                            x_ticks=[], series=[charts.Steps("A", ((day, 2),)), charts.Steps("B", ((day, 3),))])
    texts = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "chart-legend-text"]
    assert texts == ["A", "B"]


def test_step_chart_bars_scale_to_their_largest_value_under_the_steps():
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    bars = charts.Bars("Failing", ((datetime.date(2026, 7, 1), 4), (datetime.date(2026, 2, 1), 8),
                                   (datetime.date(2025, 1, 1), 99)))  # out of order, one before the window
    svg = charts.step_chart(ident="b", title="t", desc="d", start=start, end=end, x_ticks=[], height=200,
                            series=[charts.Steps("AD", ((datetime.date(2026, 2, 1), 2),))], bars=bars)
    root = assert_clean(svg)
    rects = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert len(rects) == 2
    plot = 200 - charts.BOTTOM - charts.TOP
    heights = [float(r.get("height")) for r in rects]
    assert heights == [plot, plot / 2]  # 8 is the tallest; the 99 outside the window does not count
    assert float(rects[0].get("x")) < float(rects[1].get("x"))
    assert [r.find(f"{SVG}title").text for r in rects] == ["Failing — 2026-02-01 — 8", "Failing — 2026-07-01 — 4"]
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-bar-value"]
    assert values == ["8", "4"]
    children = list(root)
    first_bar = next(i for i, e in enumerate(children) if e.get("class") == "chart-bar")
    step = next(i for i, e in enumerate(children) if e.get("class", "").startswith("chart-step"))
    assert first_bar < step  # drawn first: under the steps
    legend = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-legend-text"]
    assert legend == ["AD", "Failing"]
    assert int(root.get("height")) == 214  # made taller for the legend


def test_step_chart_bars_of_zero_stay_flat():
    day = datetime.date(2026, 3, 1)
    svg = charts.step_chart(ident="z", title="t", desc="d", start=datetime.date(2026, 1, 1),
                            end=datetime.date(2026, 6, 1), x_ticks=[], series=[charts.Steps("AD", ((day, 5),))],
                            bars=charts.Bars("Failing", ((day, 0),)))
    rect = next(r for r in parse(svg).iter(f"{SVG}rect") if r.get("class") == "chart-bar")
    assert float(rect.get("height")) == 0


def test_tile_grid_colours_by_share_and_links():
    tiles = [charts.Tile("Bretagne", 85.0, url="/r/1"), charts.Tile("Corse", None), charts.Tile("Normandie", 19.9),
             charts.Tile("Occitanie", 100.0, text="100 %")]
    svg = charts.tile_grid(ident="map", title="Regions", desc="share", tiles=tiles, none_text="no data", columns=3)
    root = assert_clean(svg)
    classes = [g.get("class") for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert classes == ["tile share-4", "tile share-none", "tile share-0", "tile share-4"]
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/r/1"]
    assert "no data" in svg and "85 %" in svg


def test_share_class_bounds():
    assert [charts.share_class(v) for v in (None, 0, 19.99, 20, 79.9, 80, 100, 120)] == [
        "share-none", "share-0", "share-0", "share-1", "share-3", "share-4", "share-4", "share-4"]


def test_every_class_used_is_in_the_stylesheet():
    css = charts.stylesheet()
    svg = "".join([
        charts.line_chart(ident="a", title="t", desc="d", labels=months(3),
                          series=[charts.Series(str(n), (1.0, None, 3.0)) for n in range(9)]),
        charts.tile_grid(ident="b", title="t", desc="d", none_text="-",
                         tiles=[charts.Tile(str(n), n * 20.0) for n in range(5)]),
        charts.step_chart(ident="c", title="t", desc="d", start=datetime.date(2026, 1, 1),
                          end=datetime.date(2026, 2, 1), x_ticks=[(datetime.date(2026, 1, 1), "x")],
                          series=[charts.Steps("a", ((datetime.date(2026, 1, 5), 2),))],
                          bars=charts.Bars("b", ((datetime.date(2026, 1, 5), 3),))),
    ])
    used = {c for attr in re.findall(r'class="([^"]+)"', svg) for c in attr.split()}
    missing = sorted(c for c in used if f".{c}" not in css)
    assert not missing, f"classes without a rule in charts.css: {missing}"


def test_with_stylesheet_puts_the_css_inside_for_documents():
    svg = charts.line_chart(ident="a", title="t", desc="d", labels=months(2), series=[charts.Series("a", (1.0, 2.0))])
    inlined = charts.with_stylesheet(svg)
    root = parse(inlined)
    assert root[0].tag == f"{SVG}style" and ".chart-line" in root[0].text
