from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tests.web.records"
    label = "records"
