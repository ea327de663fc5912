from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "jalon.budget"
    label = "budget"
    verbose_name = "Digital spending and its green-budget rating"
