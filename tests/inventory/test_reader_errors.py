"""A damaged file in the web import: one ReaderError, shown in French with its place
(issue 10: 97 of 2,374 malformed files showed raw exception text)."""

from __future__ import annotations

import shutil

import pytest
from django.utils import translation
from tests import paths

from jalon.core.readers import ReaderError
from jalon.inventory import analysis, problems

CORPUS = paths.ROOT / "tests" / "fuzz" / "corpus"


@pytest.mark.parametrize(("name", "french"), [
    ("xlsx/0006-sheetless.xlsx", "le classeur n'a aucune feuille de cellules"),
    ("xlsx/0003-not-a-zip.xlsx", "ce n'est pas un classeur Excel (.xlsx)"),
    ("xlsx/0009-huge-dimension.xlsx", "déclare 1048576 lignes et 16384 colonnes"),
    ("csv/0024-many-columns-header.csv", "l'en-tête (ligne 1) a 3001 colonnes"),
])
def test_a_damaged_file_is_one_french_message(tmp_path, name, french):
    stored = tmp_path / f"upload{CORPUS.joinpath(name).suffix}"
    shutil.copy(CORPUS / name, stored)
    with pytest.raises(ReaderError) as caught:
        analysis.analyse(stored, "parc.xlsx")
    assert not caught.value.internal
    with translation.override("fr"):
        text = problems.reader_error_message(caught.value, stored, "parc.xlsx")
    assert french in text
    assert "Traceback" not in text and "Error" not in text.split(":")[0]


def test_rows_that_are_not_devices_are_shown_in_french():
    stored = paths.FIXTURES / "town_hall_messy.csv"
    result = analysis.analyse(stored, "inventaire mairie.csv")
    assert result.counts["read"] == 40
    with translation.override("fr"):
        shown = problems.translated(result.problems)
    texts = {p["line"]: p["message"] for p in shown}
    assert texts[47].startswith("ligne de total (TOTAL), pas un appareil")
    assert texts[24].startswith("ligne de texte libre, pas un appareil")
