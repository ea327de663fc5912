"""Every write of the audits domain: each in a transaction, each leaving an audit event, and
each announcing `TOPIC` so that the computed indicators are recomputed.

Callers pass objects obtained through `selectors` (scoped to the request's organisation).
Bad values raise django's ValidationError keyed by field, in French.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import queue
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon import events
from jalon.audits.models import (
    Campaign,
    CampaignStatus,
    Declaration,
    DeclarationKind,
    GridStatus,
    PageAudit,
    PageKind,
    RgaaEntry,
    RgaaGrid,
    RgesnEntry,
    RgesnGrid,
    SamplePage,
)
from jalon.catalogue.models import DigitalService
from jalon.core import audits as rules
from jalon.core import audits_referentials as referentials
from jalon.core.audits_browser import DEFAULT_PAGES_IN_FLIGHT, Settings
from jalon.tenancy.audit import record
from jalon.tenancy.models import Organisation

TOPIC: Final = "audits"  # jalon.events topic: audits, grids or declarations changed
MAX_SAMPLE_PAGES: Final = 30
MAX_CAMPAIGN_PAGES: Final = 2000
# Words that give away a page's kind in its address (French sites), for the default sample.
KIND_HINTS: Final = (
    (PageKind.CONTACT, ("contact", "nous-contacter", "ecrire")),
    (PageKind.LEGAL, ("mentions-legales", "mentions_legales", "legal")),
    (PageKind.ACCESSIBILITY, ("accessibilite", "accessibility")),
    (PageKind.SITEMAP, ("plan-du-site", "plan_du_site", "sitemap")),
    (PageKind.HELP, ("aide", "faq", "help")),
    (PageKind.SIGN_IN, ("connexion", "login", "se-connecter", "compte")),
    (PageKind.SEARCH, ("recherche", "search", "?q=")),
    (PageKind.FORM, ("formulaire", "demande", "form")),
    (PageKind.DOCUMENT, (".pdf", "document", "telecharg")),
)


def audit_settings(runs: int | None = None) -> Settings:
    """The browser pass as this instance allows it. Private, loopback and link-local
    addresses are refused unless the instance allows them: settings AUDITS_ALLOW_PRIVATE,
    AUDITS_ALLOW_LOOPBACK, or the environment variables JALON_AUDITS_ALLOW_PRIVATE=1,
    JALON_AUDITS_ALLOW_LOOPBACK=1 (tests and the demo allow loopback)."""
    return Settings(
        runs=runs or int(getattr(settings, "AUDITS_RUNS", 3)),
        wait_before_scroll_s=float(getattr(settings, "AUDITS_WAIT_SECONDS", 1.0)),
        wait_after_scroll_s=float(getattr(settings, "AUDITS_WAIT_SECONDS", 1.0)),
        timeout_s=float(getattr(settings, "AUDITS_TIMEOUT_SECONDS", 30.0)),
        allow_private=bool(getattr(settings, "AUDITS_ALLOW_PRIVATE",
                                   os.environ.get("JALON_AUDITS_ALLOW_PRIVATE") == "1")),
        allow_loopback=bool(getattr(settings, "AUDITS_ALLOW_LOOPBACK",
                                    os.environ.get("JALON_AUDITS_ALLOW_LOOPBACK") == "1")),
        workers=int(getattr(settings, "AUDITS_WORKERS",
                            os.environ.get("JALON_AUDITS_WORKERS", "1"))),
        pages_in_flight=int(getattr(settings, "AUDITS_PAGES_IN_FLIGHT",
                                    os.environ.get("JALON_AUDITS_PAGES_IN_FLIGHT",
                                                   DEFAULT_PAGES_IN_FLIGHT))),
        guard=True)


def _changed(actor: Any, action: str, organisation: Organisation, target: str,
             **details: Any) -> None:
    record(actor, action, organisation, target=target, **details)
    events.announce(TOPIC, organisation.pk)


def clean_url(value: str) -> str:
    value = (value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("« %(value)s » n'est pas une adresse http(s) ; écrivez par "
                                "exemple https://www.exemple.fr/contact.") % {"value": value})
    if len(value) > 500:
        raise ValidationError(_("Adresse trop longue (500 caractères au plus)."))
    return value


# --- The pages to audit ------------------------------------------------------------------------

def guess_kind(url: str, main_url: str = "") -> str:
    if main_url and url.rstrip("/") == main_url.rstrip("/"):
        return PageKind.HOME
    lowered = url.lower()
    for kind, hints in KIND_HINTS:
        if any(h in lowered for h in hints):
            return kind
    path = urlsplit(url).path
    return PageKind.HOME if path in ("", "/") else PageKind.OTHER


def default_sample(service: DigitalService) -> list[tuple[str, str]]:
    """The RGAA sample proposed for a service: its main address (home) and its catalogue
    pages, each with the kind its address suggests, in the RGAA order."""
    urls = [service.url] if service.url else []
    urls += [u for u in service.sample_url_list if u not in urls]
    rows = [(guess_kind(u, service.url), u) for u in urls]
    order = {k: i for i, k in enumerate(PageKind.values)}
    return sorted(rows, key=lambda r: order[r[0]])


def sample_pages(service: DigitalService) -> list[tuple[str, str]]:
    """The pages to audit: the team's sample, or the default one."""
    saved = [(p.kind, p.url) for p in SamplePage.objects.filter(service=service)]
    return saved or default_sample(service)


def save_sample(actor: Any, service: DigitalService, rows: Sequence[tuple[str, str]]) -> None:
    """Replace the service's sample (kind, url) rows; empty urls are skipped."""
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[str, str]] = []
    for index, (kind, url) in enumerate(rows):
        if not (url or "").strip():
            continue
        if kind not in PageKind.values:
            errors.setdefault(f"kind-{index}", []).append(_("Type de page inconnu."))
            continue
        try:
            value = clean_url(url)
        except ValidationError as exc:
            errors.setdefault(f"url-{index}", []).extend(exc.messages)
            continue
        if value in (u for _k, u in cleaned):
            errors.setdefault(f"url-{index}", []).append(_("Adresse déjà dans l'échantillon."))
            continue
        cleaned.append((kind, value))
    if len(cleaned) > MAX_SAMPLE_PAGES:
        errors.setdefault("__all__", []).append(
            _("Au plus %(n)d pages par échantillon.") % {"n": MAX_SAMPLE_PAGES})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        SamplePage.objects.filter(service=service).delete()
        SamplePage.objects.bulk_create([
            SamplePage(organisation=service.organisation, service=service, kind=kind, url=url,
                       position=i) for i, (kind, url) in enumerate(cleaned)])
        _changed(actor, "audits.sample", service.organisation, service.name,
                 service_id=service.pk, pages=len(cleaned))


# --- Page audits and campaigns -----------------------------------------------------------------

def store_result(organisation: Organisation, service: DigitalService, result: Mapping[str, Any],
                 kind: str = PageKind.OTHER, campaign: Campaign | None = None,
                 measured_at: dt.datetime | None = None) -> PageAudit:
    """One page's result (audits_browser.Auditor.audit) as a stored, immutable audit."""
    eco = result.get("ecoindex") or {}
    ok = result.get("status") == "ok"
    return PageAudit.objects.create(
        organisation=organisation, service=service, campaign=campaign,
        url=str(result.get("url", ""))[:500], kind=kind,
        status=str(result.get("status", "error")), message=str(result.get("message", ""))[:500],
        http_status=result.get("http_status"),
        ecoindex=eco.get("score") if ok else None, grade=eco.get("grade", "") if ok else "",
        score_range=(eco.get("spread", {}).get("score", {}).get("range") if ok else None),
        dom_nodes=eco.get("dom_nodes"), requests=eco.get("requests"),
        size_kb=eco.get("size_kb"), ghg_g=eco.get("ghg_g"), water_cl=eco.get("water_cl"),
        axe_violations=len(result.get("axe", {}).get("violations", [])) if ok else None,
        rgesn_failed=(sum(1 for c in result.get("rgesn", []) if c.get("result") == "fail")
                      if ok else None),
        result=dict(result), measured_at=measured_at or timezone.now())


def campaign_pages(campaign: Campaign) -> list[tuple[DigitalService, str, str]]:
    pages = []
    for service in campaign.services.order_by("name", "id"):
        pages += [(service, kind, url) for kind, url in sample_pages(service)]
    return pages


def create_campaign(actor: Any, organisation: Organisation, name: str,
                    services: Iterable[DigitalService], runs: int = 3,
                    scheduled_for: dt.datetime | None = None,
                    repeat_days: int | None = None) -> Campaign:
    """A campaign over the services' samples, queued now or at `scheduled_for` (a background
    task: `jalon worker` runs it; tests run it inline)."""
    chosen = list(services)
    errors: dict[str, list[str]] = {}
    if not chosen:
        errors["services"] = [_("Choisissez au moins un service.")]
    if not 1 <= runs <= 10:
        errors["runs"] = [_("Entre 1 et 10 chargements par page.")]
    if scheduled_for is not None and scheduled_for <= timezone.now():
        errors["scheduled_for"] = [_("La date doit être dans le futur.")]
    if repeat_days is not None and not 1 <= repeat_days <= 366:
        errors["repeat_days"] = [_("Entre 1 et 366 jours.")]
    if any(s.organisation_id != organisation.pk for s in chosen):
        errors["services"] = [_("Service inconnu.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organisation=organisation, name=(name or "").strip()[:200] or _(
                "Campagne du %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")},
            runs=runs, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            scheduled_for=scheduled_for, repeat_days=repeat_days,
            status=CampaignStatus.SCHEDULED if scheduled_for else CampaignStatus.QUEUED)
        campaign.services.set(chosen)
        pages = campaign_pages(campaign)
        if not pages:
            raise ValidationError({"services": [_(
                "Aucune page à auditer : renseignez l'adresse des services choisis ou leur "
                "échantillon de pages.")]})
        if len(pages) > MAX_CAMPAIGN_PAGES:
            raise ValidationError({"services": [_("Au plus %(n)d pages par campagne.")
                                                % {"n": MAX_CAMPAIGN_PAGES}]})
        campaign.total_pages = len(pages)
        campaign.save(update_fields=["total_pages"])
        record(actor, "audits.campaign", organisation, target=campaign.name,
               campaign_id=campaign.pk, pages=len(pages), runs=runs,
               scheduled_for=scheduled_for.isoformat() if scheduled_for else "")
        transaction.on_commit(lambda: _enqueue(campaign.pk, scheduled_for))
    return campaign


def repeat_campaign(campaign: Campaign) -> Campaign:
    """The next occurrence of a recurring campaign: same services and runs, scheduled
    `repeat_days` after this one started (never in the past)."""
    start = campaign.scheduled_for or campaign.created_at
    when = max(start + dt.timedelta(days=campaign.repeat_days or 1),
               timezone.now() + dt.timedelta(minutes=1))
    with transaction.atomic():
        following = Campaign.objects.create(
            organisation=campaign.organisation, name=campaign.name, runs=campaign.runs,
            created_by=campaign.created_by, scheduled_for=when,
            repeat_days=campaign.repeat_days, status=CampaignStatus.SCHEDULED)
        following.services.set(campaign.services.all())
        following.total_pages = len(campaign_pages(following))
        following.save(update_fields=["total_pages"])
        record(None, "audits.campaign_repeated", campaign.organisation, target=campaign.name,
               campaign_id=following.pk, after=campaign.pk)
        transaction.on_commit(lambda: _enqueue(following.pk, when))
    return following


def _enqueue(campaign_id: int, run_after: dt.datetime | None) -> None:
    from jalon.audits.tasks import run_campaign

    task = run_campaign
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(campaign_id)


def execute_campaign(campaign_id: int) -> Campaign:
    """Run a campaign's pages with one Chromium, storing each result as it comes (visible
    progress); a bad page gets its status, never stops the campaign."""
    from jalon.core.audits_browser import audit_pages

    campaign = Campaign.objects.select_related("organisation").get(pk=campaign_id)
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.DONE):
        return campaign
    pages = campaign_pages(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.RUNNING, started_at=timezone.now(), total_pages=len(pages),
        done_pages=0)

    # Playwright's sync API runs an event loop in its thread, where Django refuses database
    # queries: the pass runs in a thread of its own and hands each result over a queue to
    # this one, which stores it at once (visible progress).
    results: queue.Queue[tuple[int, dict[str, Any]] | None] = queue.Queue()

    def browse() -> None:
        try:
            audit_pages([url for _s, _k, url in pages], audit_settings(campaign.runs),
                        lambda index, result: results.put((index, result)))
        finally:
            results.put(None)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(browse)
        done = 0
        while (item := results.get()) is not None:
            index, result = item
            service, kind, _url = pages[index]
            store_result(campaign.organisation, service, result, kind, campaign)
            done += 1
            Campaign.objects.filter(pk=campaign.pk).update(done_pages=done)
        try:
            future.result()
        except Exception as exc:  # Chromium missing or crashed: say so on the campaign
            Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.FAILED, finished_at=timezone.now(),
                message=str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__)
            raise
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DONE,
                                                   finished_at=timezone.now())
    events.announce(TOPIC, campaign.organisation_id)
    if campaign.repeat_days:
        repeat_campaign(campaign)
    campaign.refresh_from_db()
    return campaign


# --- Manual grids ------------------------------------------------------------------------------

def create_rgaa_grid(actor: Any, service: DigitalService, size: int, auditor: str = ""
                     ) -> RgaaGrid:
    if size not in referentials.AUDIT_SIZES:
        raise ValidationError({"size": [_("Taille d'audit : 25, 50 ou 106 critères.")]})
    with transaction.atomic():
        grid = RgaaGrid.objects.create(organisation=service.organisation, service=service,
                                       size=size, auditor=(auditor or "").strip()[:200])
        _changed(actor, "audits.rgaa_grid", service.organisation, service.name,
                 service_id=service.pk, grid_id=grid.pk, size=size)
    return grid


def save_rgaa_entries(actor: Any, grid: RgaaGrid, page: str,
                      values: Mapping[str, tuple[str, str, bool]]) -> int:
    """values: criterion → (status, note, derogation) for one page ("" = the whole sample).
    Returns how many entries changed."""
    allowed = {c.number for c in referentials.rgaa_for_size(grid.size)}
    errors = {c: [_("Critère hors de cette grille.")] for c in values if c not in allowed}
    errors.update({c: [_("Statut inconnu.")] for c, (s, _n, _d) in values.items()
                   if s not in GridStatus.values})
    if errors:
        raise ValidationError(errors)
    changed = 0
    with transaction.atomic():
        existing = {e.criterion: e for e in grid.entries.filter(page=page)}
        for criterion, (status, note, derogation) in values.items():
            entry = existing.get(criterion)
            note = (note or "").strip()[:2000]
            if entry is None:
                if not status and not note:
                    continue
                RgaaEntry.objects.create(grid=grid, criterion=criterion, page=page,
                                         status=status, note=note, derogation=derogation)
                changed += 1
            elif (entry.status, entry.note, entry.derogation) != (status, note, derogation):
                entry.status, entry.note, entry.derogation = status, note, derogation
                entry.save(update_fields=["status", "note", "derogation"])
                changed += 1
        if changed:
            grid.save(update_fields=["updated_at"])
            _changed(actor, "audits.rgaa_entries", grid.organisation, grid.service.name,
                     grid_id=grid.pk, page=page, changed=changed)
    return changed


def create_rgesn_grid(actor: Any, service: DigitalService) -> RgesnGrid:
    with transaction.atomic():
        grid = RgesnGrid.objects.create(organisation=service.organisation, service=service)
        _changed(actor, "audits.rgesn_grid", service.organisation, service.name,
                 service_id=service.pk, grid_id=grid.pk)
    return grid


def save_rgesn_entries(actor: Any, grid: RgesnGrid, values: Mapping[str, tuple[str, str]],
                       referent: str | None = None, objective: str | None = None) -> int:
    known = {c.number for c in referentials.rgesn()}
    errors = {c: [_("Critère inconnu.")] for c in values if c not in known}
    for criterion, (status, justification) in values.items():
        if status not in GridStatus.values:
            errors.setdefault(criterion, []).append(_("Statut inconnu."))
        elif status == GridStatus.NOT_APPLICABLE and not (justification or "").strip():
            errors.setdefault(criterion, []).append(_(
                "Justifiez la non-applicabilité de ce critère (exigée par la déclaration)."))
    if errors:
        raise ValidationError(errors)
    changed = 0
    with transaction.atomic():
        existing = {e.criterion: e for e in grid.entries.all()}
        for criterion, (status, justification) in values.items():
            justification = (justification or "").strip()[:2000]
            entry = existing.get(criterion)
            if entry is None:
                if status or justification:
                    RgesnEntry.objects.create(grid=grid, criterion=criterion, status=status,
                                              justification=justification)
                    changed += 1
            elif (entry.status, entry.justification) != (status, justification):
                entry.status, entry.justification = status, justification
                entry.save(update_fields=["status", "justification"])
                changed += 1
        fields = []
        if referent is not None and referent.strip() != grid.referent:
            grid.referent = referent.strip()[:200]
            fields.append("referent")
        if objective is not None and objective.strip() != grid.objective:
            grid.objective = objective.strip()[:500]
            fields.append("objective")
        if changed or fields:
            grid.save(update_fields=[*fields, "updated_at"])
            _changed(actor, "audits.rgesn_entries", grid.organisation, grid.service.name,
                     grid_id=grid.pk, changed=changed)
    return changed


# --- Declarations ------------------------------------------------------------------------------

RECOURSE: Final = (
    "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou "
    "une fonctionnalité du site, que vous nous le signalez et que vous ne parvenez pas à "
    "obtenir une réponse de notre part, vous êtes en droit de faire parvenir vos doléances "
    "ou une demande de saisine au Défenseur des droits : par le formulaire en ligne "
    "(https://formulaire.defenseurdesdroits.fr/), en contactant le délégué du Défenseur des "
    "droits dans votre région (https://www.defenseurdesdroits.fr/saisir/delegues), ou par "
    "courrier gratuit, sans affranchissement : Défenseur des droits, Libre réponse 71120, "
    "75342 Paris CEDEX 07.")


def _next_version(service: DigitalService, kind: str) -> int:
    last = (Declaration.objects.filter(service=service, kind=kind)
            .order_by("-version").values_list("version", flat=True).first())
    return (last or 0) + 1


def generate_rgaa_declaration(actor: Any, grid: RgaaGrid, values: Mapping[str, str],
                              established_on: dt.date | None = None) -> Declaration:
    """The accessibility declaration in its mandatory content (DINUM model), frozen from
    the grid and the service's latest page audits. `values`: contact, technologies,
    assistive technologies, derogations, out-of-scope contents, multi-year plan link."""
    from jalon.audits import selectors

    service = grid.service
    if not (values.get("contact") or "").strip():
        raise ValidationError({"contact": [_(
            "Indiquez un moyen de contact (adresse électronique ou formulaire) : la "
            "déclaration doit en donner un.")]})
    rate = selectors.rgaa_rate(grid)
    criteria = referentials.rgaa_by_number()
    latest = selectors.latest_page_audits(service)
    tools = {}
    for audit in latest:
        tools.update({k: v for k, v in audit.result.get("tools", {}).items() if v})
    today = established_on or timezone.localdate()
    derogated = list(grid.entries.filter(derogation=True).values_list("criterion", "note"))
    content: dict[str, Any] = {
        "organisation": service.organisation.name, "service": service.name,
        "url": service.url, "rgaa_version": referentials.RGAA_VERSION,
        "state": rate.state, "state_label": rules.STATE_LABELS_FR[rate.state],
        "rate": rate.rate, "applicable": rate.applicable, "validated": rate.validated,
        "not_validated": rate.not_validated, "not_applicable": rate.not_applicable,
        "untested": rate.untested, "audit_size": grid.size,
        "auditor": grid.auditor or "Audit interne",
        "non_compliances": [{"criterion": c, "description": criteria[c].description,
                             "notes": list(grid.entries.filter(criterion=c).exclude(note="")
                                           .values_list("note", flat=True))}
                            for c in rate.failed if c in criteria],
        "derogations": (values.get("derogations") or "").strip(),
        "derogated_criteria": [{"criterion": c, "note": n} for c, n in derogated],
        "out_of_scope": (values.get("out_of_scope") or "").strip(),
        "technologies": (values.get("technologies") or "HTML, CSS, JavaScript").strip(),
        "test_environment": {"browsers": f"Chromium {tools.get('chromium', '')}".strip(),
                             "assistive": (values.get("assistive") or "").strip()},
        "tools": [*([f"axe-core {tools['axe_core']}"] if tools.get("axe_core") else []),
                  "Jalon (grille RGAA 4.1.2)"],
        "pages": [{"kind": kind, "url": url} for kind, url in sample_pages(service)],
        "contact": values["contact"].strip(),
        "schema_url": (values.get("schema_url") or "").strip(),
        "recourse": RECOURSE, "established_on": today.isoformat(),
        "valid_until": rules.valid_until(today).isoformat(),
        "grid_id": grid.pk, "grid_updated_at": grid.updated_at.isoformat(),
    }
    with transaction.atomic():
        declaration = Declaration.objects.create(
            organisation=service.organisation, service=service, kind=DeclarationKind.RGAA,
            version=_next_version(service, DeclarationKind.RGAA), established_on=today,
            rate=rate.rate, state=rate.state, content=content,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        _changed(actor, "audits.declaration", service.organisation, service.name,
                 declaration_id=declaration.pk, kind="rgaa", version=declaration.version)
    return declaration


def generate_rgesn_declaration(actor: Any, grid: RgesnGrid, values: Mapping[str, str],
                               established_on: dt.date | None = None) -> Declaration:
    """The eco-design declaration (RGESN 2024 model): validated, not validated and
    non-applicable criteria (each justified), the score d'avancement, the previous score,
    the objective, the pages evaluated, the referent; with its bot-readable JSON."""
    from jalon.audits import selectors

    service = grid.service
    progress = selectors.rgesn_progress(grid)
    if progress.unjustified_na:
        raise ValidationError({"__all__": [_(
            "Critères non applicables sans justification : %(list)s.")
            % {"list": ", ".join(progress.unjustified_na)}]})
    criteria = referentials.rgesn_by_number()
    entries = {e.criterion: e for e in grid.entries.all()}
    previous = (Declaration.objects.filter(service=service, kind=DeclarationKind.RGESN)
                .order_by("-version").first())
    today = established_on or timezone.localdate()
    evidence = selectors.rgesn_evidence(service)

    def item(number: str) -> dict[str, Any]:
        entry = entries.get(number)
        return {"criterion": number, "description": criteria[number].description,
                "priority": criteria[number].priority,
                "status": entry.status if entry else "",
                "justification": entry.justification if entry else "",
                "evidence": evidence.get(number, [])}

    ordered = [c.number for c in referentials.rgesn()]
    content = {
        "organisation": service.organisation.name, "service": service.name,
        "url": service.url, "rgesn_version": referentials.RGESN_VERSION,
        "score": progress.score, "previous_score": previous.rate if previous else None,
        "objective": grid.objective, "referent": grid.referent,
        "validated": [item(c) for c in ordered if entries.get(c) and entries[c].status == "C"],
        "not_validated": [item(c) for c in ordered
                          if entries.get(c) and entries[c].status == "NC"],
        "not_applicable": [item(c) for c in ordered
                           if entries.get(c) and entries[c].status == "NA"],
        "untested": [c for c in ordered if not entries.get(c) or not entries[c].status],
        "plan": (values.get("plan") or "").strip(),
        "review_frequency": (values.get("review_frequency") or "").strip(),
        "pages": [{"kind": kind, "url": url} for kind, url in sample_pages(service)],
        "established_on": today.isoformat(),
    }
    with transaction.atomic():
        declaration = Declaration.objects.create(
            organisation=service.organisation, service=service, kind=DeclarationKind.RGESN,
            version=_next_version(service, DeclarationKind.RGESN), established_on=today,
            rate=progress.score, state="", content=content,
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        _changed(actor, "audits.declaration", service.organisation, service.name,
                 declaration_id=declaration.pk, kind="rgesn", version=declaration.version)
    return declaration


def set_published(actor: Any, declaration: Declaration, published: bool) -> Declaration:
    """Publish one version (the others of the same service and kind are withdrawn: one
    stable public URL shows the published one) or withdraw it."""
    with transaction.atomic():
        if published:
            Declaration.objects.filter(service=declaration.service, kind=declaration.kind,
                                       published=True).exclude(pk=declaration.pk).update(
                published=False)
        declaration.published = published
        declaration.save(update_fields=["published"])
        _changed(actor, "audits.declaration_published" if published
                 else "audits.declaration_withdrawn", declaration.organisation,
                 declaration.service.name, declaration_id=declaration.pk)
    return declaration


def record_substantial_change(actor: Any, declaration: Declaration, day: dt.date) -> None:
    """A redesign or substantial change: the declaration is no longer current (DINUM)."""
    if day < declaration.established_on:
        raise ValidationError({"substantial_change_on": [_(
            "La modification doit être postérieure à la déclaration.")]})
    with transaction.atomic():
        declaration.substantial_change_on = day
        declaration.save(update_fields=["substantial_change_on"])
        _changed(actor, "audits.substantial_change", declaration.organisation,
                 declaration.service.name, declaration_id=declaration.pk, day=day.isoformat())
