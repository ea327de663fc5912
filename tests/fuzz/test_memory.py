"""Peak memory of reading the pathological large inputs, each in a subprocess of its own.

Every input is at most the upload limit (50 MB on disk); reading it must stay under 1 GB of
resident memory and end in a result or a located refusal (tests/fuzz/big_inputs.py builds the
inputs and measures; issue 10 saw 8 GB for a 4.7 KB workbook and a 14 MB single-line CSV).
The two small ones run with every `make test`; all of them with `make fuzz`.
"""

from __future__ import annotations

import pytest
from tests.fuzz import big_inputs

QUICK = ("single-line-14MB-delimiters", "xlsx-declares-XFD1048576-row-1048576")


def check(name: str, tmp_path) -> None:
    suffix, make = big_inputs.INPUTS[name]
    path = tmp_path / f"{name}{suffix}"
    make(path)
    result = big_inputs.measure(path)
    assert result["outcome"] in ("ok", "refused"), result
    assert int(str(result["peak_mb"])) < big_inputs.MEMORY_LIMIT_MB, result


@pytest.mark.parametrize("name", QUICK)
def test_the_worst_small_inputs_stay_small(name, tmp_path):
    check(name, tmp_path)


@pytest.mark.fuzz
@pytest.mark.parametrize("name", [n for n in big_inputs.INPUTS if n not in QUICK])
def test_every_large_input_stays_under_one_gigabyte(name, tmp_path):
    check(name, tmp_path)
