"""The token-authenticated API (api.py), under /api/intelligence/."""

from django.urls import path

from .intake import api

app_name = "intelligence_api"

urlpatterns = [
    path("referrals", api.referrals, name="referrals"),
]
