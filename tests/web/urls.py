"""The platform's URLs plus the sample record views the tests probe."""

from django.urls import include, path

from safeguard.web.urls import urlpatterns as platform_urls

urlpatterns = [
    path("records/", include("tests.web.records.urls")),
    *platform_urls,
]
