from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "safeguard.web.partners"
    label = "partners"
    verbose_name = "Partners: training and concern reports"

    def ready(self) -> None:
        from .conf import rate_limits

        # A malformed limit stops start-up with one line naming it (env.SettingError),
        # not the first concern report.
        rate_limits()
