"""Benchmark: laying out and drawing the panel's network (statistics/panel_pack_svg.py).

    .venv/bin/python bench/panel_network.py

Synthetic graphs shaped like a panel's network (networkx's Barabási–Albert generator with
a fixed seed: a few well-connected places and adults, many children with one or two
links), of 50 to 400 nodes; the pack keeps at most 200 (panel_pack_network.MAX_NODES).
For each size: the best of three of the spring layout, and of the whole SVG drawing.
Figures go to docs/benchmarks.md (section `panel_network`).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, record  # noqa: E402

SIZES = (50, 100, 200, 400)
KINDS = ("child", "child", "child", "adult", "place", "business", "vehicle", "person")


def network(size: int):  # type: ignore[no-untyped-def]
    import networkx as nx

    from safeguard.web.statistics.panel_pack_network import Network

    shape = nx.barabasi_albert_graph(size, 2, seed=19)
    graph = nx.Graph()
    for n in shape.nodes:
        kind = KINDS[n % len(KINDS)]
        graph.add_node((kind, str(n)), kind=kind, label=f"{kind.title()} {n}")
    for a, b in shape.edges:
        graph.add_edge((KINDS[a % len(KINDS)], str(a)), (KINDS[b % len(KINDS)], str(b)),
                       sources=[("synthetic", False)])
    subjects = {n for n in graph.nodes if int(n[1]) < 5}
    return Network(graph, subjects)


def main() -> None:
    # The drawing reads no database, but its modules import the models: Django set up
    # with the tests' settings, no database opened.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.web.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from safeguard.web.statistics import panel_pack_svg

    rows = ["| nodes | links | layout (s) | layout and SVG (s) | SVG size (kB) |",
            "| ---: | ---: | ---: | ---: | ---: |"]
    for size in SIZES:
        net = network(size)
        layout = best_of(3, lambda net=net: panel_pack_svg.layout(net))
        started = time.perf_counter()
        svg = panel_pack_svg.render(net, "benchmark")
        whole = min(time.perf_counter() - started,
                    best_of(2, lambda net=net: panel_pack_svg.render(net, "benchmark")))
        rows.append(f"| {size} | {net.graph.number_of_edges()} | {layout:.2f} | {whole:.2f} | "
                    f"{len(svg) / 1000:.0f} |")
        print(rows[-1], flush=True)
    body = "\n".join([
        "## The panel's network: layout and drawing (`bench/panel_network.py`)", "",
        f"On {machine()}. Synthetic Barabási–Albert graphs (2 links a new node, seed 19); "
        "the pack draws at most 200 nodes.", "", *rows])
    record("panel_network", body)


if __name__ == "__main__":
    main()
