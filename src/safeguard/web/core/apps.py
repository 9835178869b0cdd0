from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.web.core"
    label = "core"
    verbose_name = "Core"
