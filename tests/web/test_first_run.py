"""What a newcomer's first run found wanting (issue 14): one way to write dates, times and
sizes (core/formats.py); one pager; a top navigation to every section the user may open;
the reason prompt; the favicon; the README and docs that point nowhere outside the
repository, with the demo's names as the platform gives them."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import RequestFactory

import safeguard.web
from safeguard.web.accounts.models import Role
from safeguard.web.core.formats import day, duration, moment, size
from safeguard.web.investigations import demo as investigations_demo

from .base import WebTestCase, make_user
from .records.models import CaseNote

ROOT = Path(__file__).resolve().parents[2]
WEB = Path(safeguard.web.__file__).resolve().parent
LONDON = ZoneInfo("Europe/London")


def test_dates_and_times_are_written_one_uk_way() -> None:
    assert day(date(2026, 12, 7)) == "7 Dec 2026"
    assert day(date(2026, 3, 6), weekday=True) == "Friday 6 Mar 2026"
    # An aware time is shown in UK local time: 01:14 UTC in summer is 02:14 BST.
    assert moment(datetime(2026, 7, 7, 1, 14, tzinfo=ZoneInfo("UTC"))) == "7 Jul 2026 02:14"
    assert moment(datetime(2026, 12, 7, 2, 14, 9, tzinfo=LONDON), seconds=True) == (
        "7 Dec 2026 02:14:09")
    assert (day(None), moment(None)) == ("", "")


def test_sizes_and_durations_are_written_one_way() -> None:
    assert size(335_872) == "328.0 KB"
    assert size(5 * 1024 * 1024) == "5.0 MB"
    assert [duration(s) for s in (0.004, 42, 194, 3600, 7500)] == [
        "under a second", "42 s", "3 min 14 s", "1 h", "2 h 5 min"]


def test_the_filters_are_in_every_template() -> None:
    moment_ = datetime(2026, 12, 7, 2, 14, tzinfo=LONDON)
    text = Template("{{ d|day }}|{{ t|moment }}|{{ t|moment:'weekday' }}|{{ n|size }}|"
                    "{{ none|moment|default:'—' }}").render(
        Context({"d": date(2026, 12, 7), "t": moment_, "n": 2048, "none": None}))
    assert text == "7 Dec 2026|7 Dec 2026 02:14|Monday 7 Dec 2026 02:14|2.0 KB|—"


def test_no_page_or_message_writes_a_date_with_slashes() -> None:
    """d/m/Y beside "7 Dec 2026" was two formats: every page and message goes through
    core/formats.py. (Demo stories keep the way a person would type a date.)"""
    found = []
    for path in WEB.rglob("*"):
        if path.suffix not in (".py", ".html") or path.name == "demo.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in ("%d/%m/%Y", 'date:"d/m/Y', "date:'d/m/Y", 'date:"j F Y',
                        'date:"j M Y'):
            if pattern in text:
                found.append(f"{path.relative_to(WEB)}: {pattern}")
    assert found == []


class PagesTests(WebTestCase):
    def test_every_list_says_which_page_of_how_many(self) -> None:
        from django.core.paginator import Paginator

        request = RequestFactory().get("/x/", {"q": "a b", "page": "2"})
        page = Paginator(list(range(120)), 50).page(2)
        html = Template('{% pager page "children" %}').render(
            Context({"page": page, "request": request}))
        assert "Page 2 of 3 (120 children)" in html
        assert 'href="?q=a+b&amp;page=1" rel="prev"' in html
        assert 'href="?q=a+b&amp;page=3" rel="next"' in html

    def test_the_navigation_offers_every_section_the_user_may_open(self) -> None:
        supervisor = make_user("sue", self.owner_agency, Role.SUPERVISOR)
        self.login(supervisor)
        for path in ("/", "/safeguarding/", "/statistics/"):
            nav = self.client.get(path).content.decode().split('aria-label="Main">')[1]
            nav = nav.split("</nav>")[0]
            for href in ("/safeguarding/", "/investigations/", "/intelligence/", "/partners/",
                         "/statistics/", "/retention/", "/audit/"):
                self.assertIn(f'href="{href}"', nav, path)
        # A partner's practitioner: the register and partners, not the police sections.
        self.client.logout()
        self.login(self.bob)
        nav = self.client.get("/").content.decode().split('aria-label="Main">')[1]
        nav = nav.split("</nav>")[0]
        self.assertIn('href="/safeguarding/"', nav)
        for href in ("/investigations/", "/intelligence/", "/statistics/", "/audit/"):
            self.assertNotIn(f'href="{href}"', nav)

    def test_the_reason_prompt_takes_the_focus_and_cancel_goes_back(self) -> None:
        note = CaseNote.objects.create(owning_agency=self.owner_agency, title="Child A")
        self.login(self.alice)
        prompt = self.client.get(f"/records/{note.pk}/",
                                 HTTP_REFERER="http://testserver/safeguarding/children/?q=a")
        self.assertContains(prompt, "autofocus")
        self.assertContains(prompt, '<a href="/safeguarding/children/?q=a" '
                                    'id="cancel-justification">Cancel</a>')
        # A refused reason keeps the way back; another site's address is never used.
        refused = self.client.post("/audit/justify/", {
            "target": prompt.context["form"].initial["target"],
            "next": f"/records/{note.pk}/", "back": "/safeguarding/children/?q=a",
            "justification": "short"})
        self.assertContains(refused, 'href="/safeguarding/children/?q=a" id="cancel',
                            status_code=400)
        outside = self.client.get(f"/records/{note.pk}/",
                                  HTTP_REFERER="https://elsewhere.example/")
        self.assertContains(outside, '<a href="/" id="cancel-justification">')

    def test_a_favicon_is_served_and_linked(self) -> None:
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00"))
        self.assertContains(self.client.get("/accounts/login/"),
                            '<link rel="icon" href="/favicon.ico"')


def test_the_readme_and_docs_point_nowhere_outside_the_repository() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text, path.name
        assert not re.search(r"(?<![\w-])shared/\w+\.md", text), path.name
        for target in re.findall(r"\]\(([^)#]+)", text):
            if "://" in target:
                continue
            assert (path.parent / target).resolve().is_relative_to(ROOT), (path.name, target)
            assert (path.parent / target).exists(), (path.name, target)


@pytest.mark.parametrize("name", ["OP-LANTERN", "Lantern (demo)", "DEMO-0001",
                                  "Operation Lantern (demo)"])
def test_the_readme_names_the_demo_as_the_platform_does(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = Path(investigations_demo.__file__).read_text(encoding="utf-8")
    assert name in source
    assert name in readme
    assert investigations_demo.INVESTIGATION_REFERENCE == "DEMO-0001"
