"""Read inventories from the files authorities have; see docs/formats.md."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from jalon.core.model import Problem, ReadReport
from jalon.core.readers.base import ReaderError, ReadResult, conform, empty_frame
from jalon.core.readers.tabular import Mapping, read_tabular

__all__ = ["Mapping", "ReadResult", "ReaderError", "read_inventory", "read_path"]


def read_path(path: Path, mapping: Mapping | None = None) -> ReadResult:
    """Read one file or folder, choosing the reader from the content, not the name alone.

    Raises ReaderError only: whatever a damaged file makes a library raise becomes one, so
    that the command line prints a message, not a traceback, and the web import shows it.
    """
    try:
        return _read_path(path, mapping)
    except ReaderError:
        raise
    except MemoryError as exc:
        raise ReaderError(Problem(
            str(path), 0, "", "",
            "the file needs more memory than this machine has to be read; split it into "
            "smaller files and import them one by one")) from exc
    except RecursionError as exc:
        raise ReaderError(Problem(
            str(path), 0, "", "",
            "the file is nested too deeply to be an inventory; check that it is the export "
            "of an inventory")) from exc
    except Exception as exc:  # the last resort: a bug the readers did not foresee
        raise ReaderError(Problem.of(
            str(path), 0, "", "",
            "the file could not be read ({error}); nothing was imported; check that it is "
            "an inventory export, and report the problem with the file if it is one",
            error=f"{type(exc).__name__}: {exc}"[:300]), internal=True) from exc


def _read_path(path: Path, mapping: Mapping | None) -> ReadResult:
    from jalon.core.readers import agent

    if not path.exists():
        raise ReaderError(Problem(str(path), 0, "", "", "no such file or folder"))
    if path.is_dir():
        return agent.read_agent_folder(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm") and agent.looks_like_agent_file(path):
        return agent.read_agent_file(path)
    return read_tabular(path, mapping)


def read_inventory(paths: list[Path], mapping: Mapping | None = None) -> ReadResult:
    """Read and concatenate several inventories; a file that cannot be read at all is a
    problem of its own and the others still compute."""
    frames: list[pl.DataFrame] = []
    report = ReadReport()
    for path in paths:
        try:
            result = read_path(path, mapping)
        except ReaderError as exc:
            report.problems.append(exc.problem)
            continue
        frames.append(result.frame)
        report.extend(result.report)
    frame = pl.concat(frames, how="vertical") if frames else empty_frame()
    return ReadResult(conform(frame), report)
