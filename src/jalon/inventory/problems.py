"""The readers' problems in the interface's language.

The core words its problems in English for the command line; a problem built from a template
keeps the template and its values (`Problem.of`), stored with the import. Here each English
text or template has its French text (the msgid, translated back to English by the .po like
every interface string), so that the import page speaks the reader's language. A text with
no entry (a new message) is shown as the core wrote it; `tests/inventory/test_problems.py`
checks that every message of the readers has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jalon.core.readers import ReaderError
from jalon.core.readers.tabular import PRICE_INCL_VAT, UNUSED_COLUMNS
from jalon.core.readers.values import BEYOND_MAXIMUM, PARSERS, RANGE_RULES
from jalon.inventory.analysis import display_names

_PARSE: Final[dict[str, Promise]] = {
    "quantity": _("nombre entier d'appareils attendu"),
    "purchase_date": _("date attendue, par exemple 31/12/2020 ou 2020-12-31"),
    "lifespan_years": _("nombre d'années attendu, par exemple 5 ou 6,5"),
    "purchase_price_eur": _("montant attendu, par exemple 1 234,56 €"),
    "annual_kwh": _("nombre de kWh par an attendu"),
    "is_virtual": _("oui/non ou true/false attendu"),
    "cpu_units": _("nombre entier de processeurs attendu"),
    "cpu_cores": _("nombre entier de cœurs par processeur attendu"),
    "ram_gb": _("taille de mémoire en Go attendue"),
    "ssd_count": _("nombre entier de SSD attendu"),
    "ssd_capacity_gb": _("capacité en Go attendue"),
    "hdd_count": _("nombre entier de disques durs attendu"),
    "pue": _("PUE attendu, par exemple 1,5"),
    "weight_kg": _("poids en kg attendu"),
    "category": _("catégorie inconnue ; écrivez l'une de celles-ci : laptop, desktop, "
                  "monitor… (liste complète dans docs/formats.md)"),
    "condition": _("origine inconnue ; écrivez new, refurbished ou reused (neuf, "
                   "reconditionné, réemploi, location et don sont compris aussi)"),
    "disposal": _("filière de sortie inconnue ; écrivez reused_internally, donated, "
                  "sold_refurbished ou recycled"),
    "country": _("code pays ISO 3166-1 alpha-3 attendu, par exemple FRA"),
}

_RANGE: Final[dict[str, Promise]] = {
    "the quantity must be at least 1": _("la quantité doit valoir au moins 1"),
    "the lifespan must be more than 0 years": _("la durée de vie doit dépasser 0 an"),
    "a price cannot be negative": _("un prix ne peut pas être négatif"),
    "the yearly consumption cannot be negative": _(
        "la consommation annuelle ne peut pas être négative"),
    "a PUE is at least 1": _("un PUE vaut au moins 1"),
    "memory cannot be negative": _("la mémoire ne peut pas être négative"),
    "cannot be negative": _("la valeur ne peut pas être négative"),
    "a weight cannot be negative": _("un poids ne peut pas être négatif"),
    BEYOND_MAXIMUM: _("valeur au-delà du maximum plausible pour cette colonne : erreur de "
                      "saisie ou d'unité (Wh pour kWh, Mo pour Go) ?"),
}

_OTHER: Final[dict[str, Promise]] = {
    "the status says retired but there is no retirement date; the device is counted as out "
    "of service for the whole year; add its retirement date": _(
        "le statut dit que l'appareil est sorti du parc, mais il n'a pas de date de sortie ; "
        "il est compté hors service toute l'année ; ajoutez sa date de sortie"),
    "the retirement date is before the purchase or commissioning date; the device is counted "
    "for no day in service; correct one of the dates": _(
        "la date de sortie précède la date d'achat ou de mise en service ; l'appareil n'est "
        "compté pour aucun jour de service ; corrigez l'une des dates"),
    "this inventory number is already on line {first_line}; both devices are counted, but a "
    "merged re-import uses it as the key: make it unique": _(
        "ce numéro d'inventaire figure déjà ligne %(first_line)s ; les deux appareils sont "
        "comptés, mais un import en fusion s'en sert comme clé : rendez-le unique"),
    "a second column maps to {target}; it is ignored (fix it in the mapping file)": _(
        "une deuxième colonne correspond à %(target)s ; elle est ignorée (corrigez la "
        "correspondance)"),
    "no column says what the devices are (read as {format}); give a mapping file with a "
    "[columns] table naming the type, model or category column": _(
        "aucune colonne ne dit ce que sont les appareils (fichier lu comme %(format)s) ; "
        "indiquez dans la correspondance la colonne du type, du modèle ou de la catégorie"),
    "no such file or folder": _("fichier ou dossier introuvable"),
    "the file is empty": _("le fichier est vide"),
    "the first sheet is empty": _("la première feuille du classeur est vide"),
    "cannot read the file: {error}": _("impossible de lire le fichier : %(error)s"),
    "cannot open the workbook: {error}": _("impossible d'ouvrir le classeur : %(error)s"),
    "cannot parse the file as delimited text ({delimiter}): {error}": _(
        "impossible de lire le fichier comme texte délimité (%(delimiter)s) : %(error)s"),
    "cannot decode the file as {encoding}: {error}; check the encoding in the mapping file": _(
        "impossible de décoder le fichier en %(encoding)s : %(error)s ; vérifiez l'encodage"),
}

# GLPI-Agent and FusionInventory files (core/readers/agent.py).
_AGENT: Final[dict[str, Promise]] = {
    "This is not a folder: give the folder where the agents write their inventory files "
    "(.json, .xml or .ocs).": _(
        "Ce n'est pas un dossier : indiquez le dossier où les agents écrivent leurs "
        "inventaires (.json, .xml ou .ocs)."),
    "No .json, .xml or .ocs file in this folder: point to the folder where the agents write "
    "their inventories (glpi-agent --local, fusioninventory-agent --local).": _(
        "Aucun fichier .json, .xml ou .ocs dans ce dossier : indiquez le dossier où les agents "
        "écrivent leurs inventaires (glpi-agent --local, fusioninventory-agent --local)."),
    "This is not a file: give one agent inventory file.": _(
        "Ce n'est pas un fichier : donnez un fichier d'inventaire d'agent."),
    "The file cannot be opened ({error}): check the path and the permissions.": _(
        "Le fichier ne peut pas être ouvert (%(error)s) : vérifiez le chemin et les droits."),
    "The file is empty: run the agent again on this computer.": _(
        "Le fichier est vide : relancez l'agent sur cet ordinateur."),
    "This is neither a GLPI-Agent JSON inventory nor a FusionInventory/OCS XML one (they start "
    "with '{' or '<'): check that the file comes from an inventory agent.": _(
        "Ce n'est ni un inventaire JSON de GLPI-Agent ni un inventaire XML FusionInventory/OCS "
        "(ils commencent par « { » ou « < ») : vérifiez que le fichier vient d'un agent "
        "d'inventaire."),
    "The file holds {size} MB, more than the {limit} MB accepted for ONE agent inventory: "
    "check that it is a single computer's inventory (not an export of the whole estate), or "
    "remove the software and process lists from the agent output.": _(
        "Le fichier pèse %(size)s Mo, plus que les %(limit)s Mo acceptés pour UN inventaire "
        "d'agent : vérifiez qu'il s'agit de l'inventaire d'un seul ordinateur (pas d'un export "
        "de tout le parc), ou retirez les listes de logiciels et de processus de la sortie de "
        "l'agent."),
    "The compressed .ocs file is damaged ({error}): export the inventory again.": _(
        "Le fichier .ocs compressé est endommagé (%(error)s) : exportez l'inventaire de "
        "nouveau."),
    "The file is not UTF-8 text (byte {byte}): GLPI-Agent writes UTF-8; export the inventory "
    "again without converting it.": _(
        "Le fichier n'est pas du texte UTF-8 (octet %(byte)s) : GLPI-Agent écrit en UTF-8 ; "
        "exportez l'inventaire de nouveau sans le convertir."),
    "This is not valid JSON ({error} at line {line_number}, column {column}): the file looks "
    "truncated or damaged; run the agent again on this computer (glpi-agent --local) and "
    "replace the file.": _(
        "Ce n'est pas du JSON valide (%(error)s, ligne %(line_number)s, colonne %(column)s) : "
        "le fichier semble tronqué ou endommagé ; relancez l'agent sur cet ordinateur "
        "(glpi-agent --local) et remplacez le fichier."),
    "The JSON is nested too deeply to be an agent inventory.": _(
        "Le JSON est trop profondément imbriqué pour être un inventaire d'agent."),
    "This JSON has no 'content' object, so it is not a GLPI-Agent inventory: give the files "
    "written by glpi-agent (--local) or exported from GLPI.": _(
        "Ce JSON n'a pas d'objet « content » : ce n'est pas un inventaire GLPI-Agent ; donnez "
        "les fichiers écrits par glpi-agent (--local) ou exportés de GLPI."),
    "This is a GLPI-Agent '{action}' message, not a computer inventory (action 'inventory'): "
    "network devices and printers are read from the GLPI export instead.": _(
        "C'est un message GLPI-Agent « %(action)s », pas un inventaire d'ordinateur (action "
        "« inventory ») : les matériels réseau et les imprimantes se lisent dans l'export "
        "GLPI."),
    "This is a network-equipment inventory (SNMP), not a computer inventory: network devices "
    "and printers are read from the GLPI export instead.": _(
        "C'est un inventaire de matériel réseau (SNMP), pas d'ordinateur : les matériels "
        "réseau et les imprimantes se lisent dans l'export GLPI."),
    "This is not well-formed XML ({error} at line {line_number}, column {column}): the file "
    "looks truncated or damaged; run the agent again on this computer and replace the "
    "file.": _(
        "Ce n'est pas du XML bien formé (%(error)s, ligne %(line_number)s, colonne "
        "%(column)s) : le fichier semble tronqué ou endommagé ; relancez l'agent sur cet "
        "ordinateur et remplacez le fichier."),
    "The XML root is <{tag}>, not <REQUEST>: this is not a FusionInventory/OCS inventory; give "
    "the files written by the agent (--local).": _(
        "La racine du XML est <%(tag)s>, pas <REQUEST> : ce n'est pas un inventaire "
        "FusionInventory/OCS ; donnez les fichiers écrits par l'agent (--local)."),
    "This is a '{query}' message, not a computer inventory (QUERY INVENTORY): network "
    "discovery and SNMP inventories are read from the GLPI export instead.": _(
        "C'est un message « %(query)s », pas un inventaire d'ordinateur (QUERY INVENTORY) : la "
        "découverte réseau et les inventaires SNMP se lisent dans l'export GLPI."),
    "The XML has no <CONTENT> element: the inventory is empty or truncated; run the agent "
    "again on this computer.": _(
        "Le XML n'a pas d'élément <CONTENT> : l'inventaire est vide ou tronqué ; relancez "
        "l'agent sur cet ordinateur."),
    "The XML declares a DOCTYPE (or entities), which agent inventories never do; it is "
    "refused for safety (entity expansion): give the file exactly as the agent wrote it.": _(
        "Le XML déclare un DOCTYPE (ou des entités), ce que les inventaires d'agent ne font "
        "jamais ; il est refusé par sécurité (expansion d'entités) : donnez le fichier tel "
        "que l'agent l'a écrit."),
    "The inventory has neither a hardware nor a bios section, so it describes no computer: "
    "run a full inventory with the agent (not a partial one).": _(
        "L'inventaire n'a ni section hardware ni section bios : il ne décrit aucun ordinateur ; "
        "lancez un inventaire complet avec l'agent (pas un inventaire partiel)."),
    "'{value}' is not a number of cores (a whole number, 0 or more): this CPU is left out of "
    "cpu_cores; run the agent again or set cpu_cores by hand in the inventory.": _(
        "« %(value)s » n'est pas un nombre de cœurs (un entier, 0 ou plus) : ce processeur est "
        "laissé hors de cpu_cores ; relancez l'agent ou saisissez cpu_cores à la main."),
    "'{value}' is not a memory capacity in MB (a number, 0 or more): this module is left out "
    "of ram_gb; run the agent again or correct ram_gb by hand.": _(
        "« %(value)s » n'est pas une capacité de mémoire en Mo (un nombre, 0 ou plus) : ce "
        "module est laissé hors de ram_gb ; relancez l'agent ou corrigez ram_gb à la main."),
    "'{value}' is not a memory size in MB (a number, 0 or more): ram_gb is left empty; run "
    "the agent again or fill ram_gb by hand.": _(
        "« %(value)s » n'est pas une taille de mémoire en Mo (un nombre, 0 ou plus) : ram_gb "
        "reste vide ; relancez l'agent ou remplissez ram_gb à la main."),
    "'{value}' is not a disk size in MB (a number, 0 or more): this disk is left out; run the "
    "agent again or correct the disk figures by hand.": _(
        "« %(value)s » n'est pas une taille de disque en Mo (un nombre, 0 ou plus) : ce disque "
        "est laissé de côté ; relancez l'agent ou corrigez les disques à la main."),
}


# Limits, damaged workbooks and rows that are not devices (issue 10, core/readers).
_READERS_10: Final[dict[str, Promise]] = {
    "the file needs more memory than this machine has to be read; split it into "
    "smaller files and import them one by one": _(
        "le fichier demande plus de mémoire que cette machine n'en a pour être lu ; "
        "découpez-le en fichiers plus petits et importez-les un par un"),
    "the file is nested too deeply to be an inventory; check that it is the export of"
    " an inventory": _(
        "le fichier est trop profondément imbriqué pour être un inventaire ; vérifiez"
        " qu'il s'agit bien de l'export d'un inventaire"),
    "the file could not be read ({error}); nothing was imported; check that it is an "
    "inventory export, and report the problem with the file if it is one": _(
        "le fichier n'a pas pu être lu (%(error)s) ; rien n'a été importé ; vérifiez "
        "qu'il s'agit d'un export d'inventaire et, si c'en est un, signalez le "
        "problème en joignant le fichier"),
    "the file holds {size} MB, more than the {limit} MB accepted; split it into "
    "several files": _(
        "le fichier pèse %(size)s Mo, plus que les %(limit)s Mo acceptés ; "
        "découpez-le en plusieurs fichiers"),
    "this is not an Excel workbook (.xlsx) or it is damaged ({error}); open it in "
    "Excel or LibreOffice Calc, save it as .xlsx again, or export it as CSV": _(
        "ce n'est pas un classeur Excel (.xlsx), ou il est endommagé (%(error)s) ; "
        "ouvrez-le dans Excel ou LibreOffice Calc et enregistrez-le de nouveau en "
        ".xlsx, ou exportez-le en CSV"),
    "the workbook inflates to {size} MB, more than the {limit} MB accepted; save the "
    "inventory sheet alone, or export it as CSV": _(
        "le classeur décompressé pèse %(size)s Mo, plus que les %(limit)s Mo acceptés"
        " ; enregistrez la feuille de l'inventaire seule, ou exportez-la en CSV"),
    "the part {part} of the workbook inflates {ratio} times, which no spreadsheet "
    "does (a zip bomb?); export the sheet as CSV instead": _(
        "la partie %(part)s du classeur grossit %(ratio)s fois une fois décompressée,"
        " ce qu'aucun tableur ne produit (bombe de décompression ?) ; exportez plutôt"
        " la feuille en CSV"),
    "the workbook has no sheet of cells (only charts, or none); put the inventory in "
    "the first sheet": _(
        "le classeur n'a aucune feuille de cellules (seulement des graphiques, ou "
        "rien) ; placez l'inventaire dans la première feuille"),
    "the sheet « {sheet} » declares {rows} rows and {columns} columns, beyond what "
    "Jalon reads ({max_columns} columns, {max_rows} rows); delete the empty columns "
    "after the table, or copy the table into a new workbook": _(
        "la feuille « %(sheet)s » déclare %(rows)s lignes et %(columns)s colonnes, "
        "au-delà de ce que Jalon lit (%(max_columns)s colonnes, %(max_rows)s lignes) "
        "; supprimez les colonnes vides après le tableau, ou copiez le tableau dans "
        "un nouveau classeur"),
    "the sheet « {sheet} » has a row numbered {row}, beyond Excel's {limit}: the file"
    " is damaged; save it again from Excel or LibreOffice Calc": _(
        "la feuille « %(sheet)s » a une ligne numérotée %(row)s, au-delà des "
        "%(limit)s d'Excel : le fichier est endommagé ; enregistrez-le de nouveau "
        "depuis Excel ou LibreOffice Calc"),
    "a cell is in column {column}, beyond the {limit} columns Jalon reads; delete the"
    " cells to the right of the table": _(
        "une cellule est en colonne %(column)s, au-delà des %(limit)s colonnes que "
        "Jalon lit ; supprimez les cellules à droite du tableau"),
    "the sheet « {sheet} » holds more than {limit} cells; split the inventory into "
    "several files": _(
        "la feuille « %(sheet)s » contient plus de %(limit)s cellules ; découpez "
        "l'inventaire en plusieurs fichiers"),
    "the sheet « {sheet} » is damaged after row {row} ({error}); open the workbook in"
    " Excel or LibreOffice Calc, save it again and import it again": _(
        "la feuille « %(sheet)s » est endommagée après la ligne %(row)s (%(error)s) ;"
        " ouvrez le classeur dans Excel ou LibreOffice Calc, enregistrez-le de "
        "nouveau et importez-le encore"),
    "the sheet « {sheet} » cannot be read at row {row} ({error}); open the workbook "
    "in Excel or LibreOffice Calc, save it again and import it again": _(
        "la feuille « %(sheet)s » ne peut pas être lue à la ligne %(row)s (%(error)s)"
        " ; ouvrez le classeur dans Excel ou LibreOffice Calc, enregistrez-le de "
        "nouveau et importez-le encore"),
    "line {line} is longer than {limit} KB, which no header of an inventory is; check"
    " that the file is a table with one device per line (a CSV export)": _(
        "la ligne %(line)s dépasse %(limit)s Ko, ce qu'aucun en-tête d'inventaire ne "
        "fait ; vérifiez que le fichier est un tableau avec un appareil par ligne (un"
        " export CSV)"),
    "the header (line {line}) has {columns} columns, more than the {limit} Jalon "
    "reads; check the delimiter, or delete the empty columns after the table": _(
        "l'en-tête (ligne %(line)s) a %(columns)s colonnes, plus que les %(limit)s "
        "que Jalon lit ; vérifiez le séparateur, ou supprimez les colonnes vides "
        "après le tableau"),
    "the record starting on line {line} cannot be read ({error}); check the quotes "
    "around it: a quote opened and never closed makes the rest of the file one value": _(
        "l'enregistrement qui commence ligne %(line)s ne peut pas être lu (%(error)s)"
        " ; vérifiez les guillemets autour : un guillemet ouvert et jamais refermé "
        "fait du reste du fichier une seule valeur"),
    "a summary row ({label}), not a device: it is left out so that its figures are "
    "not counted as devices; nothing to do": _(
        "ligne de total (%(label)s), pas un appareil : elle est laissée de côté pour "
        "que ses chiffres ne soient pas comptés comme des appareils ; rien à faire"),
    "a line of free text, not a device: it is left out; if it is about a device, move"
    " it to the comments column of that device's row": _(
        "ligne de texte libre, pas un appareil : elle est laissée de côté ; si elle "
        "concerne un appareil, placez-la dans la colonne des commentaires de sa ligne"),
    "the header repeated, not a device: it is left out; nothing to do": _(
        "en-tête répété, pas un appareil : il est laissé de côté ; rien à faire"),
    "The JSON holds a number Python refuses to read ({error}): no agent writes such a"
    " number; run the agent again on this computer and replace the file.": _(
        "Le JSON contient un nombre que Python refuse de lire (%(error)s) : aucun "
        "agent n'écrit un tel nombre ; relancez l'agent sur cet ordinateur et "
        "remplacez le fichier."),
    "The XML declares an encoding that cannot be read ({error}): agents write UTF-8; "
    "run the agent again on this computer and replace the file.": _(
        "Le XML déclare un encodage illisible (%(error)s) : les agents écrivent en "
        "UTF-8 ; relancez l'agent sur cet ordinateur et remplacez le fichier."),
}

MESSAGES: Final[dict[str, Promise]] = {
    **{PARSERS[column][1]: text for column, text in _PARSE.items()},
    **{message: _RANGE[message] for _column, _rule, message in RANGE_RULES},
    **_OTHER,
    **_AGENT,
    **_READERS_10,
}

# What a column recognised but not used is, in the interface's language.
UNUSED_LABELS: Final[dict[str, Promise]] = {
    "warranty_end": _("date de fin de garantie"),
    "warranty_start": _("date de début de garantie"),
    "warranty_duration": _("durée de garantie"),
    "delivery_date": _("date de livraison"),
    "order_date": _("date de commande"),
    "order_number": _("numéro de commande"),
    "invoice": _("facture"),
    "supplier": _("fournisseur"),
    "budget": _("imputation budgétaire"),
    "fixed_asset": _("numéro d'immobilisation"),
    "book_value": _("valeur nette comptable"),
    "depreciation": _("amortissement"),
    "serial_number": _("numéro de série"),
    "operating_system": _("système d'exploitation"),
    "network": _("adresse réseau"),
    "last_update": _("dernière modification"),
    "technician": _("technicien ou groupe en charge"),
    "contact": _("contact"),
    PRICE_INCL_VAT: _("prix TTC (le prix HT du fichier est utilisé)"),
}
if set(UNUSED_LABELS) != {*UNUSED_COLUMNS, PRICE_INCL_VAT}:
    raise ImportError("UNUSED_LABELS must name every column of UNUSED_COLUMNS")


def message(problem: dict[str, Any]) -> str:
    """A stored problem's message in the active language (as written when unknown)."""
    written = str(problem.get("message", ""))
    text = MESSAGES.get(str(problem.get("template") or written))
    if text is None:
        return written
    try:
        return str(text) % (problem.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return written


def translated(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "message": message(p)} for p in problems]


def unused_columns(unused: dict[str, str]) -> list[tuple[str, str]]:
    """(header, what it is) in the active language."""
    return [(header, str(UNUSED_LABELS.get(key, key))) for header, key in unused.items()]


def reader_error_message(error: ReaderError, stored: Path, display_name: str) -> str:
    problem = error.problem
    text = message({"message": problem.message, "template": problem.template,
                    "params": dict(problem.params)})
    where = _(" (ligne %(line)d)") % {"line": problem.line} if problem.line else ""
    return f"{display_names(stored, display_name)(problem.source)}{where} : {text}"
