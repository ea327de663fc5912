"""The `jalon` command line: parse arguments, call the core, render. Nothing else.

Machine output (json, csv) goes to stdout and nothing else does; progress and messages go to
stderr, so that `jalon footprint inv.csv --format json > out.json` stays clean.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from jalon import __version__
from jalon.core.factors import DEFAULT_SET, FactorSetError, load_factor_set
from jalon.core.model import CATEGORIES, CRITERIA, UNITS
from jalon.core.readers import Mapping, ReaderError, read_inventory

app = typer.Typer(
    help="Jalon: the footprint of an authority's IT estate, from the inventories it has.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

LARGE_INPUT_BYTES = 5_000_000


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class MethodChoice(StrEnum):
    stock = "stock"
    flux = "flux"


class LifespanRuleChoice(StrEnum):
    reference = "reference"
    real = "real"


PathsArg = Annotated[list[Path], typer.Argument(
    help="Inventory files or folders (canonical CSV/XLSX, GLPI export, NumEcoEval "
         "equipementPhysique, GLPI-Agent/FusionInventory JSON or XML, or a folder of them).")]
YearOpt = Annotated[int | None, typer.Option(
    "--year", "-y", help="Year N (default: the current year).")]
FactorsOpt = Annotated[str, typer.Option("--factors", help="Factor set name or folder.")]
CountryOpt = Annotated[str, typer.Option(
    "--country", help="ISO 3166-1 alpha-3 country for devices without one (electricity mix).")]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
MappingOpt = Annotated[Path | None, typer.Option(
    "--mapping", help="TOML file overriding the detected column mapping (docs/formats.md).")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jalon {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Jalon command line."""


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _input_size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def _progress(paths: list[Path]) -> Progress:
    show = _input_size(paths) >= LARGE_INPUT_BYTES and err.is_terminal
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=err, transient=True, disable=not show)


def _load(paths: list[Path], mapping_path: Path | None, factors: str) -> tuple[Any, Any]:
    from jalon.core.servers import prefetch_boavizta

    # Overlapping boaviztapi's import with reading only pays on large inputs; on a small file
    # it would make a run without servers wait for an import it does not need.
    if _input_size(paths) >= LARGE_INPUT_BYTES:
        prefetch_boavizta()
    try:
        mapping = Mapping.load(mapping_path) if mapping_path else None
        factor_set = load_factor_set(factors)
    except ReaderError as exc:
        raise _fail(str(exc)) from exc
    except FactorSetError as exc:
        raise _fail(str(exc)) from exc
    for path in paths:
        if not path.exists():
            raise _fail(f"{path}: no such file or folder")
    result = read_inventory(paths, mapping)
    if result.report.read == 0:
        from rich.markup import escape

        for problem in result.problems:
            # Located as the readers located it; escaped, as messages quote the file
            # ("[columns]", a cell's text) and Rich would take brackets for markup.
            where = f":{problem.line}" if problem.line else ""
            column = f" [{problem.column}]" if problem.column else ""
            err.print(f"[red]{escape(problem.source + where)}[/]{escape(column)}: "
                      f"{escape(problem.message)}")
        raise _fail("no device could be read from the input", 1)
    return result, factor_set


def _parse_pairs(values: list[str], option: str, *, share: bool) -> dict[str, float]:
    pairs: dict[str, float] = {}
    for item in values:
        category, sep, number = item.partition("=")
        category = category.strip()
        if not sep or category not in CATEGORIES:
            raise _fail(f"{option} {item!r}: expected CATEGORY=NUMBER with a category among "
                        f"{', '.join(CATEGORIES)}")
        try:
            value = float(number.replace(",", "."))
        except ValueError:
            raise _fail(f"{option} {item!r}: {number!r} is not a number") from None
        if share and not 0 <= value <= 1:
            raise _fail(f"{option} {item!r}: a share is between 0 and 1 (0.3 for 30 %)")
        if not share and value <= 0:
            raise _fail(f"{option} {item!r}: a lifespan is more than 0 years")
        pairs[category] = value
    return pairs


def _this_year() -> int:
    """The current year in the local time zone (the engine commands run without Django)."""
    return dt.datetime.now(dt.UTC).astimezone().year


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", "\u202f")
    if abs(value) >= 1:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _print_columns(report: Any) -> None:
    """Which columns were read, which Jalon recognises but does not use, which it does not
    know: said by name on stderr, never dropped in silence."""
    from jalon.core.readers.tabular import IGNORE, PRICE_INCL_VAT, UNUSED_COLUMNS

    if not report.mapping:
        return
    used = [h for h, t in report.mapping.items() if t != IGNORE]
    unused = report.unused
    unknown = [h for h, t in report.mapping.items() if t == IGNORE and h not in unused and h]
    err.print(f"columns read: {len(used)} ("
              + ", ".join(f"{h} → {report.mapping[h]}" for h in used) + ")")
    described = {**UNUSED_COLUMNS,
                 PRICE_INCL_VAT: "price incl. VAT (the price excl. VAT is used)"}
    if unused:
        err.print("recognised but not used: " + ", ".join(
            f"« {h} » ({described.get(k, k)})" for h, k in unused.items()))
    if unknown:
        err.print("not recognised (map them with --mapping): "
                  + ", ".join(f"« {h} »" for h in unknown))


def _print_problems(report: dict[str, Any]) -> None:
    rows = report["rows"]
    problems = rows["problems"]
    err.print(f"{rows['read']} devices read, {rows['used']} used, "
              f"{rows['unclassified']} unclassified, {len(problems)} problems")
    from rich.markup import escape

    for problem in problems[:20]:
        err.print(escape(f"  {problem['source']}:{problem['line']} [{problem['column']}] "
                         f"{problem['value']!r}: {problem['message']}"))
    if len(problems) > 20:
        err.print(f"  … and {len(problems) - 20} more (use --format json to get them all)")
    for item in rows.get("unclassified_types", [])[:10]:
        err.print(f"  unclassified: type={item.get('type')!r} model={item.get('model')!r} "
                  f"({item['count']} devices, e.g. line {item['lines'][0]})")


@app.command()
def footprint(
    paths: PathsArg,
    year: YearOpt = None,
    method: Annotated[MethodChoice, typer.Option(
        "--method", help="stock: footprint of year N (embodied amortised); flux: embodied "
                         "impacts of the devices bought in N.")] = MethodChoice.stock,
    lifespan_rule: Annotated[LifespanRuleChoice, typer.Option(
        "--lifespan-rule", help="reference: amortise over the category's lifespan; real: "
                                "NumEcoEval's rule (1/age each year, at least one year), which "
                                "charges a device about 2.3 times its manufacture over 5 "
                                "years; see docs/methodology.md.")
    ] = LifespanRuleChoice.reference,
    factors: FactorsOpt = DEFAULT_SET,
    country: CountryOpt = "FRA",
    output: FormatOpt = Format.table,
    mapping: MappingOpt = None,
) -> None:
    """The footprint of year N of the devices in the inventories."""
    from jalon.core.engine import Options, compute
    from jalon.core.output import footprint_to_dict

    with _progress(paths) as progress:
        task = progress.add_task("reading the inventory", total=None)
        result, factor_set = _load(paths, mapping, factors)
        progress.update(task, description="computing the footprint")
        options = Options(year=year or _this_year(), method=method.value,
                          lifespan_rule=lifespan_rule.value, country=country.upper())
        computed = compute(result.frame, factor_set, options, result.report)
        data = footprint_to_dict(computed)
    _print_columns(result.report)
    if output is Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif output is Format.csv:
        _write_csv(data)
    else:
        _print_footprint(data)
        _print_problems(data)


def _write_csv(data: dict[str, Any]) -> None:
    from jalon.core.exports import safe_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["scope", "key", "criterion", "value", "min", "max", "unit", "count"])
    for criterion, triple in data["totals"].items():
        writer.writerow(["total", "", criterion, triple["value"], triple["min"], triple["max"],
                         triple["unit"], ""])
    for phase, crit in data["by_phase"].items():
        for criterion, triple in crit.items():
            writer.writerow(["phase", phase, criterion, triple["value"], triple["min"],
                             triple["max"], triple["unit"], ""])
    for category, entry in data["by_category"].items():
        for criterion in CRITERIA:
            triple = entry[criterion]
            writer.writerow(["category", safe_cell(category), criterion, triple["value"],
                             triple["min"], triple["max"], triple["unit"], entry["count"]])


def _print_footprint(data: dict[str, Any]) -> None:
    totals = data["totals"]
    gwp = totals["gwp"]
    out.print(f"[bold]Footprint {data['year']}[/] ({data['method']}, factor set "
              f"{data['factor_set']['name']} {data['factor_set']['version']})")
    out.print(f"Climate change: [bold]{_fmt(gwp['value'] / 1000)} tCO2e[/] "
              f"(range {_fmt(gwp['min'] / 1000)} – {_fmt(gwp['max'] / 1000)})")
    table = Table(title="By category", show_lines=False)
    table.add_column("category")
    table.add_column("devices", justify="right")
    table.add_column("lifespan (yr)", justify="right")
    for criterion in CRITERIA:
        table.add_column(f"{criterion} ({UNITS[criterion]})", justify="right")
    for category, entry in sorted(data["by_category"].items(),
                                  key=lambda kv: -kv[1]["gwp"]["value"]):
        life = entry["lifespan_years"]
        table.add_row(category, str(entry["count"]), "–" if life is None else f"{life:.1f}",
                      *[_fmt(entry[c]["value"]) for c in CRITERIA])
    table.add_row("[bold]total", str(sum(e["count"] for e in data["by_category"].values())), "",
                  *[f"[bold]{_fmt(totals[c]['value'])}" for c in CRITERIA])
    out.print(table)
    phases = Table(title="By phase")
    phases.add_column("phase")
    for criterion in CRITERIA:
        phases.add_column(f"{criterion} ({UNITS[criterion]})", justify="right")
    for phase, crit in data["by_phase"].items():
        phases.add_row(phase, *[_fmt(crit[c]["value"]) for c in CRITERIA])
    out.print(phases)


@app.command()
def scenario(
    paths: PathsArg,
    lifespan: Annotated[list[str], typer.Option(
        "--lifespan", help="CATEGORY=YEARS, repeatable (e.g. laptop=7).")] = [],  # noqa: B006
    refurbished: Annotated[list[str], typer.Option(
        "--refurbished", help="CATEGORY=SHARE of purchases refurbished (e.g. laptop=0.3)."),
    ] = [],  # noqa: B006
    reduce: Annotated[list[str], typer.Option(
        "--reduce", help="CATEGORY=SHARE of the fleet not replaced (e.g. monitor=0.3)."),
    ] = [],  # noqa: B006
    mix: Annotated[str | None, typer.Option(
        "--mix", help="Electricity mix (ISO alpha-3) for the use phase in the scenario.")] = None,
    year: YearOpt = None,
    until: Annotated[int, typer.Option("--until", help="Last year of the trajectory.")] = 2030,
    factors: FactorsOpt = DEFAULT_SET,
    output: FormatOpt = Format.table,
    mapping: MappingOpt = None,
) -> None:
    """Baseline versus scenario: steady state and the trajectory year by year."""
    from jalon.core.output import scenario_to_dict
    from jalon.core.scenario import ScenarioParams, run_scenario

    params = ScenarioParams(
        lifespans=_parse_pairs(lifespan, "--lifespan", share=False),
        refurbished=_parse_pairs(refurbished, "--refurbished", share=True),
        reduction=_parse_pairs(reduce, "--reduce", share=True),
        country=mix.upper() if mix else None,
    )
    year = year or _this_year()
    if until < year:
        raise _fail(f"--until {until} is before --year {year}")
    with _progress(paths) as progress:
        task = progress.add_task("reading the inventory", total=None)
        result, factor_set = _load(paths, mapping, factors)
        if params.country and params.country not in factor_set.countries():
            raise _fail(f"--mix {params.country}: no electricity mix for it in "
                        f"{factor_set.name}; see `jalon factors`")
        progress.update(task, description="computing the scenario")
        computed = run_scenario(result.frame, factor_set, params, year, until, result.report)
        data = scenario_to_dict(computed)
    if output is Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif output is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["side", "year", "criterion", "value", "min", "max", "unit", "count"])
        for side in ("baseline", "scenario"):
            steady = data[side]["steady_state"]
            for criterion in CRITERIA:
                t = steady["totals"][criterion]
                writer.writerow([side, "steady_state", criterion, t["value"], t["min"], t["max"],
                                 t["unit"], steady["count"]])
            for entry in data[side]["years"]:
                for criterion in CRITERIA:
                    t = entry["totals"][criterion]
                    writer.writerow([side, entry["year"], criterion, t["value"], t["min"],
                                     t["max"], t["unit"], entry["count"]])
    else:
        _print_scenario(data)


def _print_scenario(data: dict[str, Any]) -> None:
    base, scen = data["baseline"], data["scenario"]
    out.print("[bold]Scenario[/] " + ", ".join(
        f"{k}: {v}" for k, v in data["parameters"].items() if v))
    b = base["steady_state"]["totals"]["gwp"]["value"]
    s = scen["steady_state"]["totals"]["gwp"]["value"]
    change = (s - b) / b * 100 if b else 0.0
    out.print(f"Steady state, climate change: baseline {_fmt(b / 1000)} tCO2e/yr, scenario "
              f"{_fmt(s / 1000)} tCO2e/yr ({change:+.1f} %)")
    table = Table(title="Trajectory (tCO2e)")
    table.add_column("year")
    table.add_column("baseline", justify="right")
    table.add_column("scenario", justify="right")
    table.add_column("difference", justify="right")
    for by, sy in zip(base["years"], scen["years"], strict=True):
        bv, sv = by["totals"]["gwp"]["value"] / 1000, sy["totals"]["gwp"]["value"] / 1000
        table.add_row(str(by["year"]), _fmt(bv), _fmt(sv), f"{sv - bv:+.1f}")
    out.print(table)


@app.command()
def inventory(
    paths: PathsArg,
    year: YearOpt = None,
    output: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format (table or json).")] = Format.table,
    mapping: MappingOpt = None,
) -> None:
    """What the inventories hold: the columns read, recognised but not used, or unknown; the
    problems; the end-of-life routes read from statuses and comments (with the rule that
    matched); the refurbished and AGEC spend shares of year N's purchases and the reuse rate
    of the equipment retired in N (décret 2023-266), with what it left out."""
    from jalon.core.circularity import summary
    from jalon.core.classify import classify

    if output is Format.csv:
        raise _fail("--format csv: use table or json")
    with _progress(paths) as progress:
        progress.add_task("reading the inventory", total=None)
        result, _factors = _load(paths, mapping, DEFAULT_SET)
        frame = classify(result.frame)
        data = summary(frame, year or _this_year())
    report = result.report
    data["rows"] = {"read": report.read, "used": frame.height,
                    "unclassified": frame.filter(frame["category"].is_null()).height,
                    "problems": [p.as_dict() for p in report.problems]}
    data["columns"] = {"mapping": report.mapping, "unused": report.unused}
    if output is Format.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print_columns(report)
    _print_inventory(data)
    _print_problems(data)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _print_inventory(data: dict[str, Any]) -> None:
    year, buys, rate = data["year"], data["purchases"], data["reuse_rate_retired"]
    out.print(f"[bold]Purchases of {year}[/]: {buys['units']} devices, "
              f"{buys['reuse_units']} refurbished or reused "
              f"({_share(buys['refurbished_purchase_share'])}); spend "
              f"{_fmt(buys['spend_eur'])} € excl. VAT, of which refurbished or reused "
              f"{_fmt(buys['reuse_spend_eur'])} € (AGEC share {_share(buys['reuse_spend_share'])}"
              f"; {buys['units_without_price']} devices without a price)")
    table = Table(title="End-of-life routes (all rows)")
    for name in ("route", "rule", "rows", "devices"):
        table.add_column(name, justify="right" if name in ("rows", "devices") else "left")
    for row in data["routes"]:
        table.add_row(row["route"] or "(no route)", row["route_rule"] or "—", str(row["rows"]),
                      str(row["devices"]))
    out.print(table)
    left_out = ", ".join(f"{k} {v}" for k, v in rate["left_out"].items()) or "nothing"
    out.print(f"[bold]Reuse rate of the equipment retired in {year}[/] (décret 2023-266): "
              f"{_share(rate['value'])} = {rate['reused_units']} reused, donated or sold / "
              f"({rate['retired_units']} retired in {year}, of which "
              f"{rate['without_route_units']} without a route, + {rate['waiting_units']} "
              f"retired earlier still without a route); left out: {left_out}")


@app.command()
def factors(
    factor_set: Annotated[str, typer.Option("--set", help="Factor set name or folder.")
                          ] = DEFAULT_SET,
    output: FormatOpt = Format.table,
) -> None:
    """The factors of a set, with their sources, years, licences and ranges."""
    try:
        fs = load_factor_set(factor_set)
    except FactorSetError as exc:
        raise _fail(str(exc)) from exc
    if output is Format.json:
        payload = {"name": fs.name, "version": fs.version, "description": fs.description,
                   **{k: v.to_dicts() for k, v in fs.tables().items()}}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if output is Format.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["table", "key", "criterion", "phase", "value", "min", "max", "unit",
                         "source", "year", "licence"])
        for row in fs.embodied.iter_rows(named=True):
            writer.writerow(["embodied", row["category"], row["criterion"], row["phase"],
                             row["value"], row["min"], row["max"], row["unit"], row["source"],
                             row["year"], row["licence"]])
        for row in fs.electricity.iter_rows(named=True):
            writer.writerow(["electricity", row["country"], row["criterion"], "use",
                             row["value"], row["min"], row["max"], row["unit"], row["source"],
                             row["year"], row["licence"]])
        return
    out.print(f"[bold]{fs.name} {fs.version}[/] — {fs.description}")
    table = Table(title="Embodied impacts per device")
    for column in ("category", "criterion", "phase", "value", "min", "max", "unit", "source",
                   "year"):
        table.add_column(column)
    for row in fs.embodied.iter_rows(named=True):
        table.add_row(row["category"], row["criterion"], row["phase"], _fmt(row["value"]),
                      _fmt(row["min"]), _fmt(row["max"]), row["unit"], str(row["source"]),
                      str(row["year"]))
    out.print(table)
    life = Table(title="Reference lifespans (years)")
    for column in ("category", "years", "min", "max", "source"):
        life.add_column(column)
    for row in fs.lifespans.iter_rows(named=True):
        life.add_row(row["category"], f"{row['lifespan_years']:g}", f"{row['min']:g}",
                     f"{row['max']:g}", str(row["source"]))
    out.print(life)
    elec = Table(title="Electricity per kWh")
    for column in ("country", "criterion", "value", "unit", "source", "year"):
        elec.add_column(column)
    for row in fs.electricity.iter_rows(named=True):
        elec.add_row(row["country"], row["criterion"], f"{row['value']:.4g}", row["unit"],
                     str(row["source"]), str(row["year"]))
    out.print(elec)
    out.print("Servers: Boavizta's bottom-up model per configuration (boaviztapi).")


class BiasFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def bias(
    file: Annotated[Path, typer.Argument(help="CSV of decisions, one line per decision.")],
    decision: Annotated[str, typer.Option("--decision", help="Column of the decision.")],
    group: Annotated[str, typer.Option("--group", help="Column of the group compared.")],
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="Column of the true outcome (for true/false positive rates).")
    ] = None,
    stratum: Annotated[str | None, typer.Option(
        "--stratum", help="Column to stratify by (Simpson's paradox check).")] = None,
    positive: Annotated[str | None, typer.Option(
        "--positive", help="Decision value that is favourable (default: 1/oui/true).")
    ] = None,
    outcome_positive: Annotated[str | None, typer.Option(
        "--outcome-positive", help="Outcome value that is favourable.")] = None,
    output: Annotated[BiasFormat, typer.Option("--format", "-f", help="Output format.")
                      ] = BiasFormat.table,
) -> None:
    """Bias of an algorithm's decisions per group (Fairlearn): selection rates with bootstrap
    confidence intervals, demographic parity, equalized odds; docs/algorithms.md."""
    from jalon.core import bias as core_bias

    if not file.is_file():
        raise _fail(f"{file}: no such file")
    try:
        data = core_bias.read_decisions(
            file.read_bytes(), decision=decision, group=group, outcome=outcome,
            stratum=stratum, positive=positive, outcome_positive=outcome_positive)
    except core_bias.BiasInputError as exc:
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {file}: {problem}")
        raise typer.Exit(2) from exc
    result = core_bias.measure(data)
    if output is BiasFormat.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=f"Selection rate per group ({result['n']} decisions)")
    for column in ("group", "n", "selection rate", "95% CI", *(
            ("TPR", "FPR") if outcome else ())):
        table.add_column(column, justify="left" if column == "group" else "right")
    for name, g in result["groups"].items():
        cells = [name + (" (small)" if g["small"] else ""), str(g["n"]),
                 f"{g['selection_rate']:.3f}", f"{g['ci_low']:.3f}–{g['ci_high']:.3f}"]
        if outcome:
            cells += [_rate(g.get("true_positive_rate")), _rate(g.get("false_positive_rate"))]
        table.add_row(*cells)
    out.print(table)
    out.print(f"demographic parity difference: {_rate(result['demographic_parity_difference'])}")
    out.print(f"demographic parity ratio: {_rate(result['demographic_parity_ratio'])}")
    if "equalized_odds_difference" in result:
        out.print(f"equalized odds difference: {_rate(result['equalized_odds_difference'])}")
    if result["small_groups"]:
        err.print("[yellow]caution:[/] groups under 30 decisions: "
                  + ", ".join(result["small_groups"]))
    if result.get("simpson", {}).get("reversed"):
        err.print("[yellow]caution:[/] Simpson's paradox: the gap reverses in every stratum")
    if result["four_fifths"]["below"]:
        err.print("[yellow]caution:[/] ratio under 0.8 (four-fifths rule of thumb, not a "
                  "legal threshold)")


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


# --------------------------------------------------------------------------------------------
# The web platform: manage, worker, serve, demo
# --------------------------------------------------------------------------------------------

PASSTHROUGH = {"allow_extra_args": True, "ignore_unknown_options": True,
               "help_option_names": []}


def _django_env() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")


@app.command(context_settings=PASSTHROUGH, add_help_option=False)
def manage(ctx: typer.Context) -> None:
    """Django's management commands with Jalon's settings (`jalon manage migrate`, …)."""
    from django.core.management import execute_from_command_line

    _django_env()
    execute_from_command_line(["jalon manage", *ctx.args])


@app.command(context_settings=PASSTHROUGH, add_help_option=False)
def worker(ctx: typer.Context) -> None:
    """The background task worker of the configured queue (the database's django-tasks worker,
    options passing through, or with JALON_TASK_BACKEND=rq an RQ worker: jalon/taskqueue.py),
    which also retries or fails imports whose worker died (inventory/jobs.py)."""
    from django.core.management import execute_from_command_line

    _django_env()
    execute_from_command_line(["jalon worker", "jalon_worker", *ctx.args])


@app.command("imports-sweep")
def imports_sweep() -> None:
    """Retry or fail the imports whose worker died; remove orphan upload files."""
    from django.core.management import execute_from_command_line

    _django_env()
    execute_from_command_line(["jalon imports-sweep", "import_sweep"])


HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option("--port", help="TCP port.")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="gunicorn worker processes.")]
ThreadsOpt = Annotated[int, typer.Option("--threads", help="Threads per worker process.")]


def _gunicorn_args(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "jalon.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads),
            "--timeout", "120", "--graceful-timeout", "10",
            "--access-logfile", "-", "--error-logfile", "-"]


@app.command()
def serve(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    workers: WorkersOpt = 2,
    threads: ThreadsOpt = 4,
) -> None:
    """The web server: collectstatic, then gunicorn (jalon.wsgi) with threads."""
    import os

    from jalon.demo_site import setup_django

    _django_env()
    setup_django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    # The public pages the workers share (publishing/fastpath.py) start empty: a page kept
    # from before a restore or a new database must not answer for an organisation of the same
    # id and inventory version.
    from django.core.cache import caches

    caches["shared"].clear()
    args = _gunicorn_args(host, port, workers, threads)
    sys.stdout.flush()
    sys.stderr.flush()
    # gunicorn takes over the process and its signals; args are built here, not user input
    os.execv(sys.executable, args)  # noqa: S606


@app.command()
def demo(
    output: Annotated[Format | None, typer.Option(
        "--format", "-f", help="With --footprint-only: output format. Giving a format implies "
                               "--footprint-only.")] = None,
    year: YearOpt = None,
    footprint_only: Annotated[bool, typer.Option(
        "--footprint-only", help="Only print the footprint of the demo inventory (no server).")
    ] = False,
    seed_only: Annotated[bool, typer.Option(
        "--seed-only", help="Create and seed the database, then exit (no server).")] = False,
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    workers: WorkersOpt = 2,
) -> None:
    """The demo platform: seeds a fictitious operator, its authorities and one person per role,
    then runs the task worker and the web server until Ctrl-C."""
    if footprint_only or output is not None:
        from jalon.core.demo import demo_paths

        footprint(demo_paths(), year=year, output=output or Format.table)
        return
    import os

    from jalon import demo_site

    _django_env()
    demo_site.setup_django()
    from django.conf import settings

    data_dir = Path(settings.DATA_DIR)
    err.print(f"Base de données : {settings.DATABASES['default']['NAME']}")
    demo_site.migrate()
    report = demo_site.seed(data_dir=data_dir, say=err.print)
    for item in report.created:
        err.print(f"  créé : {item}")
    if seed_only:
        _print_credentials(None)
        return
    # The demo's services are its own pages on loopback: its worker may audit them (a shared
    # server refuses loopback targets unless told, against SSRF; see jalon.audits.services).
    env = {**os.environ, "JALON_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
           "JALON_AUDITS_ALLOW_LOOPBACK": os.environ.get("JALON_AUDITS_ALLOW_LOOPBACK", "1")}
    url = f"http://{host}:{port}/"
    commands = {
        "worker": demo_site.jalon_command("worker"),
        "serveur web": demo_site.jalon_command("serve", "--host", host, "--port", str(port),
                                               "--workers", str(workers)),
    }

    def ready() -> None:
        if demo_site.wait_for_http(url, timeout=60):
            _print_credentials(url)
        else:
            err.print(f"[red]Le serveur ne répond pas sur {url}[/]")

    code = demo_site.run_processes(commands, env, err.print, ready)
    raise typer.Exit(code)


def _print_credentials(url: str | None) -> None:
    from jalon.demo_site import DEMO_PASSWORD, DEMO_USERS

    if url:
        out.print(f"\n[bold]Jalon tourne sur {url}[/] (Ctrl-C pour arrêter)")
    table = Table(title=f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    table.add_column("identifiant")
    table.add_column("rôle")
    for person in DEMO_USERS:
        table.add_row(person.username, person.description)
    out.print(table)


class AuditFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def audit(
    urls: Annotated[list[str], typer.Argument(help="Pages to audit (http or https URLs).")],
    runs: Annotated[int, typer.Option("--runs", min=1, max=20,
                                      help="Loads per page; EcoIndex is their median.")] = 3,
    output: Annotated[AuditFormat, typer.Option("--format", "-f",
                                                help="Output format.")] = AuditFormat.table,
    min_ecoindex: Annotated[float | None, typer.Option(
        "--min-ecoindex", min=0, max=100,
        help="Gate: fail (exit 1) when a page's EcoIndex score is below S.")] = None,
    max_axe_violations: Annotated[int | None, typer.Option(
        "--max-axe-violations", min=0,
        help="Gate: fail (exit 1) when a page has more than K axe rules violated.")] = None,
) -> None:
    """Audit pages in one browser pass each: EcoIndex, axe-core (RGAA), RGESN checks.

    Runs on your own machine: any address is audited, loopback and private ones included.
    Exit code 1 when a gate fails or a page cannot be audited, 0 otherwise, 2 on bad
    arguments (docs/audits.md)."""
    from jalon.core import audits as rules
    from jalon.core.audits_browser import CHROMIUM, Settings, audit_pages

    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise _fail(f"{url!r}: expected an http:// or https:// address")
    if not CHROMIUM.exists():
        raise _fail(f"{CHROMIUM} is missing (apt-get install chromium-headless-shell, "
                    "or set JALON_AUDIT_CHROMIUM to a Chromium)")
    # Several pages are in flight at once and finish in any order: count the pages done.
    done = itertools.count(1)
    results = audit_pages(urls, Settings(runs=runs, guard=False),
                          progress=lambda _i, r: err.print(
                              f"[dim]{next(done)}/{len(urls)} {r['url']}: {r['status']}[/]"))
    failures = rules.gate_failures(results, min_ecoindex=min_ecoindex,
                                   max_axe_violations=max_axe_violations)
    if output is AuditFormat.json:
        sys.stdout.write(json.dumps({"pages": results, "gates": {
            "min_ecoindex": min_ecoindex, "max_axe_violations": max_axe_violations,
            "passed": not failures, "failures": failures}}, ensure_ascii=False, indent=2)
            + "\n")
    else:
        _print_audits(results)
        for failure in failures:
            err.print(f"[red]gate failed:[/] {failure}")
    raise typer.Exit(1 if failures else 0)


def _print_audits(results: list[dict[str, Any]]) -> None:
    table = Table(title="Audits")
    for column in ("page", "status", "EcoIndex", "DOM", "requests", "kB", "axe", "RGESN fails"):
        table.add_column(column)
    for r in results:
        if r["status"] != "ok":
            table.add_row(r["url"], f"{r['status']}: {r.get('message', '')}", "", "", "", "",
                          "", "")
            continue
        eco = r["ecoindex"]
        spread = eco["spread"]["score"]
        table.add_row(
            r["url"], "ok", f"{eco['score']} {eco['grade']} (±{spread['range'] / 2:g})",
            str(eco["dom_nodes"]), str(eco["requests"]), f"{eco['size_kb']:.1f}",
            str(len(r["axe"]["violations"])),
            ", ".join(c["id"] for c in r["rgesn"] if c["result"] == "fail") or "—")
    out.print(table)
    for r in results:
        for hint in r.get("ecoindex", {}).get("what_if", []):
            needed = "out of reach alone" if hint["needed"] is None else f"≤ {hint['needed']:g}"
            out.print(f"[dim]{r['url']}: grade {hint['grade']} if {hint['metric']} "
                      f"{needed} (now {hint['current']:g})[/]")



# --------------------------------------------------------------------------------------------
# Backups: jalon backup, jalon restore (logic in jalon.backup; docs/deployment.md, "Backups")
# --------------------------------------------------------------------------------------------

def _size(count: int) -> str:
    value = float(count)
    for unit in ("o", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            return f"{value:.0f} {unit}" if unit == "o" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} o"  # pragma: no cover


@app.command()
def backup(
    path: Annotated[Path | None, typer.Argument(
        help="Archive to write, or a folder for a dated file "
             "(default: ./jalon-sauvegarde-<date>.tar).")] = None,
) -> None:
    """Back the site up into one tar file: database (SQLite online backup or pg_dump),
    uploads, secret key and a manifest with checksums. The site may keep running."""
    from jalon import backup as backups
    from jalon.demo_site import setup_django

    _django_env()
    setup_django()
    try:
        outcome = backups.create_backup(path)
    except backups.BackupError as exc:
        raise _fail(str(exc), 1) from exc
    err.print(f"Sauvegarde écrite : {outcome.path} ({_size(outcome.archive_bytes)})")
    err.print(f"  base {outcome.engine} : {outcome.tables} tables, {outcome.rows} lignes")
    err.print(f"  fichiers déposés : {outcome.uploads} ({_size(outcome.upload_bytes)})")
    err.print("  clé secrète : " + ("incluse" if outcome.secret_key else "non incluse"))
    for note in outcome.notes:
        err.print(f"[yellow]{note}[/]")
    err.print("[dim]L'archive contient la clé secrète et des données personnelles : "
              "conservez-la chiffrée, hors du serveur.[/]")
    sys.stdout.write(f"{outcome.path}\n")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="Archive written by `jalon backup`.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the data of a target that is not empty.")] = False,
) -> None:
    """Restore a backup into this site (JALON_DATA_DIR, DATABASE_URL): checks checksums and
    migrations first; refuses a target holding data unless --force. Stop the site first."""
    from jalon import backup as backups
    from jalon.demo_site import setup_django

    _django_env()
    setup_django()
    try:
        outcome = backups.restore_backup(path, force=force)
    except backups.BackupError as exc:
        raise _fail(str(exc), 1) from exc
    manifest = outcome.manifest
    err.print(f"Sauvegarde restaurée : {outcome.path}")
    err.print(f"  faite le {manifest.get('created_at')} par Jalon "
              f"{manifest.get('jalon_version')}, sommes SHA-256 vérifiées")
    err.print(f"  base {outcome.engine} : {outcome.tables} tables, {outcome.rows} lignes")
    err.print(f"  fichiers déposés : {outcome.uploads} ({_size(outcome.upload_bytes)})")
    err.print("  clé secrète : " + ("restaurée" if outcome.secret_key else "absente"))
    for note in outcome.notes:
        err.print(f"[yellow]{note}[/]")


if __name__ == "__main__":  # pragma: no cover
    app()
