from django.apps import AppConfig


class InvestigationsConfig(AppConfig):
    name = "safeguard.web.investigations"
    label = "investigations"
    verbose_name = "Investigations"
