"""The acceptance criteria and known limitations (statements.toml), for the report and for
docs/validation.md, which carries `markdown()` between its two markers.

    python -m safeguard.validate.statements      # the block docs/validation.md holds
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

BEGIN = "<!-- statements: generated from src/safeguard/validate/statements.toml -->"
END = "<!-- end of statements -->"


@dataclass(frozen=True)
class Criterion:
    id: str
    text: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Limitation:
    id: str
    text: str
    doc: str = ""
    quote: str = ""


@cache
def _data() -> dict[str, list[dict[str, object]]]:
    text = resources.files(__package__).joinpath("statements.toml").read_text("utf-8")
    return tomllib.loads(text)


def criteria() -> list[Criterion]:
    return [Criterion(str(c["id"]), str(c["text"]), tuple(c["groups"]))  # type: ignore[arg-type]
            for c in _data()["criterion"]]


def limitations() -> list[Limitation]:
    return [Limitation(str(x["id"]), str(x["text"]), str(x.get("doc", "")),
                       str(x.get("quote", ""))) for x in _data()["limitation"]]


def markdown() -> str:
    """The criteria and limitations as docs/validation.md carries them."""
    lines = [BEGIN, "", "### Acceptance criteria", "",
             "The method is fit for its purpose when every assertion passes, that is when:", ""]
    lines += [f"- **{c.id}** ({', '.join(c.groups)}): {c.text}" for c in criteria()]
    lines += ["", "### Known limitations", ""]
    for limitation in limitations():
        source = f" (also in [{limitation.doc.removeprefix('docs/')}]" \
                 f"({limitation.doc.removeprefix('docs/')}))" if limitation.doc else ""
        lines.append(f"- **{limitation.id}**: {limitation.text}{source}")
    return "\n".join([*lines, "", END])


if __name__ == "__main__":
    print(markdown())
