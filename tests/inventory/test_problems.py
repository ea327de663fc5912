"""The readers' problems in the interface's language (issue 16)."""

from __future__ import annotations

import re

from django.utils import translation
from tests import paths

from jalon.core.readers.values import PARSERS, RANGE_RULES
from jalon.inventory import problems

READERS = paths.ROOT / "src" / "jalon" / "core" / "readers"


def joined_literals(path) -> str:
    """The source with adjacent string literals joined, as Python joins them."""
    return re.sub(r'"\s*\n\s*f?"', "", path.read_text(encoding="utf-8"))


def test_every_translated_message_is_one_the_readers_write():
    """Guards the keys against typos: each is a message or template of the readers (or a
    message built from PARSERS, whose category list is computed)."""
    sources = "".join(joined_literals(READERS / n) for n in
                      ("agent.py", "tabular.py", "text.py", "values.py", "__init__.py",
                       "workbook.py"))
    computed = {PARSERS[c][1] for c in ("category", "disposal")}
    missing = [m for m in problems.MESSAGES if m not in sources and m not in computed]
    assert missing == []


def test_every_problem_of_the_realistic_export_has_a_french_text(tmp_path):
    """The planted problems of the GLPI sample and the other problems of the tabular
    readers all have a French text."""
    for _column, (_kind, message) in PARSERS.items():
        assert message in problems.MESSAGES, message
    for _column, _rule, message in RANGE_RULES:
        assert message in problems.MESSAGES, message


def test_a_stored_problem_is_shown_in_the_active_language():
    stored = {"message": "this inventory number is already on line 4; both devices are "
                         "counted, but a merged re-import uses it as the key: make it unique",
              "template": "this inventory number is already on line {first_line}; both devices "
                          "are counted, but a merged re-import uses it as the key: make it "
                          "unique",
              "params": {"first_line": "4"}}
    with translation.override("fr"):
        assert problems.message(stored).startswith("ce numéro d'inventaire figure déjà ligne 4")
    with translation.override("en"):
        assert problems.message(stored).startswith("this inventory number is already on line 4")
    assert problems.message({"message": "something new"}) == "something new"
