"""The network for a panel: people, places, vehicles and businesses linked by what is
already recorded, around the children and adults on the meeting's agenda.

Links and their sources (every link keeps the record it came from):

- a child's linked person who is an adult of concern (the relationship);
- a missing episode's `where_found` (a place) and `found_with` (an adult of concern when
  the text is one's name, else a person named only there);
- a warning notice (adult to each child) and its breaches;
- police only, as their queue is: a concern report from a business, joining the places
  it names (or the business) with the children, adults and vehicles on it;
- police intelligence, for those who may read it (intelligence.access.may_read): a
  subject in contact with a child, joined to the child (as the adult of concern it is,
  where it is one).

Only records the viewer may open are read. The graph is a networkx Graph; the nodes kept
are those within RADIUS links of the agenda's subjects, the nearest first, at most
MAX_NODES, so the drawing stays readable (panel_pack_svg.py draws it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from ..accounts.models import User
from ..core import formats
from ..core.policy import visible_to_user
from ..intelligence.access import may_read as may_read_intelligence
from ..intelligence.models import Subject
from ..partners.models import ConcernReport
from ..partners.models.concerns import Outcome
from ..safeguarding.models import (
    AdultOfConcern,
    Child,
    LinkedPerson,
    MissingEpisode,
    NoticeBreach,
    PanelMeeting,
    WarningNotice,
)

if TYPE_CHECKING:
    from .panel_pack import Pack

RADIUS = 2
MAX_NODES = 200
KINDS = {"child": "Child", "adult": "Adult of concern", "person": "Person named on a record",
         "place": "Place", "business": "Business", "vehicle": "Vehicle"}

Node = tuple[str, str]  # (kind, key)


@dataclass(frozen=True)
class Link:
    a: str  # labels, as the table prints them
    b: str
    sources: list[tuple[str, bool]]  # each with whether it is police-only

    @property
    def police_only(self) -> bool:
        return all(police for _, police in self.sources)


@dataclass
class Network:
    graph: nx.Graph
    subjects: set[Node]
    links: list[Link] = field(default_factory=list)
    cut: int = 0  # nodes left out past MAX_NODES

    @property
    def adults(self) -> list[int]:
        return sorted(int(key) for kind, key in self.graph.nodes if kind == "adult")

    def hotspots(self, limit: int = 10) -> list[tuple[str, str, int, int]]:
        """Places and businesses by the number of distinct children linked to them, then
        adults: (label, kind, children, adults)."""
        rows = []
        for node in self.graph.nodes:
            if node[0] not in ("place", "business"):
                continue
            near = [n for n in self.graph.neighbors(node)]
            children = sum(1 for n in near if n[0] == "child")
            adults = sum(1 for n in near if n[0] in ("adult", "person"))
            rows.append((self.graph.nodes[node]["label"], KINDS[node[0]], children, adults))
        rows.sort(key=lambda r: (-r[2], -r[3], r[0].casefold()))
        return rows[:limit]


def place_key(text: str) -> str:
    """Free-text places and names compared without case, spacing or a final full stop."""
    return " ".join(text.casefold().split()).rstrip(".")


class _Builder:
    def __init__(self, user: User) -> None:
        self.user = user
        self.graph: nx.Graph = nx.Graph()
        self.children = visible_to_user(user, Child)
        self.visible_children = set(self.children.values_list("pk", flat=True))
        self.adults = {a.pk: a for a in visible_to_user(user, AdultOfConcern)}
        self.adult_names = {place_key(f"{a.first_name} {a.last_name}"): a
                            for a in self.adults.values()}

    def node(self, kind: str, key: object, label: str) -> Node:
        node = (kind, str(key))
        if node not in self.graph:
            self.graph.add_node(node, kind=kind, label=label)
        return node

    def child(self, child: Child) -> Node | None:
        """None for a child the reader may not open (a shared notice may name one)."""
        if child.pk not in self.visible_children:
            return None
        return self.node("child", child.pk, str(child))

    def adult(self, adult_id: int | None) -> Node | None:
        adult = self.adults.get(adult_id) if adult_id is not None else None
        return None if adult is None else self.node("adult", adult.pk,
                                                     f"{adult.first_name} {adult.last_name}")

    def text_place(self, text: str) -> Node:
        return self.node("place", place_key(text), text.strip())

    def link(self, a: Node | None, b: Node | None, source: str, police: bool = False) -> None:
        if a is None or b is None or a == b:
            return
        if self.graph.has_edge(a, b):
            self.graph.edges[a, b]["sources"].append((source, police))
        else:
            self.graph.add_edge(a, b, sources=[(source, police)])

    def read(self, police: bool) -> None:
        visible = self.children.values("pk")
        for person in (LinkedPerson.objects.filter(child__in=visible, adult__isnull=False)
                       .select_related("child")):
            self.link(self.child(person.child), self.adult(person.adult_id),
                      f"Linked person: {person.get_relationship_display().lower()}")
        for episode in (visible_to_user(self.user, MissingEpisode).filter(child__in=visible)
                        .exclude(where_found="", found_with="").select_related("child")):
            when = formats.day(episode.found_at or episode.reported_at)
            if episode.where_found.strip():
                self.link(self.child(episode.child), self.text_place(episode.where_found),
                          f"Found there when missing, {when}")
            if episode.found_with.strip():
                self.link(self.child(episode.child), self._person(episode.found_with),
                          f"Found with when missing, {when}")
        notices = visible_to_user(self.user, WarningNotice)
        for notice in notices.prefetch_related("links__child"):
            for link in notice.links.all():
                self.link(self.adult(notice.adult_id), self.child(link.child),
                          f"Warning notice served {formats.day(notice.served_at)}")
        for breach in (NoticeBreach.objects.filter(notice__in=notices.values("pk"),
                                                   child__isnull=False)
                       .select_related("notice", "child")):
            if breach.child is not None:
                self.link(self.adult(breach.notice.adult_id), self.child(breach.child),
                          f"Notice breached {formats.day(breach.occurred_at)}")
        if police:
            self._concern_reports()
        if may_read_intelligence(self.user):
            self._intelligence()

    def _person(self, text: str) -> Node:
        adult = self.adult_names.get(place_key(text))
        if adult is not None:
            node = self.adult(adult.pk)
            assert node is not None
            return node
        return self.node("person", place_key(text), text.strip())

    def _concern_reports(self) -> None:
        reports = (visible_to_user(self.user, ConcernReport)
                   .exclude(outcome=Outcome.NOT_GENUINE).select_related("business")
                   .prefetch_related("places__business", "child_links__child", "adult_links"))
        for report in reports:
            source = f"Concern report from a business, {formats.day(report.received_at)}"
            places = [self.node("business", p.business_id, p.business.name) if p.business
                      else self.text_place(p.description) for p in report.places.all()]
            if not places and report.business is not None:
                places = [self.node("business", report.business_id, report.business.name)]
            people = [n for link in report.child_links.all()
                      if (n := self.child(link.child)) is not None]
            people += [n for link in report.adult_links.all()
                       if (n := self.adult(link.adult_id)) is not None]
            if report.vehicles.strip():
                people.append(self.node("vehicle", place_key(report.vehicles),
                                        report.vehicles.strip()))
            for place in places:
                for other in people:
                    self.link(place, other, source, police=True)


    def _intelligence(self) -> None:
        """Police intelligence subjects tied to the register: a subject that is an adult
        of concern and has contact with a child links the two; one not on the register
        is drawn as a person known only to intelligence. Merged subjects are read through
        the one they were merged into (the merged one is left out)."""
        subjects = (visible_to_user(self.user, Subject)
                    .filter(merged_into__isnull=True, child__isnull=False)
                    .select_related("child"))
        for subject in subjects:
            source = f"Police intelligence: subject {subject.label}"
            other = (self.adult(subject.adult_of_concern_id)
                     if subject.adult_of_concern_id is not None
                     else self.node("person", subject.label,
                                    f"Intelligence subject {subject.label}"))
            if subject.child is not None:
                self.link(self.child(subject.child), other, source, police=True)


def subjects_of(meeting: PanelMeeting, pack: Pack) -> set[Node]:
    """The agenda's children and adults: those discussed at the meeting, and the window's
    raised grades, repeat missing, notices and breaches."""
    found: set[Node] = set()
    for row in meeting.discussions.all():
        if row.child_id:
            found.add(("child", str(row.child_id)))
        if row.adult_id:
            found.add(("adult", str(row.adult_id)))
    found.update(("child", str(r.child.pk)) for r in pack.raised)
    found.update(("child", str(r.child.pk)) for r in pack.repeat_missing)
    for notice in pack.notices_served:
        found.add(("adult", str(notice.adult_id)))
    for breach in pack.breaches:
        found.add(("adult", str(breach.notice.adult_id)))
    return found


def build(meeting: PanelMeeting, user: User, pack: Pack) -> Network:
    builder = _Builder(user)
    builder.read(pack.police)
    whole = builder.graph
    subjects = {s for s in subjects_of(meeting, pack) if s in whole}
    return around(whole, subjects)


def around(whole: nx.Graph, subjects: set[Node], radius: int = RADIUS,
           limit: int = MAX_NODES) -> Network:
    """The part of `whole` within `radius` links of the subjects, nearest first."""
    distance: dict[Node, int] = {}
    if subjects:
        lengths = nx.multi_source_dijkstra_path_length(whole, subjects, cutoff=radius)
        distance = dict(lengths)
    ordered = sorted(distance, key=lambda n: (distance[n], n))
    kept = ordered[:limit]
    graph = whole.subgraph(kept).copy()
    links = [Link(graph.nodes[a]["label"], graph.nodes[b]["label"], list(data["sources"]))
             for a, b, data in sorted(graph.edges(data=True))]
    return Network(graph, subjects & set(kept), links, cut=len(ordered) - len(kept))
