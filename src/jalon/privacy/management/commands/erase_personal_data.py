"""`jalon manage erase_personal_data <org_slug> <value>`: answer an erasure request.

`<value>` designates the person as the declarations' subjects do (an e-mail address, an
identifier). `-` as the organisation means the platform's own rows (sign-in attempts).
With --dry-run, lists what would be erased (an access request) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jalon.privacy.selectors import find
from jalon.privacy.services import erase
from jalon.tenancy.models import Organisation


class Command(BaseCommand):
    help = "Erase (or, with --dry-run, list) every row about one person in an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organisation", help="organisation slug, or - for platform data")
        parser.add_argument("subject", help="the person: e-mail address, identifier...")
        parser.add_argument("--dry-run", action="store_true", help="list only, erase nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organisation"]
        organisation = None
        if slug != "-":
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(_("Organisation inconnue : « %(slug)s ».") % {"slug": slug})
        if options["dry_run"]:
            found = find(organisation, options["subject"])
            for row in found:
                self.stdout.write(f"{row.entry.name} #{row.pk} {row.date}: {row.values}")
            self.stdout.write(_("%(count)d ligne(s) trouvée(s).") % {"count": len(found)})
            return
        result = erase(None, organisation, options["subject"])
        for name, count in result.erased.items():
            self.stdout.write(_("%(name)s : %(count)d ligne(s) effacée(s) ou anonymisée(s)")
                              % {"name": name, "count": count})
        for name, count in result.kept.items():
            self.stdout.write(_("%(name)s : %(count)d ligne(s) conservée(s) (voir la "
                                "déclaration)") % {"name": name, "count": count})
        if not result.erased and not result.kept:
            self.stdout.write(_("Aucune donnée trouvée sur cette personne."))
