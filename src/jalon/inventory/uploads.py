"""Uploaded inventory files on disk: content-addressed storage and safe ZIP extraction.

A file is stored as UPLOAD_DIR/<organisation id>/<sha256><suffix>: the user's file name never
becomes a path, and uploading the same file twice stores it once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx", ".json", ".xml", ".ocs", ".zip")
# What a ZIP may hold: agent inventories only (a tabular file is uploaded on its own).
AGENT_SUFFIXES = (".json", ".xml", ".ocs")
ZIP_MAX_FILES = 5_000
ZIP_MAX_FILE_BYTES = 20 * 1024 * 1024  # the agent reader's own limit for one inventory
ZIP_MAX_TOTAL_BYTES = 500 * 1024 * 1024


class UnsafeArchive(ValueError):
    """A ZIP that cannot be extracted safely (bomb, too many files, damaged)."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def suffix_of(file_name: str) -> str:
    return Path(file_name).suffix.lower()


def organisation_folder(organisation_id: int) -> Path:
    folder = Path(settings.UPLOAD_DIR) / str(organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(upload: UploadedFile[bytes], organisation_id: int) -> StoredFile:
    """Stream the upload to disk, hashing as it goes; the size limit is enforced while
    streaming too, whatever the form said."""
    folder = organisation_folder(organisation_id)
    digest = hashlib.sha256()
    size = 0
    limit = max_upload_bytes()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limit:
                    raise ValueError("file too large")
                digest.update(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        target = folder / f"{sha256}{suffix_of(upload.name or '')}"
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(target, sha256, size)


def extract_agent_files(archive: Path) -> Path:
    """Extract the agent inventories of a ZIP into a sibling folder and return it.

    Members are written under their base name only (no folders, so no path traversal), hidden
    files and other formats are skipped, and sizes are counted on the bytes actually inflated
    because the sizes a ZIP declares can lie.
    """
    folder = archive.with_suffix(".d")
    if folder.is_dir():  # already extracted for an earlier analysis of the same file
        return folder
    partial = archive.with_suffix(".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        _extract(archive, partial)
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def _extract(archive: Path, into: Path) -> None:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive("the ZIP file cannot be opened") from exc
    total = 0
    written = 0
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        for member in members:
            name = Path(member.filename.replace("\\", "/")).name
            if not name or name.startswith(".") or suffix_of(name) not in AGENT_SUFFIXES:
                continue
            written += 1
            if written > ZIP_MAX_FILES:
                raise UnsafeArchive(f"the ZIP holds more than {ZIP_MAX_FILES} inventory files")
            # Same base name in two folders of the archive: keep both.
            target = into / name
            if target.exists():
                target = into / f"{written:05d}-{name}"
            try:
                with zf.open(member) as source, target.open("wb") as out:
                    size = 0
                    while chunk := source.read(1024 * 1024):
                        size += len(chunk)
                        total += len(chunk)
                        if size > ZIP_MAX_FILE_BYTES:
                            raise UnsafeArchive(f"{name}: more than "
                                                f"{ZIP_MAX_FILE_BYTES // 1_048_576} MB inflated")
                        if total > ZIP_MAX_TOTAL_BYTES:
                            raise UnsafeArchive("the ZIP inflates to more than "
                                                f"{ZIP_MAX_TOTAL_BYTES // 1_048_576} MB")
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError, EOFError) as exc:
                # RuntimeError: encrypted member; the others: a damaged archive.
                raise UnsafeArchive(f"{name}: cannot be extracted ({exc})") from exc
