"""The language check: victim-blaming and inappropriate phrases in free text, each with a
suggested alternative.

    check("She is sexually active with her older boyfriend.")
    # [Finding(text='sexually active', term='sexually active', suggest='the child is ...'),
    #  Finding(text='older boyfriend', term='older boyfriend', ...)]

    class SummaryForm(LanguageCheckedForm, forms.ModelForm):
        language_checked_fields = ("summary", "notes")

Why: HMICFRS (2023, group-based child sexual exploitation) asked chief constables to
eradicate victim-blaming language, and the Children's Society's "Appropriate language:
child exploitation" guidance lists the words that blame a child for their own abuse. The
phrases are data (language.toml, a force's additions through
SAFEGUARD_LANGUAGE_CHECK_CONFIG; docs/safeguarding.md, "Language check").

The check advises and never blocks for good: a form that finds phrases asks the writer to
tick "I have read the suggestions and want to keep my wording", and then saves. Words in
double quotation marks, or wrapped in single ones, are the writer quoting someone (a
child's own words are recorded as said): they are reported with `quoted` set and do not
stop a form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from .env import SettingError
from .localconf import LocalConfig

SHIPPED = Path(__file__).resolve().parent / "language.toml"
CONFIG_VARIABLE = "SAFEGUARD_LANGUAGE_CHECK_CONFIG"
KEYS = {"phrases", "extra_phrases", "withdrawn"}
LANGUAGE_CHECKED = "language_checked"
_OPENING, _CLOSING = "'‘", "'’"


@dataclass(frozen=True)
class Phrase:
    term: str                    # the guide's heading, e.g. "child pornography"
    patterns: tuple[str, ...]    # language.toml's `match`, in its small syntax
    suggest: str
    why: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Finding:
    text: str        # as written
    start: int
    end: int
    term: str
    suggest: str
    why: str
    quoted: bool     # inside quotation marks: someone's own words

    def message(self, where: str = "") -> str:
        place = f" (in {where})" if where else ""
        return f"“{self.text}”{place}: say “{self.suggest}” instead. {self.why}"


def _word(token: str) -> str:
    """One word of a pattern: `*` is any run of letters or digits."""
    return r"\w*".join(re.escape(part) for part in token.split("*"))


def compile_patterns(patterns: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = []
    for pattern in patterns:
        words = pattern.split()
        if not words:
            raise ValueError("an empty pattern")
        alternatives.append(r"\s+".join(
            "(?:" + "|".join(_word(choice) for choice in word.split("|")) + ")"
            for word in words))
    # Whole words: not inside a longer word on either side.
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _phrase(item: Any, key: str) -> Phrase:
    try:
        term, suggest, why = str(item["term"]), str(item["suggest"]), str(item["why"])
        match = item["match"]
        if isinstance(match, str) or not all(isinstance(m, str) for m in match):
            raise TypeError("match")
        patterns = tuple(match)
        if not patterns:
            raise ValueError("no patterns")
        regex = compile_patterns(patterns)
    except (KeyError, TypeError, ValueError) as exc:
        raise SettingError(f"language check setting {key}: a malformed entry "
                           f"({item!r}: {exc})") from None
    return Phrase(term, patterns, suggest, why, regex)


def _build(data: dict[str, Any]) -> tuple[Phrase, ...]:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise SettingError(f"language check settings: unknown key(s) {', '.join(unknown)}")
    withdrawn = data.get("withdrawn", [])
    if not isinstance(withdrawn, list) or not all(isinstance(t, str) for t in withdrawn):
        raise SettingError("language check setting withdrawn: a list of terms")
    phrases = [_phrase(item, key) for key in ("phrases", "extra_phrases")
               for item in data.get(key, [])]
    terms = {phrase.term for phrase in phrases}
    # A withdrawal that names nothing is a typo that leaves the phrase checked: say so.
    missing = sorted(set(withdrawn) - terms)
    if missing:
        raise SettingError(f"language check setting withdrawn: no such term(s) "
                           f"{', '.join(missing)}")
    return tuple(phrase for phrase in phrases if phrase.term not in withdrawn)


CONFIG = LocalConfig(SHIPPED, CONFIG_VARIABLE, "LANGUAGE_CHECK_OVERRIDES", _build)


def phrases() -> tuple[Phrase, ...]:
    """The phrases in force: the shipped list, the force's file, then test overrides."""
    return CONFIG.rules()


def _quoted(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    # Inside double quotes: an odd number of straight ones, or an open curly one.
    if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
        return True
    # Single quotes double as apostrophes ("the child's"), so only a wrapped phrase
    # counts: 'boyfriend'.
    return (start > 0 and text[start - 1] in _OPENING
            and end < len(text) and text[end] in _CLOSING)


def check(text: str, using: tuple[Phrase, ...] | None = None) -> list[Finding]:
    """The phrases found in `text`, in reading order. Where matches overlap ("child
    prostitute" and "prostitute"), the longest is kept."""
    found: list[Finding] = []
    for phrase in phrases() if using is None else using:
        for match in phrase.regex.finditer(text):
            found.append(Finding(match.group(0), match.start(), match.end(), phrase.term,
                                 phrase.suggest, phrase.why,
                                 _quoted(text, match.start(), match.end())))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue  # inside (or overlapping) a longer one already kept
        kept.append(finding)
    return kept


class LanguageCheckedForm(forms.BaseForm):
    """A mixin for a Form or ModelForm (listed first):

        class NoteForm(LanguageCheckedForm, forms.ModelForm):
            language_checked_fields = ("text",)

    When a listed field holds a flagged phrase (not in quotation marks), the form is
    invalid with one non-field error per phrase and its alternative, until the writer
    ticks the added field `language_checked`: then it is valid, wording kept.
    """

    language_checked_fields: ClassVar[tuple[str, ...]] = ()
    language_findings: list[tuple[str, Finding]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language_findings = []
        # Hidden until a check finds something (clean() shows it): a box on every form
        # that nobody needs would be ticked by habit.
        self.fields[LANGUAGE_CHECKED] = forms.BooleanField(
            required=False, widget=forms.HiddenInput,
            label="I have read the suggestions and want to keep my wording",
            help_text="Shown when the wording of a text above could blame a child for "
                      "their own exploitation.",
        )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        findings = [
            (name, finding)
            for name in self.language_checked_fields
            for finding in check(str(cleaned.get(name) or ""))
            if not finding.quoted
        ]
        self.language_findings = findings
        if findings:
            self.fields[LANGUAGE_CHECKED].widget = forms.CheckboxInput()
        if findings and not cleaned.get(LANGUAGE_CHECKED):
            seen: set[tuple[str, str]] = set()
            messages = []
            for name, finding in findings:
                if (name, finding.text.lower()) in seen:
                    continue
                seen.add((name, finding.text.lower()))
                label = self[name].label if name in self.fields else name
                messages.append(finding.message(str(label)))
            self.add_error(None, ValidationError(
                ["Please look again at this wording (or tick the box to keep it).",
                 *messages], code="language"))
        return cleaned
