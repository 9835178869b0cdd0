from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "safeguard.web.retention"
    label = "retention"
    verbose_name = "Retention, review and disposal"

    def ready(self) -> None:
        from .conf import retention_schedule

        # A malformed schedule stops start-up with one line naming the key, rather than
        # on the first supervisor's visit (or a scheduled job's run).
        retention_schedule()
