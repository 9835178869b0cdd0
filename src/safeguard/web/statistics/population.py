"""The number of children (aged 0 to 17) in each district: the denominator of the rates
per 10,000 children (rates.py).

    table = children()            # the file named by SAFEGUARD_CHILD_POPULATION, or the shipped one
    table.by_code["E06000021"]    # 58485

The shipped file (populationdata/children-0-17.toml) says where its figures come from,
their year and their licence; a newer one (the ONS mid-year estimates when they are
published) replaces it without a code change. The file is checked as it is read: a file
that is wrong stops the report with a message naming the file, the entry and what is
wrong, rather than publishing a rate over a wrong population.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..env import SettingError, env_optional

SHIPPED = Path(__file__).resolve().parent / "populationdata" / "children-0-17.toml"
VARIABLE = "SAFEGUARD_CHILD_POPULATION"
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")
HEADER = ("title", "year", "publisher", "licence")
ENTRY = ("ons_code", "name", "children", "source")


class PopulationError(SettingError):
    """The population file cannot be used: the message says which file and what is wrong."""


@dataclass(frozen=True)
class District:
    ons_code: str
    name: str
    children: int
    source: str


@dataclass(frozen=True)
class Population:
    title: str
    year: int
    publisher: str
    licence: str
    path: Path
    districts: tuple[District, ...]

    @property
    def by_code(self) -> dict[str, int]:
        return {d.ons_code: d.children for d in self.districts}

    @property
    def credit(self) -> str:
        """One sentence for the report: what the denominators are, whose and under what."""
        return f"{self.title}; {self.publisher}; {self.licence}."


def configured_path() -> Path:
    value = env_optional(VARIABLE)
    if value is None:
        return SHIPPED
    path = Path(value).expanduser()
    if not path.is_file():
        raise PopulationError(f"{VARIABLE}={value}: no such file")
    return path


def children() -> Population:
    return load(configured_path())


def load(path: Path) -> Population:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PopulationError(f"{path}: cannot be read as TOML ({exc})") from None
    for key in HEADER:
        if key not in data:
            raise PopulationError(f"{path}: no {key!r} (every file says {', '.join(HEADER)})")
    for key in ("title", "publisher", "licence"):
        _text(path, key, data[key])
    year = data["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1991 <= year <= 2100:
        raise PopulationError(f"{path}: 'year' must be a year such as 2021, not {year!r}")
    entries = data.get("district", [])
    if not isinstance(entries, list) or not entries:
        raise PopulationError(f"{path}: no [[district]] entries")
    districts: list[District] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: district {number}"
        if not isinstance(entry, dict):
            raise PopulationError(f"{where}: not a table")
        unknown = sorted(set(entry) - set(ENTRY))
        if unknown:
            raise PopulationError(f"{where}: unknown key {unknown[0]!r} (keys: {', '.join(ENTRY)})")
        for key in ENTRY:
            if key not in entry:
                raise PopulationError(f"{where}: no {key!r}")
        code = _text(path, f"district {number} ons_code", entry["ons_code"]).upper()
        if not GSS_CODE.match(code):
            raise PopulationError(f"{where}: {code!r} is not an ONS district code (E07000192)")
        if code in seen:
            raise PopulationError(f"{where}: {code} is given twice")
        seen.add(code)
        count = entry["children"]
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            raise PopulationError(f"{where} ({code}): 'children' must be a whole number above "
                                  f"0, not {count!r}")
        districts.append(District(code, _text(path, f"{code} name", entry["name"]), count,
                                  _text(path, f"{code} source", entry["source"])))
    return Population(data["title"].strip(), year, data["publisher"].strip(),
                      data["licence"].strip(), path, tuple(districts))


def _text(path: Path, what: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PopulationError(f"{path}: {what} must be some text, not {value!r}")
    return value.strip()
