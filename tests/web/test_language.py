"""The language check (safeguard.web.language): the phrases of the Children's Society's
"Appropriate language: child exploitation" guidance, each with its alternative, and a
form mixin that asks once and never blocks for good."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django import forms
from django.test import override_settings

from safeguard.web import language
from safeguard.web.accounts.models import Agency, AgencyKind
from safeguard.web.env import SettingError
from safeguard.web.language import LANGUAGE_CHECKED, LanguageCheckedForm, check


@pytest.fixture
def fresh() -> Iterator[None]:
    language.CONFIG.clear()
    yield
    language.CONFIG.clear()


def terms(text: str) -> list[str]:
    return [finding.term for finding in check(text)]


# What it finds -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "term", "alternative"), [
    ("She has been described as a child prostitute.", "child prostitution",
     "child sexual exploitation"),
    ("Concerns about prostitution at the address.", "child prostitution",
     "child sexual exploitation"),
    ("She is putting themselves at risk by going out.", "putting themselves at risk",
     "adults are placing the child at risk"),
    ("She put herself at risk again.", "putting themselves at risk",
     "adults are placing the child at risk"),
    ("He thinks she is sexually active.", "sexually active", "the child is being exploited"),
    ("Staff called her promiscuous.", "promiscuous", "sexually exploited"),
    ("The police were told it was consensual.", "consensual", "cannot consent"),
    ("She said she consented to sex.", "consensual", "cannot consent"),
    ("It is a lifestyle choice.", "lifestyle choice", "the child is being exploited"),
    ("He is very streetwise for his age.", "streetwise", "exposed to exploitation"),
    ("She stays with her older boyfriend.", "older boyfriend",
     "an adult who is abusing the child"),
    ("She is in a relationship with an older man.", "relationship with",
     "exploited (or abused) by an adult"),
    ("He has been associating with known drug dealers.", "associating with",
     "adults are targeting"),
    ("She was seen hanging around with older males.", "hanging around with",
     "adults are targeting"),
    ("Child pornography was found on the phone.", "child pornography",
     "child sexual abuse material"),
    ("A folder of child porn.", "child pornography", "child sexual abuse material"),
    ("He absconded from the children's home.", "absconded", "went missing"),
    ("A known runaway.", "runaway", "went missing"),
    ("She keeps choosing to go missing.", "choosing to", "being groomed"),
    ("He was engaging in criminal activity.", "engaging in", "criminally exploited"),
    ("The young woman, aged 14, was found at the address.", "young woman or young man",
     "child"),
    ("Involved in drug running across the county.", "drug running", "criminally exploited"),
])
def test_each_phrase_of_the_guide_is_flagged_with_its_alternative(
        text: str, term: str, alternative: str) -> None:
    found = check(text)
    assert [f.term for f in found] == [term]
    assert alternative in found[0].suggest
    assert found[0].why
    assert text[found[0].start:found[0].end] == found[0].text


def test_it_ignores_case() -> None:
    assert terms("SEXUALLY ACTIVE; Streetwise; ChIlD PoRnOgRaPhY") == [
        "sexually active", "streetwise", "child pornography"]


def test_it_matches_whole_words_only() -> None:
    # "chose to" is not the start of "chose toys", nor "promiscuous" the end of a word.
    assert terms("She chose toys for her brother.") == []
    assert terms("A nonpromiscuous reading.") == []
    assert terms("Across several lines: sexually\nactive.") == ["sexually active"]


@pytest.mark.parametrize("text", [
    "Her relationship with her mother is good.",
    "The risks associated with going missing were discussed.",
    "Her mother gave consent to share information with health.",
    "He runs a youth club on Tuesdays.",
    "The meeting agreed to refer to the MACE panel.",
])
def test_everyday_record_wording_is_not_flagged(text: str) -> None:
    assert check(text) == []


def test_overlapping_matches_are_reported_once_as_the_longest() -> None:
    found = check("She is a child prostitute.")
    assert [(f.text, f.term) for f in found] == [("child prostitute", "child prostitution")]
    assert [f.text for f in check("her older boyfriend")] == ["older boyfriend"]


def test_quoted_words_are_marked_as_quoted() -> None:
    found = check('She said "he is my boyfriend" and calls him her \'boyfriend\'.')
    assert [f.quoted for f in found] == [True, True]
    # An apostrophe is not a quotation mark.
    assert [f.quoted for f in check("The child's boyfriend's car.")] == [False]
    assert [f.quoted for f in check("She said “he’s my boyfriend”.")] == [True]


def test_every_shipped_phrase_has_a_suggestion_and_a_reason(fresh: None) -> None:
    shipped = language.phrases()
    assert len({p.term for p in shipped}) == len(shipped) >= 20
    assert all(p.suggest and p.why and p.patterns for p in shipped)


# A force's own list ----------------------------------------------------------------

def test_a_force_adds_and_withdraws_phrases(fresh: None, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "language.toml"
    local.write_text('withdrawn = ["runaway"]\n[[extra_phrases]]\nterm = "gang member"\n'
                     'match = ["gang member*"]\nsuggest = "a child being criminally '
                     'exploited"\nwhy = "It labels the child as an offender."\n')
    monkeypatch.setenv(language.CONFIG_VARIABLE, str(local))
    assert terms("A runaway and a gang member; streetwise.") == ["gang member", "streetwise"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"withdrawn": ["no such term"]}, "no such term"),
    ({"extra_phrases": [{"term": "x", "suggest": "y", "why": "z"}]}, "malformed entry"),
    ({"extra_phrases": [{"term": "x", "match": "x", "suggest": "y", "why": "z"}]},
     "malformed entry"),
    ({"extra_phrases": [{"term": "x", "match": [" "], "suggest": "y", "why": "z"}]},
     "malformed entry"),
    ({"phrase": []}, "unknown key\\(s\\) phrase"),
])
def test_a_bad_list_is_refused_loudly(fresh: None, overrides: dict[str, object],
                                      message: str) -> None:
    with override_settings(LANGUAGE_CHECK_OVERRIDES=overrides), \
            pytest.raises(SettingError, match=message):
        check("anything")


# The form mixin ----------------------------------------------------------------------

class NoteForm(LanguageCheckedForm, forms.Form):
    language_checked_fields = ("summary",)

    summary = forms.CharField(label="Summary")
    reference = forms.CharField(required=False)


def test_a_flagged_phrase_stops_the_form_and_names_each_alternative() -> None:
    form = NoteForm({"summary": "Sexually active and streetwise; a lifestyle choice."})
    assert not form.is_valid()
    errors = form.non_field_errors()
    text = " ".join(errors)
    for phrase, alternative in (("Sexually active", "the child is being exploited"),
                                ("streetwise", "exposed to exploitation"),
                                ("lifestyle choice", "the child is being exploited")):
        assert f"“{phrase}” (in Summary): say “" in text
        assert alternative in text
    assert len(errors) == 1 + 3
    assert [f.term for _, f in form.language_findings] == [
        "sexually active", "streetwise", "lifestyle choice"]


def test_ticking_the_box_keeps_the_wording() -> None:
    form = NoteForm({"summary": "She is streetwise.", LANGUAGE_CHECKED: "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["summary"] == "She is streetwise."
    assert form.fields[LANGUAGE_CHECKED].label == (
        "I have read the suggestions and want to keep my wording")


def test_clean_text_quoted_words_and_unlisted_fields_pass() -> None:
    assert NoteForm({"summary": "Adults are targeting the child."}).is_valid()
    assert NoteForm({"summary": 'She calls him "my boyfriend".'}).is_valid()
    assert NoteForm({"summary": "Seen at the park.", "reference": "streetwise"}).is_valid()


class AgencyNoteForm(LanguageCheckedForm, forms.ModelForm):
    language_checked_fields = ("name",)

    class Meta:
        model = Agency
        fields = ("name", "kind")


@pytest.mark.django_db
def test_a_model_form_saves_once_the_box_is_ticked() -> None:
    data = {"name": "Runaway Project (test)", "kind": AgencyKind.VOLUNTARY_SECTOR}
    form = AgencyNoteForm(data)
    assert not form.is_valid()
    assert "went missing" in " ".join(form.non_field_errors())
    form = AgencyNoteForm({**data, LANGUAGE_CHECKED: "on"})
    assert form.is_valid(), form.errors
    assert form.save().name == "Runaway Project (test)"
