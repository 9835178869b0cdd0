from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "safeguard.web.partners"
    label = "partners"
    verbose_name = "Partners: training and concern reports"

    def ready(self) -> None:
        from ..safeguarding import suggestions
        from .conf import rate_limits
        from .screening_facts import concern_report_facts

        # A malformed limit stops start-up with one line naming it (env.SettingError),
        # not the first concern report.
        rate_limits()
        # Reports naming a child suggest a screening indicator (safeguarding.suggestions
        # reads no partners model itself: the register does not depend on this app).
        suggestions.register(concern_report_facts)
