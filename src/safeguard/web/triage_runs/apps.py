from django.apps import AppConfig


class TriageRunsConfig(AppConfig):
    name = "safeguard.web.triage_runs"
    label = "triage_runs"
    verbose_name = "Triage runs"
