"""URLs of the web platform. A new app adds one `include` here, under its own prefix."""

from django.urls import include, path

urlpatterns = [
    path("", include("safeguard.web.core.urls")),
    path("accounts/", include("safeguard.web.core.accounts_pages.urls")),
    path("audit/", include("safeguard.web.core.audit_pages.urls")),
    path("investigations/", include("safeguard.web.investigations.urls")),
    path("investigations/", include("safeguard.web.triage_runs.urls")),
    path("review/", include("safeguard.web.review.urls")),
    path("safeguarding/", include("safeguard.web.safeguarding.urls")),
    path("intelligence/", include("safeguard.web.intelligence.urls")),
    path("api/intelligence/", include("safeguard.web.intelligence.api_urls")),
    path("partners/", include("safeguard.web.partners.urls")),
    path("statistics/", include("safeguard.web.statistics.urls")),
    path("retention/", include("safeguard.web.retention.urls")),
]
