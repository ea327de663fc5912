"""Read every file of the fuzz corpus and count what escaped the readers.

    python tests/fuzz/run_corpus.py [CORPUS_DIR] [--sample N] [--json]

Each file is read with `jalon.core.readers.read_path`, as the command line and the web import
do. An outcome is `ok` (read, possibly with problems), `refused` (a ReaderError: the file is
refused with a located message) or `crash` (any other exception, or the readers' last-resort
"internal error" ReaderError, which means a bug the readers did not foresee). The process's
peak resident memory is printed too. Exit status 1 when any file crashed.

It runs with whatever `jalon` is importable, so the same command measures another checkout:
`PYTHONPATH=/work/main/src /work/main/.venv/bin/python tests/fuzz/run_corpus.py`.
"""

from __future__ import annotations

import argparse
import collections
import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_SECONDS = 60  # generous: the machine may be shared


class Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise Timeout


def outcome(path: Path) -> tuple[str, str]:
    """(ok | refused | crash, detail) for one file."""
    from jalon.core.readers import ReaderError, read_path

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_SECONDS)
    try:
        result = read_path(path)
        return "ok", f"{result.report.read} rows, {len(result.problems)} problems"
    except ReaderError as exc:
        if getattr(exc, "internal", False):
            return "crash", f"internal: {exc.problem.message}"
        return "refused", exc.problem.message
    except Timeout:
        return "crash", f"timeout after {TIMEOUT_SECONDS} s"
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return "crash", f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
    finally:
        signal.alarm(0)


def corpus_files(root: Path, sample: int | None = None) -> list[Path]:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    if sample:
        step = max(1, len(files) // sample)
        files = files[::step][:sample]
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=HERE / "corpus")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="one JSON line per file")
    args = parser.parse_args()
    files = corpus_files(args.corpus, args.sample)
    counts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    started = time.perf_counter()
    for path in files:
        status, detail = outcome(path)
        counts[status] += 1
        if status == "crash":
            kinds[detail] += 1
        if args.json:
            print(json.dumps({"file": str(path.relative_to(args.corpus)), "outcome": status,
                              "detail": detail}, ensure_ascii=False))
        elif status == "crash":
            print(f"CRASH {path.relative_to(args.corpus)}: {detail}", file=sys.stderr)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(files)} files in {time.perf_counter() - started:.0f} s: "
          f"{counts['ok']} read, {counts['refused']} refused with a message, "
          f"{counts['crash']} uncaught; peak RSS {peak_mb:.0f} MB")
    for detail, n in kinds.most_common():
        print(f"  {n:5d}  {detail}")
    return 1 if counts["crash"] else 0


if __name__ == "__main__":
    sys.exit(main())
