"""The panel's pack: the agenda counted by hand (panel_pack_fixtures.py), need to know,
the police-only parts, the network and the disruption tracker, audit, and the PDF."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test import override_settings

from safeguard.web.accounts.models import Role
from safeguard.web.audit.models import Action
from safeguard.web.statistics import panel_pack
from safeguard.web.statistics.panel_pack_disruption import COLUMNS
from safeguard.web.statistics.panel_pack_network import place_key

from ..safeguarding.base import NOW
from .panel_pack_fixtures import PLACE, VEHICLE, PanelPackTestCase


@override_settings(SAFEGUARDING_NOW=NOW, CLOCK_NOW=NOW)
class PackContentTests(PanelPackTestCase):
    def test_the_window_runs_from_the_day_after_the_last_meeting(self) -> None:
        window = panel_pack.window_for(self.meeting)
        self.assertEqual((str(window.start), str(window.end)), ("2026-02-02", "2026-03-03"))
        self.assertEqual(window.previous, self.panel)
        first = panel_pack.window_for(self.january)
        self.assertIsNone(first.previous)
        self.assertEqual(str(first.start), "2025-12-07")  # 28 days before 4 January

    def test_the_agenda_as_counted_by_hand(self) -> None:
        pack = panel_pack.build(self.meeting, self.alice)
        self.assertEqual([(str(r.child), r.before) for r in pack.raised],
                         [("Ava Testchild", "Medium"), ("Ben Secondchild", "")])
        self.assertEqual([(str(r.child), len(r.episodes)) for r in pack.repeat_missing],
                         [("Ava Testchild", 3)])
        self.assertEqual([n.adult.first_name for n in pack.notices_served], ["Wendy"])
        self.assertEqual([b.notice.adult.first_name for b in pack.breaches], ["Victor"])
        self.assertEqual([(a.action.description, a.about, a.overdue)
                          for a in pack.open_actions],
                         [("Visit the school", "", True),
                          ("Test purchase visit", PLACE, False)])
        self.assertEqual([(r.subject, str(r.review_on), r.late) for r in pack.reviews],
                         [("Cara Thirdchild", "2026-02-01", True),
                          ("Ava Testchild", "2026-03-03", False)])
        self.assertEqual([(p.place, p.reports, p.children) for p in pack.places],
                         [(PLACE, 1, 1)])

    def test_the_network_and_its_sources(self) -> None:
        network = panel_pack.build(self.meeting, self.alice).network
        assert network is not None
        kinds = sorted(kind for kind, _ in network.graph.nodes)
        # Ava, Ben (not Cara: nothing links her); Victor, Wendy; the place (both spellings
        # as one) and the concern report's vehicle (not the reporting business: the report
        # names the place).
        self.assertEqual(kinds, ["adult", "adult", "child", "child", "place", "vehicle"])
        place = ("place", place_key(PLACE))
        self.assertEqual(sorted(n[1] for n in network.graph.neighbors(place)
                                if n[0] == "child"),
                         sorted([str(self.child.pk), str(self.ben.pk)]))
        (victor_ava,) = [{source for source, _ in link.sources} for link in network.links
                         if {link.a, link.b} == {"Ava Testchild", "Victor Testadult"}]
        self.assertEqual(victor_ava, {"Linked person: adult of concern",
                                      "Found with when missing, 26 Feb 2026",
                                      "Warning notice served 1 Jun 2025",
                                      "Notice breached 14 Feb 2026"})
        self.assertEqual(network.hotspots()[0][:3], (PLACE, "Place", 2))
        (ava_wendy,) = [link for link in network.links
                        if {link.a, link.b} == {"Ava Testchild", "Wendy Otheradult"}]
        self.assertEqual(ava_wendy.sources,
                         [(f"Police intelligence: subject {self.subject.label}", True)])
        # A police practitioner reads the register but not the intelligence.
        self.set_role(self.alice, Role.PRACTITIONER)
        network = panel_pack.build(self.meeting, self.alice).network
        assert network is not None
        self.assertFalse([link for link in network.links
                          if {link.a, link.b} == {"Ava Testchild", "Wendy Otheradult"}])

    def test_the_disruption_tracker(self) -> None:
        rows = panel_pack.build(self.meeting, self.alice).disruption
        self.assertEqual([(r.subject, r.kind, r.steps) for r in rows],
                         [("Victor Testadult", "Adult of concern", 4),
                          ("Wendy Otheradult", "Adult of concern", 1),
                          ("Takeaway One", "Place or business", 1)])
        victor = {column: [(s.what, str(s.on), s.outcome) for s in cell]
                  for column, cell in zip(COLUMNS, rows[0].columns(), strict=True)}
        self.assertEqual(victor, {
            "Warning notice": [("Served", "2025-06-01", "Active")],
            "Breaches": [("Breach", "2026-02-14", "Arrested")],
            "Arrest and charge": [("Child abduction (s2)", "2026-02-14", "Charged")],
            "Order applied for": [("Sexual risk order application", "2026-02-16",
                                   "Granted or acted on, 27 Feb 2026")],
            "Licensing referral": [], "Closure order": []})
        self.assertEqual(rows[2].columns()[4][0].outcome, "Awaited")

    def test_a_partner_sees_only_what_is_shared_and_nothing_police_only(self) -> None:
        for obj in (self.meeting, self.panel, self.child, self.episode):
            self.share_with(obj)
        pack = panel_pack.build(self.meeting, self.bob)
        self.assertFalse(pack.police)
        self.assertEqual(pack.places, [])
        # Ava only (her 10 Feb screening and 25 Feb episode are not shared: not listed).
        self.assertEqual(pack.raised, [])
        self.assertEqual(pack.repeat_missing, [])
        self.assertEqual(pack.notices_served, [])
        network = pack.network
        assert network is not None
        self.assertNotIn("vehicle", {kind for kind, _ in network.graph.nodes})
        self.assertFalse(any(police for link in network.links for _, police in link.sources))
        # Victor is not shared with bob: his row and his order are left out; the place
        # acted on at the shared meeting is there.
        self.assertEqual([r.subject for r in pack.disruption], ["Takeaway One"])
        self.assertEqual([r.subject for r in pack.reviews], ["Ava Testchild"])
        self.assertEqual([(a.action.description, a.about) for a in pack.open_actions],
                         [("Visit the school", ""), ("Test purchase visit", PLACE)])


@override_settings(SAFEGUARDING_NOW=NOW, CLOCK_NOW=NOW)
class PackPageTests(PanelPackTestCase):
    def url(self, suffix: str = "") -> str:
        return f"/statistics/panels/{self.meeting.pk}/pack/{suffix}"

    def test_the_pack_asks_the_reason_then_shows_and_audits(self) -> None:
        self.login(self.alice)
        asked = self.client.get(self.url())
        self.assertNotContains(asked, "Kebab House")
        self.justify(self.meeting)
        page = self.client.get(self.url())
        self.assertContains(page, "police member's copy")
        self.assertContains(page, "Kebab House, High St")
        self.assertContains(page, VEHICLE)
        self.assertContains(page, "<svg", count=1)
        self.assertNotContains(page, "style=")
        self.assertAudited(Action.VIEW, self.meeting, page="panel pack")

    def test_an_agency_the_meeting_is_not_shared_with_gets_404(self) -> None:
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url("pdf/")).status_code, 404)

    def test_a_partner_copy_leaves_out_the_police_parts(self) -> None:
        for obj in (self.meeting, self.child, self.episode, self.wendy_notice):
            self.share_with(obj)
        self.login(self.bob)
        self.justify(self.meeting)
        page = self.client.get(self.url())
        self.assertContains(page, "partner member's copy")
        self.assertNotContains(page, VEHICLE)
        self.assertNotContains(page, "New concern reports by place")
        self.assertNotContains(page, "INTEL-MARKER")
        self.assertNotContains(page, "Victor")  # not shared with bob
        # Wendy's notice is shared, but neither Wendy nor Ben is.
        self.assertContains(page, "An adult not shared with your agency")
        self.assertContains(page, "a child not shared with your agency")
        self.assertNotContains(page, "Wendy")
        self.assertNotContains(page, "Ben Secondchild")

    def test_pdfs_are_limited_per_person(self) -> None:
        from unittest import mock

        self.login(self.alice)
        self.justify(self.meeting)
        with mock.patch("safeguard.web.statistics.panel_pack_views.PDFS_PER_HOUR", 1):
            self.assertEqual(self.client.post(self.url("pdf/")).status_code, 200)
            refused = self.client.post(self.url("pdf/"))
        self.assertEqual(refused.status_code, 429)
        self.assertIn("At most 1 packs an hour", refused.content.decode())
        self.assertTrue(refused["Retry-After"])

    def test_the_meeting_page_links_to_its_pack(self) -> None:
        self.login(self.alice)
        self.justify(self.meeting)
        page = self.client.get(f"/safeguarding/panels/{self.meeting.pk}/")
        self.assertContains(page, f'href="{self.url()}"')

    def test_the_pdf_prints_every_section_and_is_audited(self) -> None:
        self.login(self.alice)
        self.justify(self.meeting)
        response = self.client.post(self.url("pdf/"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertAudited(Action.EXPORT, self.meeting, page="panel pack", format="pdf")
        with tempfile.TemporaryDirectory() as folder:
            pdf = Path(folder) / "pack.pdf"
            pdf.write_bytes(response.content)
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                  capture_output=True, text=True).stdout
            for expected in ("MACE North", "Since the last meeting", "Ava Testchild",
                             "The network", "Kebab House", "Disruption", "Charged",
                             "Official – Sensitive", "Page 1 of"):
                self.assertIn(expected, text)
            self.assertNotIn("INTEL-MARKER", text)
            if shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf),
                                str(Path(folder) / "page")], check=True)
                pages = sorted(Path(folder).glob("page-*.pgm"))
                self.assertGreaterEqual(len(pages), 2)
                for picture in pages:
                    self.assertTrue(_has_ink(picture), picture.name)


def _has_ink(pgm: Path) -> bool:
    from PIL import Image

    with Image.open(pgm) as image:
        return bool(image.getextrema()[0] < 128)


def _synthetic(size: int):  # type: ignore[no-untyped-def]
    import networkx as nx

    shape = nx.barabasi_albert_graph(size, 2, seed=19)
    kinds = ("child", "adult", "place", "business", "vehicle", "person")
    graph = nx.Graph()
    for n in shape.nodes:
        graph.add_node((kinds[n % 6], str(n)), kind=kinds[n % 6], label=f"Node <{n}> & co")
    for a, b in shape.edges:
        graph.add_edge((kinds[a % 6], str(a)), (kinds[b % 6], str(b)),
                       sources=[("synthetic", b % 2 == 0)])
    return graph


def test_the_network_keeps_the_nearest_200_and_draws_them_readably() -> None:
    import time
    import xml.etree.ElementTree as ET

    from safeguard.web.statistics import panel_pack_network, panel_pack_svg

    whole = _synthetic(300)
    network = panel_pack_network.around(whole, {("child", "0")}, radius=10)
    assert len(network.graph) == panel_pack_network.MAX_NODES
    assert network.cut == 100
    started = time.perf_counter()
    svg = panel_pack_svg.render(network, "Synthetic")
    assert time.perf_counter() - started < 5  # about 0.1 s here (docs/benchmarks.md)
    assert "style=" not in svg and "<script" not in svg
    root = ET.fromstring(svg)  # well formed: the labels' "<" and "&" are escaped
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.findall(f"{ns}g")
    assert len(groups) == 200 and all(g.find(f"{ns}title") is not None for g in groups)
    labels = [t for t in root.findall(f"{ns}text") if t.get("aria-hidden") is None
              and t.get("font-size") == "11" and "Node" in (t.text or "")]
    assert 10 <= len(labels) <= panel_pack_svg.LABELLED
    # No two labels overprint: their boxes (as _free_box places them) are disjoint.
    boxes = []
    for t in labels:
        x, y, width = float(t.get("x", 0)), float(t.get("y", 0)), len(t.text or "") * 6.6
        left = x if t.get("text-anchor") == "start" else x - width
        boxes.append((left, y - 12, left + width, y + 3))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5
                        and b[1] < a[3] - 0.5), (a, b)


def test_a_small_network_is_drawn_on_a_small_canvas() -> None:
    from safeguard.web.statistics import panel_pack_network, panel_pack_svg

    network = panel_pack_network.around(_synthetic(4), {("child", "0")})
    assert 'height="300"' in panel_pack_svg.render(network, "Small")
    assert panel_pack_svg.render(panel_pack_network.around(_synthetic(4), set()), "Empty")
