"""The panel's network drawn as SVG on the server: presentation attributes only (no
script, no style attribute), so the site's content security policy holds and WeasyPrint
prints it.

The layout is networkx's spring layout (Fruchterman–Reingold) with a fixed seed, so the
same records draw the same picture in the screen pack and the PDF. Each kind of node has
its own shape as well as its colour (a reader without colour tells them apart); every
node carries a <title> with its name and kind, and the page lists every link with its
source in a table beside the drawing. Past LABELLED nodes only the most connected are
labelled on the drawing (the rest would overlap into ink); the table names them all.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import networkx as nx

from .choropleth import FONT, INK
from .panel_pack_network import KINDS, Network, Node

WIDTH, HEIGHT, MARGIN = 900.0, 620.0, 70.0
SMALL = 6  # up to this many nodes the drawing is SMALL_HEIGHT high, then grows to HEIGHT
SMALL_HEIGHT = 300.0


def height_for(nodes: int) -> float:
    """A few nodes on a full-height canvas would be a page of white."""
    return min(HEIGHT, SMALL_HEIGHT + max(nodes - SMALL, 0) * 10.0)

LEGEND = 34.0
LABELLED = 40
HOTSPOT_LABELS = 8
SEED = 19
COLOURS = {"child": "#1f4e8c", "adult": "#b2182b", "person": "#6b6b6b",
           "place": "#d95f0e", "business": "#7a4b00", "vehicle": "#1b7837"}
EDGE, POLICE_EDGE = "#9aa3b2", "#5a3d8a"


def layout(network: Network) -> dict[Node, tuple[float, float]]:
    graph = network.graph
    if not graph:
        return {}
    # A larger optimal distance than networkx's default (1/sqrt(n)) spreads the hubs a
    # panel's network has (a place many children were found at) so their labels fit.
    raw = nx.spring_layout(graph, seed=SEED, k=2.5 / max(len(graph), 1) ** 0.5,
                           iterations=120)
    positions = _fisheye({node: (float(p[0]), float(p[1])) for node, p in raw.items()})
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    height = height_for(len(graph))
    plot_w, plot_h = WIDTH - 2 * MARGIN, height - 2 * MARGIN - LEGEND

    def place(p: tuple[float, float]) -> tuple[float, float]:
        if len(graph) == 1:
            return WIDTH / 2, LEGEND + height / 2
        return (MARGIN + (p[0] - min(xs)) / span_x * plot_w,
                LEGEND + MARGIN + (p[1] - min(ys)) / span_y * plot_h)

    return {node: place(p) for node, p in positions.items()}


def _fisheye(positions: dict[Node, tuple[float, float]]) -> dict[Node, tuple[float, float]]:
    """Distances from the centre replaced by their square roots (then scaled back): the
    crowded middle, where a hub's children gather, opens up, and the few nodes hanging
    far out (an adult with one child) no longer squeeze the rest into a corner."""
    if len(positions) < 3:
        return positions
    cx = sum(p[0] for p in positions.values()) / len(positions)
    cy = sum(p[1] for p in positions.values()) / len(positions)
    out = {}
    for node, (x, y) in positions.items():
        r = math.hypot(x - cx, y - cy)
        scale = math.sqrt(r) / r if r > 0 else 0.0
        out[node] = (cx + (x - cx) * scale, cy + (y - cy) * scale)
    return out


def _shape(kind: str, x: float, y: float, r: float, colour: str, ring: bool) -> str:
    stroke = f'stroke="{INK}" stroke-width="2.4"' if ring else 'stroke="#ffffff" stroke-width="1"'
    if kind in ("child", "person"):
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" {stroke}/>'
    if kind in ("place", "business"):
        pts = f"{x:.1f},{y - r * 1.25:.1f} {x + r * 1.25:.1f},{y:.1f} " \
              f"{x:.1f},{y + r * 1.25:.1f} {x - r * 1.25:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{colour}" {stroke}/>'
    if kind == "vehicle":
        return (f'<rect x="{x - r * 1.4:.1f}" y="{y - r * 0.8:.1f}" width="{r * 2.8:.1f}" '
                f'height="{r * 1.6:.1f}" rx="2" fill="{colour}" {stroke}/>')
    return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{r * 2:.1f}" height="{r * 2:.1f}" '
            f'fill="{colour}" {stroke}/>')


def _legend() -> str:
    out, x = [], 0.0
    for kind, label in KINDS.items():
        out.append(_shape(kind, x + 8, 14, 6, COLOURS[kind], False))
        out.append(f'<text x="{x + 20:.0f}" y="18" font-family="{FONT}" font-size="11" '
                   f'fill="{INK}">{escape(label)}</text>')
        x += 22 + len(label) * 6.4
    return "".join(out)


def _free_box(placed: list[tuple[float, float, float, float]], x: float, y: float,
              width: float) -> tuple[float, float, float, float] | None:
    """A place for a label right of its node, else left, that overlaps no label placed."""
    for left in (x + 11, x - 11 - width):
        box = (left, y - 8, left + width, y + 7)
        if box[0] < 0 or box[2] > WIDTH:
            continue
        if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                   for b in placed):
            return box
    return None


def render(network: Network, title: str, uid: str = "network") -> str:
    graph = network.graph
    pos = layout(network)
    height = height_for(len(graph))
    degree = dict(graph.degree())
    labelled = set(sorted(graph.nodes, key=lambda n: (-degree[n], n))[:LABELLED])
    labelled |= network.subjects
    # Labels are placed in this order, and one that would overprint another is dropped:
    # the places most linked first (the panel's hotspots), then the agenda, then the rest.
    places = sorted((n for n in graph.nodes if n[0] in ("place", "business")),
                    key=lambda n: (-degree[n], n))[:HOTSPOT_LABELS]

    def priority(node: Node) -> tuple[int, int, Node]:
        rank = 0 if node in places else 1 if node in network.subjects else 2
        return rank, -degree[node], node
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {WIDTH:.0f} '
        f'{height:.0f}" width="{WIDTH:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{len(graph)} people, places, vehicles and businesses and '
        f'{graph.number_of_edges()} links; the table after the drawing lists every link '
        f'with its source.</desc>',
        _legend(),
    ]
    for a, b, data in graph.edges(data=True):
        police = all(p for _, p in data["sources"])  # dashed: seen only in police records
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dash = ' stroke-dasharray="5 3"' if police else ""
        width = min(1.0 + 0.8 * (len(data["sources"]) - 1), 4.0)
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                   f'stroke="{POLICE_EDGE if police else EDGE}" stroke-width="{width:.1f}"'
                   f'{dash}/>')
    for node in sorted(graph.nodes, key=lambda n: degree[n]):
        kind, label = node[0], graph.nodes[node]["label"]
        x, y = pos[node]
        r = 6.0 + min(degree[node], 8) * 0.9
        out.append(f'<g><title>{escape(label)} ({escape(KINDS[kind].lower())}, '
                   f'{degree[node]} link{"s" if degree[node] != 1 else ""})</title>'
                   f'{_shape(kind, x, y, r, COLOURS[kind], node in network.subjects)}</g>')
    placed: list[tuple[float, float, float, float]] = []
    for node in sorted(labelled | set(places), key=priority):
        x, y = pos[node]
        label = graph.nodes[node]["label"]
        short = label if len(label) <= 26 else label[:25] + "…"
        width = len(short) * 6.6 * (1.1 if node in network.subjects else 1.0)
        box = _free_box(placed, x, y, width)
        if box is None:
            continue  # it would overprint another label: named in its <title> and the table
        placed.append(box)
        weight = ' font-weight="bold"' if node in network.subjects else ""
        anchor, tx = ("start", box[0]) if box[0] > x else ("end", box[2])
        # A white halo under the label (a stroked copy: WeasyPrint has no paint-order),
        # so that a label stays readable where it crosses a link.
        common = (f'x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" '
                  f'font-family="{FONT}" font-size="11"{weight}')
        out.append(f'<text {common} fill="#ffffff" stroke="#ffffff" stroke-width="3" '
                   f'aria-hidden="true">{escape(short)}</text>'
                   f'<text {common} fill="{INK}">{escape(short)}</text>')
    out.append("</svg>")
    return "".join(out)
