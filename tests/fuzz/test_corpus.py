"""The committed corpus of malformed files: no reader lets anything but a ReaderError out.

A sample of the corpus runs with every `make test` (about 200 files, a few seconds); `make
fuzz` reads all of it. "Internal" ReaderErrors (read_path's last resort for the unforeseen)
count as failures: the corpus must be handled on purpose, not by the safety net.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.fuzz import make_corpus
from tests.fuzz.run_corpus import corpus_files, outcome

CORPUS = Path(__file__).resolve().parent / "corpus"
SAMPLE = 200


def test_the_corpus_is_large_and_small():
    files = corpus_files(CORPUS)
    assert len(files) >= 2000
    assert sum(f.stat().st_size for f in files) < 10 * 1024 * 1024
    assert {f.parent.name for f in files} == {"csv", "xlsx", "json", "xml"}


@pytest.mark.parametrize("path", corpus_files(CORPUS, SAMPLE), ids=lambda p: p.name)
def test_a_sample_of_the_corpus_never_escapes(path: Path):
    status, detail = outcome(path)
    assert status != "crash", detail


@pytest.mark.fuzz
def test_the_whole_corpus_never_escapes():
    crashes = [(p.name, detail) for p in corpus_files(CORPUS)
               for status, detail in [outcome(p)] if status == "crash"]
    assert crashes == []


@pytest.mark.fuzz
def test_the_committed_corpus_is_what_the_script_writes(tmp_path):
    make_corpus.write_corpus(tmp_path, 10)
    written = {p.relative_to(tmp_path): p.read_bytes() for p in corpus_files(tmp_path)}
    committed = {p.relative_to(CORPUS): p.read_bytes() for p in corpus_files(CORPUS)}
    assert written.keys() == committed.keys()
    assert [k for k in written if written[k] != committed[k]] == []
