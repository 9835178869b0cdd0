from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguard.web.accounts"
    label = "accounts"
    verbose_name = "People and agencies"
