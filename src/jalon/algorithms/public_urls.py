"""Public pages (mounted at /p/<org_slug>/algorithms/ by jalon.urls), shown only for an
organisation that publishes this domain (tenancy.scope.public_organisation)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from jalon.algorithms import public_views, services
from jalon.algorithms.forms import ContestForm
from jalon.algorithms.publishing import DOMAIN
from jalon.publicforms.base import PublicForm

app_name = "algorithms_public"

contest = PublicForm(
    domain=DOMAIN, form_class=ContestForm, service=services.receive_contest,
    action="algorithms.contest_received",
    title=_("Signaler une erreur ou contester une décision"),
    intro=_("Une information du registre vous semble fausse, ou vous voulez contester une "
            "décision prise avec l'aide d'un algorithme (code des relations entre le public "
            "et l'administration, art. L311-3-1 : vous pouvez aussi demander les règles "
            "appliquées à votre cas). L'organisation examine chaque envoi."),
    thanks=_("Merci, votre envoi a bien été reçu ; l'organisation va l'examiner."))

urlpatterns = [
    path("", public_views.register, name="register"),
    path("<int:algorithm_id>/", public_views.detail, name="detail"),
    *contest.urls("contester/", name="contest"),
]
