from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "jalon.feedback"
    label = "feedback"
    verbose_name = "Users' feedback on digital services"
