from django.apps import AppConfig


class ReportsConfig(AppConfig):
    # "reports" alone would read like the engine's triage reports: a label of its own.
    name = "safeguard.web.reports"
    label = "committee_reports"
    verbose_name = "Statistics, maps and the committee report"

    def ready(self) -> None:
        from .maps import configured_map_path

        # A map file named in the environment must exist: checked at start-up (loudly).
        configured_map_path()
