"""Column mappings an organisation corrected, remembered per layout of file.

A layout is the file's header row: its fingerprint is the SHA-256 of the headers as the readers
compare them (normalised: case, accents and spacing do not matter), in file order. When a file
with the same fingerprint is uploaded again, the analysis starts from the corrected mapping and
the import page says so.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from jalon.core.readers.text import normalise_header
from jalon.inventory.models import ImportMapping
from jalon.tenancy.models import Organisation


def fingerprint(headers: list[str]) -> str:
    if not headers:
        return ""
    normalised = [normalise_header(h) for h in headers]
    return hashlib.sha256(json.dumps(normalised, ensure_ascii=False).encode()).hexdigest()


def remembered(organisation: Organisation, headers: list[str]) -> dict[str, str] | None:
    """The organisation's corrected mapping for this header row, keyed by the file's own
    headers, or None."""
    key = fingerprint(headers)
    if not key:
        return None
    found = ImportMapping.objects.filter(organisation=organisation, fingerprint=key).first()
    if found is None:
        return None
    by_normalised = {normalise_header(h): t for h, t in found.mapping.items()}
    mapping = {h: by_normalised[normalise_header(h)] for h in headers
               if normalise_header(h) in by_normalised}
    return mapping or None


def remember(actor: Any, organisation: Organisation, headers: list[str],
             columns: dict[str, str]) -> ImportMapping | None:
    """Keep the user's correction for the next file of this layout (call in a transaction)."""
    key = fingerprint(headers)
    if not key:
        return None
    mapping, _created = ImportMapping.objects.update_or_create(
        organisation=organisation, fingerprint=key,
        defaults={"mapping": dict(columns), "headers": list(headers), "updated_by": actor})
    return mapping
