"""The dependency graph: activity → applications → infrastructure components → suppliers and SaaS.

An edge `a → b` reads "a needs b". The graph must stay acyclic (a cycle means nothing in it could ever
be brought back first): `check_acyclic` raises `DependencyCycle` naming the cycle, e.g.
"Serveur A → Base B → Serveur A". `render_svg` draws a layered picture (one column per layer, needs
pointing right) as an SVG string with classes only (no style, no script): its look is in the app's static
stylesheet `continuity/static/continuity/graph.css`, so it runs under the pages' Content-Security-Policy. A
document that cannot load that stylesheet puts it inside the SVG (`vigie.core.charts.with_stylesheet`).
`needs_table` is the same graph as rows of text, for the table beside the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

import networkx as nx  # type: ignore[import-untyped]

__all__ = ["DependencyCycle", "GraphError", "Node", "build", "check_acyclic", "needs_of", "needs_table", "render_svg"]

LAYERS: tuple[str, ...] = ("activity", "application", "component", "supplier")


class GraphError(ValueError):
    """Root of the graph errors.

    GraphError
    └── DependencyCycle   the edges form a cycle; `cycle` holds the node labels in order
    """


class DependencyCycle(GraphError):
    def __init__(self, cycle: tuple[str, ...]) -> None:
        self.cycle = cycle
        super().__init__(" → ".join((*cycle, cycle[0])))

    @property
    def text(self) -> str:
        return " → ".join((*self.cycle, self.cycle[0]))


@dataclass(frozen=True, slots=True)
class Node:
    key: str  # unique, e.g. "component:<uuid>"
    label: str
    layer: str  # one of LAYERS
    detail: str = ""
    url: str = ""
    alert: bool = False  # drawn in the warning colour (e.g. a backup gap)


def build(nodes: Iterable[Node], edges: Iterable[tuple[str, str]]) -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    for node in nodes:
        graph.add_node(node.key, node=node)
    for source, target in edges:
        if source in graph and target in graph:
            graph.add_edge(source, target)
    return graph


def check_acyclic(graph: nx.DiGraph) -> None:
    try:
        found = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    keys = [edge[0] for edge in found]
    raise DependencyCycle(tuple(graph.nodes[k]["node"].label for k in keys))


def needs_of(graph: nx.DiGraph, key: str) -> nx.DiGraph:
    """The sub-graph of everything `key` needs, directly or not, with `key` itself."""
    keep = {key} | nx.descendants(graph, key)
    sub: nx.DiGraph = graph.subgraph(keep).copy()
    return sub


def _columns(graph: nx.DiGraph) -> dict[str, list[Node]]:
    """The nodes by layer, in the order of LAYERS, each layer sorted by label."""
    columns: dict[str, list[Node]] = {layer: [] for layer in LAYERS}
    for key in graph.nodes:
        node: Node = graph.nodes[key]["node"]
        columns.setdefault(node.layer, []).append(node)
    for nodes in columns.values():
        nodes.sort(key=lambda n: n.label.lower())
    return columns


def needs_table(graph: nx.DiGraph) -> list[tuple[Node, list[Node]]]:
    """Every node with what it needs directly, in the picture's order (layer by layer, by label)."""
    return [(node, sorted((graph.nodes[k]["node"] for k in graph.successors(node.key)), key=lambda n: n.label.lower()))
            for nodes in _columns(graph).values() for node in nodes]


def render_svg(graph: nx.DiGraph, *, title: str = "", column: int = 230, row: int = 46,
               layer_titles: Callable[[str], str] | None = None, ident: str = "dependency-graph") -> str:
    """A layered SVG of the graph: columns by layer, nodes sorted by label, edges as curves."""
    columns = _columns(graph)
    used = [layer for layer in columns if columns[layer]]
    box_w, box_h, top = column - 50, 32, 40
    x: float
    y: float
    height = top + max((len(columns[layer]) for layer in used), default=1) * row + 10
    width = max(len(used), 1) * column + 10
    where: dict[str, tuple[float, float]] = {}
    ident = escape(ident, quote=True)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="dependency-graph" role="img" '
             f'aria-labelledby="{ident}-title" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
             f'<title id="{ident}-title">{escape(title)}</title>',
             f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0,0L10,5L0,10z"/></marker></defs>']
    for index, layer in enumerate(used):
        x = 10 + index * column
        heading = layer_titles(layer) if layer_titles else layer
        parts.append(f'<text class="h" x="{x}" y="20">{escape(heading)}</text>')
        for position, node in enumerate(columns[layer]):
            y = top + position * row
            where[node.key] = (x, y)
    for source, target in graph.edges:
        (x1, y1), (x2, y2) = where[source], where[target]
        if x2 > x1:
            sx, sy, tx, ty = x1 + box_w, y1 + box_h / 2, x2, y2 + box_h / 2
        else:  # same column (component needs component): a loop on the right
            sx, sy, tx, ty = x1 + box_w, y1 + box_h / 2, x2 + box_w, y2 + box_h / 2
        bend = max(abs(tx - sx) / 2, 30)
        parts.append(f'<path class="e" marker-end="url(#{ident}-arrow)" d="M{sx:.0f},{sy:.0f} '
                     f'C{sx + bend:.0f},{sy:.0f} {tx - bend if tx > sx else tx + bend:.0f},{ty:.0f} {tx:.0f},{ty:.0f}"/>')
    for key, (x, y) in where.items():
        node = graph.nodes[key]["node"]
        label = node.label if len(node.label) <= 28 else node.label[:27] + "…"
        cls = "n alert" if node.alert else "n"
        inner = (f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="5"/>'
                 f'<text x="{x + 8}" y="{y + 14}">{escape(label)}</text>'
                 f'<text class="d" x="{x + 8}" y="{y + 27}">{escape(node.detail[:34])}</text>'
                 f"<title>{escape(node.label)}</title>")
        if node.url:
            parts.append(f'<a href="{escape(node.url)}"><g class="{cls}">{inner}</g></a>')
        else:
            parts.append(f'<g class="{cls}">{inner}</g>')
    parts.append("</svg>")
    return "".join(parts)
