from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "safeguard.web.review"
    label = "review"
    verbose_name = "Review of new images"
