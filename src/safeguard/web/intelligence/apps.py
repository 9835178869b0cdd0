from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "safeguard.web.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from .scoring.cases import connect_triage_feed
        from .scoring.score import connect_register

        # Exhibits seized from a subject's suspect, and their finished triage, feed the
        # subject's profile (cases.py): signal receivers, no change to investigations.
        connect_triage_feed()
        # A child linked to (or unlinked from) an adult of concern changes the score of
        # the subjects linked to that adult.
        connect_register()
