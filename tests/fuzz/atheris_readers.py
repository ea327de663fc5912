"""Coverage-guided fuzzing of the readers with atheris (libFuzzer for Python).

    .venv/bin/python tests/fuzz/atheris_readers.py [CORPUS_DIR...] [-max_total_time=600]
        [-rss_limit_mb=1024] [-only_ascii=0]

Each input's first byte chooses the format (CSV, XLSX, agent JSON, agent XML), the rest is the
file; the committed corpus (tests/fuzz/corpus/<format>/) seeds it when no folder is given.
Anything `read_path` lets out other than a non-internal ReaderError stops the run with the
input saved by libFuzzer (crash-<sha1>), to be added to the corpus once fixed. libFuzzer's
-rss_limit_mb=1024 holds the readers to the 1 GB memory target too.

atheris is a dev dependency (a manylinux wheel, `uv sync` installs it); without it, this
script says so and exits with status 2 instead of failing on the import.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUFFIXES = (".csv", ".xlsx", ".json", ".xml")

try:
    import atheris
except ImportError:  # pragma: no cover - depends on the machine
    atheris = None

if atheris is not None:
    # Only Jalon is instrumented: instrumenting Polars' Python layer breaks its expressions.
    with atheris.instrument_imports(include=["jalon"]):
        from jalon.core.readers import ReaderError, read_path
else:  # pragma: no cover
    from jalon.core.readers import ReaderError, read_path

SCRATCH = Path(tempfile.mkdtemp(prefix="jalon-atheris-"))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = SCRATCH / f"input{suffix}"
    path.write_bytes(data[1:])
    try:
        read_path(path)
    except ReaderError as exc:
        if exc.internal:
            raise AssertionError(exc.problem.message) from exc


def seed_folder() -> Path:
    """The committed corpus with each file prefixed by its format's byte, in a scratch folder
    libFuzzer may add to (it writes new interesting inputs into its first corpus folder)."""
    seeds = SCRATCH / "seeds"
    seeds.mkdir(exist_ok=True)
    for index, suffix in enumerate(SUFFIXES):
        for path in sorted((HERE / "corpus" / suffix[1:]).glob(f"*{suffix}")):
            (seeds / f"{suffix[1:]}-{path.name}").write_bytes(bytes([index]) + path.read_bytes())
    return seeds


def main() -> int:
    if atheris is None:
        print("atheris is not installed: `uv sync` installs it (dev dependency); the corpus "
              "and hypothesis suites run without it (make fuzz).", file=sys.stderr)
        return 2
    argv = list(sys.argv)
    if not any(not a.startswith("-") for a in argv[1:]):
        argv.append(str(seed_folder()))
    if not any(a.startswith("-rss_limit_mb") for a in argv):
        argv.append("-rss_limit_mb=1024")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
