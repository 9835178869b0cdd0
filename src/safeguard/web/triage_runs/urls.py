"""Triage runs' pages, under /investigations/ (their section) beside investigations' own:
the paths are those they had when they were part of it."""

from django.urls import path

from .views import files, jobs

app_name = "triage_runs"

urlpatterns = [
    path("exhibits/<int:pk>/triage/", jobs.exhibit_triage, name="exhibit_triage"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress.json", jobs.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/files/", files.job_files, name="job_files"),
]
