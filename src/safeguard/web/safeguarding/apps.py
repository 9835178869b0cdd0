from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguard.web.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding register"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .reference import load_reference_data

        # After every migrate (and every flush of a transactional test): the areas
        # table and the shipped screening tools, idempotently.
        post_migrate.connect(load_reference_data, sender=self)
