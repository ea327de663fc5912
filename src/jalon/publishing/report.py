"""The annual report (CGCT L. 2311-1-1, D. 2311-15-1), assembled from the sections that the
domains declare in the publishing registry (ReportSection), in registry order.

The report of year N shows each section's template with its context for (organisation, N):
the strategy's introduction, tree and indicators, the footprint and the sources... A section
of a domain ("domain" set) appears only when that domain is published. One HTML document,
turned into a tagged PDF (PDF/UA-1) by WeasyPrint. Reproducible: the same data gives the same
bytes. The document never shows the current time; its dates (shown and in the PDF metadata) are
the data's own dates of change (the sections' "modified"); every list has a fixed order; the PDF
identifier is derived from the HTML. On screen, the same sections are shown one part at a time
(screen_parts), to keep each page light.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from jalon.kit.formatting import utc_stamp
from jalon.publishing import registry
from jalon.publishing.registry import ReportSection
from jalon.tenancy import scope
from jalon.tenancy.models import Organisation

INDICATORS_PER_PART: Final = 5  # items of a long section (indicators) per screen part


@dataclass
class Entry:
    """A section of one report: its declaration, its context and its items (long sections)."""

    section: ReportSection
    context: dict[str, Any]
    items: list[Any] | None = None


@dataclass(frozen=True)
class Part:
    """One screen part of the report: some of its sections, or some items of a long section
    (`first`..`last`, 1-based, inclusive). The PDF is the whole document."""

    number: int
    title: str
    sections: tuple[str, ...]
    first: int = 0
    last: int = 0


@dataclass
class Report:
    organisation: Organisation
    year: int
    entries: list[Entry] = field(default_factory=list)


def assemble(organisation: Organisation, year: int) -> Report:
    """The sections of the report of `year` that apply to the organisation, with their data."""
    published = scope.published_domains(organisation)
    report = Report(organisation, year)
    for section in registry.report_sections():
        if section.domain and section.domain not in published:
            continue
        context = section.context(organisation, year)
        if context is None:
            continue
        items = list(section.items(organisation, year)) if section.items else None
        report.entries.append(Entry(section, context, items))
    return report


def screen_parts(report: Report) -> list[Part]:
    """Consecutive sections sharing a `part` title make one part; a long section is split,
    INDICATORS_PER_PART items at a time (the PDF's order)."""
    parts: list[Part] = []
    group = ""
    for entry in report.entries:
        section = entry.section
        title = str(section.part or section.title)
        if entry.items is not None:
            count = len(entry.items)
            for start in range(0, count, INDICATORS_PER_PART):
                first, last = start + 1, min(start + INDICATORS_PER_PART, count)
                words = {"title": section.title, "first": first, "last": last}
                name = (gettext("%(title)s %(first)s à %(last)s") % words if last > first
                        else gettext("%(title)s : %(first)s") % words)
                parts.append(Part(len(parts) + 1, name, (section.key,), first, last))
            if not count:
                parts.append(Part(len(parts) + 1, str(section.title), (section.key,)))
            group = ""
        elif parts and group and group == title:
            last_part = parts[-1]
            parts[-1] = Part(last_part.number, last_part.title,
                             (*last_part.sections, section.key))
        else:
            parts.append(Part(len(parts) + 1, title, (section.key,)))
            group = title
    return parts


def screen_part(parts: list[Part], requested: Any) -> Part:
    """The part asked for (?part=N); the first one for anything else, the last one beyond."""
    try:
        number = int(requested)
    except (TypeError, ValueError):
        number = 1
    return parts[min(max(number, 1), len(parts)) - 1]


def _when(entries: list[Entry], key: str) -> list[dt.datetime]:
    return [e.context[key] for e in entries if e.context.get(key) is not None]


def report_context(organisation: Organisation, year: int, part: Any = None) -> dict[str, Any]:
    """Everything the report of `year` shows; each section rendered with its own context.

    `part` None is the whole document (the PDF); anything else is the screen part
    ?part=`part` (screen_parts): only the items that part shows are prepared, plus the list of
    parts for the table of contents."""
    report = assemble(organisation, year)
    changed = max(_when(report.entries, "modified"), default=organisation.created_at)
    created = min(_when(report.entries, "created"), default=changed)
    sources = sorted({tuple(s) for e in report.entries for s in e.context.get("sources", ())})
    base: dict[str, Any] = {
        "report_org": organisation, "year": year, "as_of": dt.date(year, 12, 31),
        "changed": changed, "changed_date": timezone.localtime(changed).date(),
        "report_sources": sources,
        "title": gettext("Bilan %(year)s de la stratégie numérique responsable — %(name)s") % {
            "year": year, "name": organisation.name},
    }
    extra: dict[str, Any] = {}
    current: Part | None = None
    if part is not None:
        parts = screen_parts(report)
        current = screen_part(parts, part)
        extra = {"screen": True, "parts": parts, "part": current,
                 "previous_part": parts[current.number - 2] if current.number > 1 else None,
                 "next_part": parts[current.number] if current.number < len(parts) else None}
    rendered: list[SafeString] = []
    for entry in report.entries:
        section = entry.section
        if current is not None and section.key not in current.sections:
            continue
        context = {**base, **extra, **entry.context, "section": section}
        if entry.items is not None:
            shown = entry.items
            if current is not None and current.last:
                shown = entry.items[current.first - 1:current.last]
            context.update({
                "items": [section.item(i, year) if section.item else i for i in shown],
                "first": current.first if current else 0,
                "last": current.last if current else 0, "count": len(entry.items)})
        rendered.append(mark_safe(  # noqa: S308  # a rendered (auto-escaped) template
            render_to_string(section.template, context)))
    return {**base, **extra, "created": created, "sections": rendered}


def render_document(organisation: Organisation, year: int) -> str:
    """The standalone HTML document of the report (the PDF's source)."""
    context = report_context(organisation, year)
    context["stylesheet"] = render_to_string("publishing/report/print.css")
    context["stamp"] = utc_stamp(context["changed"])
    context["created"] = utc_stamp(context["created"])
    return render_to_string("publishing/report/document.html", context)


def render_pdf(html: str, base_url: str) -> bytes:
    """A tagged PDF/UA-1 document, identical for identical HTML."""
    from weasyprint import HTML

    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True, pdf_identifier=identifier)
    return pdf


def pdf_response(organisation: Organisation, year: int, request: HttpRequest) -> HttpResponse:
    """The report of `year` as a PDF download (inline)."""
    document = render_document(organisation, year)
    response = HttpResponse(render_pdf(document, request.build_absolute_uri("/")),
                            content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="bilan-{organisation.slug}-{year}'
                                       '.pdf"')
    return response
