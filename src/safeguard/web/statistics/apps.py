from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    # The committee's statistics, the map and the committee report. Named after what it is
    # ("reports" read like the engine's triage reports). It has no models, so its label
    # changed with its name (it was "committee_reports") at no cost to the database.
    name = "safeguard.web.statistics"
    label = "statistics"
    verbose_name = "Statistics, maps and the committee report"

    def ready(self) -> None:
        from .maps import configured_map_path

        # A map file named in the environment must exist: checked at start-up (loudly).
        configured_map_path()
