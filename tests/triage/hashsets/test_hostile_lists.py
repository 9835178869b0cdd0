"""Hash-set files that once ended an import in a traceback (the forensic review): each now
imports what it can, with the bad part skipped and counted or warned about."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from safeguard.cli.hashset import hashset
from safeguard.triage.hashsets.formats.nsrl import V2_HEADER

VICS_HEAD = ('{"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml'
             '/UK/$metadata#Media", "value": [')
GOOD_MD5 = "8f398c463a6df480210a1459f81409d5"
OTHER_MD5 = "96eb219993fcb121e5d8576140dfab1c"


def vics(*media: str) -> str:
    return VICS_HEAD + ", ".join(media) + "]}"


CASES = {
    "size-1e400": (
        "v.json",
        vics(f'{{"MD5": "{GOOD_MD5}", "MediaSize": 1e400}}',
             f'{{"MD5": "{OTHER_MD5}", "MediaSize": Infinity}}'),
        "2 entries", "0 skipped", "is not a size",
    ),
    "category-5000-digits": (
        "v.json",
        vics(f'{{"MD5": "{GOOD_MD5}", "Category": {"9" * 5000}}}',
             f'{{"MD5": "{OTHER_MD5}", "Category": "{"7" * 5000}"}}'),
        "2 entries", "0 skipped", "is not a category",
    ),
    "nsrl-200k-field": (
        "NSRLFile.txt",
        V2_HEADER + "\n" + f'"{"A" * 200_000}","{GOOD_MD5.upper()}","0","x",1,1,"1",""\n'
        f'"A14BC8609E0C9BE98F7FD1AE6348417FC4B6ED3A","{OTHER_MD5.upper()}","0","y",1,1,"1",""\n',
        "1 entries", "1 skipped", "field larger than",
    ),
    "csv-200k-field": (
        "list.csv",
        f'md5,category,notes\n{GOOD_MD5},A,"{"x" * 200_000}"\n{OTHER_MD5},B,ok\n',
        "1 entries", "1 skipped", "field larger than",
    ),
    "icse-200k-field": (
        "icse.csv",
        "MD5;SHA1;Category;SeriesName\n"
        f'{GOOD_MD5};;1;"{"s" * 200_000}"\n{OTHER_MD5};;2;ok\n',
        "1 entries", "1 skipped", "field larger than",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_it_imports_what_it_can_and_names_the_rest(case: str, tmp_path: Path) -> None:
    name, text, entries, skipped, message = CASES[case]
    path = tmp_path / name
    path.write_text(text)
    kind = "known-good" if name.startswith("NSRL") else "known-bad"
    result = CliRunner().invoke(hashset, ["--home", str(tmp_path / "home"), "import",
                                          str(path), "--name", "s", "--kind", kind])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert f"{entries} " in result.output and skipped in result.output
    assert message in result.output


def test_the_field_limit_holds_when_the_csv_module_allows_more(tmp_path: Path) -> None:
    import csv

    before = csv.field_size_limit()
    csv.field_size_limit(1 << 30)  # as a files.csv import in the same process does
    try:
        test_it_imports_what_it_can_and_names_the_rest("csv-200k-field", tmp_path)
        (tmp_path / "n").mkdir()
        test_it_imports_what_it_can_and_names_the_rest("nsrl-200k-field", tmp_path / "n")
    finally:
        csv.field_size_limit(before)
