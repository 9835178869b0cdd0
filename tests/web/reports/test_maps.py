"""The district map: the shipped schematic, a force's GeoJSON, the tile fallback, the
choropleth's classes, hotspots and suppressed districts; the bar chart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from safeguard.web.env import SettingError
from safeguard.web.statistics import maps
from safeguard.web.statistics.charts import Bar, bars
from safeguard.web.statistics.choropleth import (
    COLOURS,
    MapValue,
    class_of,
    hotspots,
    nice_step,
    render,
)

NINE = {"E06000021": "Stoke-on-Trent", "E07000192": "Cannock Chase",
        "E07000193": "East Staffordshire", "E07000194": "Lichfield",
        "E07000195": "Newcastle-under-Lyme", "E07000196": "South Staffordshire",
        "E07000197": "Stafford", "E07000198": "Staffordshire Moorlands",
        "E07000199": "Tamworth"}


def shipped() -> maps.DistrictMap:
    return maps._hexes(str(maps.SHIPPED))


def test_the_shipped_map_draws_the_nine_districts_with_its_licence() -> None:
    dmap = shipped()
    assert set(dmap.shapes) == set(NINE)
    assert {s.name for s in dmap.shapes.values()} == set(NINE.values())
    assert dmap.schematic and "not to scale" in dmap.attribution
    data = json.loads(maps.SHIPPED.read_text(encoding="utf-8"))
    assert "Apache-2.0" in data["licence"]
    assert "Open Government Licence v3.0" in data["replace_with"]
    for shape in dmap.shapes.values():
        assert shape.fill.startswith("M") and shape.outline
        x, y = shape.label_at
        assert 0 < x < dmap.width and 0 < y < dmap.height


def test_the_shipped_map_has_the_districts_where_they_are() -> None:
    """North to south, west to east, as the towns lie (a schematic, but not a jumble)."""
    at = {code: shape.label_at for code, shape in shipped().shapes.items()}
    north, south = at["E07000198"], at["E07000196"]  # Moorlands, South Staffordshire
    assert north[1] < at["E07000197"][1] < south[1]  # Stafford between them
    # Newcastle, Stoke, Moorlands from west to east.
    assert at["E07000195"][0] < at["E06000021"][0] < at["E07000198"][0]
    assert at["E07000196"][0] < at["E07000192"][0] < at["E07000194"][0] < at["E07000199"][0]


def test_it_uses_the_shipped_map_when_it_covers_the_areas() -> None:
    assert maps.district_map(list(NINE.items())).source.startswith("Staffordshire")


def test_another_force_gets_a_tile_map() -> None:
    areas = [("E06000001", "Hartlepool"), ("E06000002", "Middlesbrough"),
             ("E06000003", "Redcar and Cleveland"), ("E06000004", "Stockton-on-Tees")]
    dmap = maps.district_map(areas)
    assert dmap.source == "tiles" and dmap.schematic
    assert set(dmap.shapes) == {code for code, _ in areas}
    svg = render(dmap, {"E06000001": MapValue(7, "7")}, title="Referrals")
    assert "Hartlepool" in svg and "Schematic" in svg


def square(x: float, y: float) -> list[list[float]]:
    return [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]


def test_a_forces_geojson_replaces_the_shipped_map(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    collection = {
        "type": "FeatureCollection",
        "attribution": "Source: Office for National Statistics licensed under the Open "
                       "Government Licence v.3.0",
        "features": [
            {"type": "Feature", "properties": {"LAD24CD": code, "LAD24NM": name},
             "geometry": {"type": "Polygon", "coordinates": [square(-2.4 + i * 0.1, 52.6)]}}
            for i, (code, name) in enumerate(NINE.items())
        ] + [{"type": "Feature", "properties": {"name": "no code"},
              "geometry": {"type": "Polygon", "coordinates": [square(0, 0)]}}],
    }
    path = tmp_path / "lad.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    monkeypatch.setenv("SAFEGUARD_DISTRICT_MAP", str(path))
    dmap = maps.district_map(list(NINE.items()))
    assert not dmap.schematic
    assert set(dmap.shapes) == set(NINE)
    assert "Open Government Licence" in dmap.attribution
    assert dmap.shapes["E07000199"].name == "Tamworth"
    monkeypatch.setenv("SAFEGUARD_DISTRICT_MAP", str(tmp_path / "missing.geojson"))
    with pytest.raises(SettingError, match="SAFEGUARD_DISTRICT_MAP"):
        maps.configured_map_path()


def test_classes_and_steps() -> None:
    assert nice_step(0) == 1 and nice_step(5) == 1 and nice_step(48) == 10
    assert nice_step(120) == 50
    assert [class_of(v, 10) for v in (0, 10, 11, 20, 41, 500)] == [0, 0, 1, 1, 4, 4]


def test_a_hotspot_stands_out() -> None:
    values = {"a": 6, "b": 7, "c": 5, "d": 40, "e": 8}
    assert hotspots(values) == {"d"}
    assert hotspots({"a": 3, "b": 3, "c": 3}) == set()
    assert hotspots({"a": 1, "b": 1, "c": 4}) == set()  # below 5: never a hotspot
    values = {code: MapValue(v, str(v)) for code, v in zip(NINE, (48, 6, 7, 5, 9, 6, 8, 7, 6),
                                                           strict=True)}
    svg = render(shipped(), values, title="Missing episodes")
    assert svg.count('class="hotspot"') == 1
    assert COLOURS[-1] in svg and "hotspot" in svg


def test_a_suppressed_district_is_hatched_never_shaded() -> None:
    values = {code: MapValue(12, "12") for code in NINE}
    values["E07000199"] = MapValue(None, "<5")
    svg = render(shipped(), values, title="Referrals", uid="t")
    tamworth = re.search(r'data-code="E07000199"><title>Tamworth: &lt;5</title><path [^>]*'
                         r'fill="([^"]+)"', svg)
    assert tamworth is not None and tamworth.group(1) == "url(#t-hatch)"
    assert "not published" in svg


def test_the_svg_is_safe_for_the_pages_policy() -> None:
    svg = render(shipped(), {"E07000199": MapValue(3, "<b>3</b>")}, title="A & <B>")
    assert "style=" not in svg and "<script" not in svg
    assert "&lt;b&gt;3&lt;/b&gt;" in svg and "A &amp; &lt;B&gt;" in svg


def test_a_code_with_quotes_cannot_leave_its_attribute() -> None:
    # Codes come from the force's configuration; an attribute must still hold whatever
    # a code contains (xml.sax.saxutils.escape leaves the double quote as it is).
    areas = [('E1" onload="x', "Somewhere"), ("E2", "Elsewhere")]
    svg = render(maps.district_map(areas), {}, title="Referrals")
    assert 'data-code=\'E1" onload="x\'' in svg
    assert ' onload="x"' not in svg


def test_a_bar_chart_draws_published_figures_only() -> None:
    svg = bars("Referrals", [("Stafford", Bar(12, "12"), Bar(None, "<5")),
                             ("Tamworth", Bar(None, "*"), Bar(30, "30"))],
               ("Q1", "Q4"))
    assert svg.count("<rect") == 2 + 2  # two bars and the two keys
    assert ">&lt;5<" in svg and ">*<" in svg


def test_the_map_variable_is_read_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAFEGUARD_DISTRICT_MAP", raising=False)
    assert maps.configured_map_path() is None
