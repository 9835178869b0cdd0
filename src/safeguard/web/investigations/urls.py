from django.urls import path

from .views import cases, exhibits, outcomes, sharing, suspects

app_name = "investigations"

# A triage run's pages (exhibits/<pk>/triage/, jobs/...) are under this prefix too:
# triage_runs/urls.py.

urlpatterns = [
    path("", cases.investigation_list, name="investigation_list"),
    path("new/", cases.investigation_create, name="investigation_create"),
    path("<int:pk>/", cases.investigation_detail, name="investigation_detail"),
    path("<int:pk>/edit/", cases.investigation_edit, name="investigation_edit"),
    path("<int:pk>/exhibits/new/", exhibits.exhibit_create, name="exhibit_create"),
    path("operations/", cases.operation_list, name="operation_list"),
    path("operations/new/", cases.operation_create, name="operation_create"),
    path("operations/<int:pk>/", cases.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/edit/", cases.operation_edit, name="operation_edit"),
    path("suspects/", suspects.suspect_list, name="suspect_list"),
    path("suspects/new/", suspects.suspect_create, name="suspect_create"),
    path("suspects/<int:pk>/", suspects.suspect_detail, name="suspect_detail"),
    path("suspects/<int:pk>/edit/", suspects.suspect_edit, name="suspect_edit"),
    path("suspects/<int:pk>/outcomes/new/", outcomes.outcome_create, name="outcome_create"),
    path("exhibits/", exhibits.exhibit_list, name="exhibit_list"),
    path("exhibits/<int:pk>/", exhibits.exhibit_detail, name="exhibit_detail"),
    path("exhibits/<int:pk>/edit/", exhibits.exhibit_edit, name="exhibit_edit"),
    path("share/<str:kind>/<int:pk>/", sharing.PAGES.shares, name="shares"),
    path("share/<str:kind>/<int:pk>/<int:share_pk>/revoke/", sharing.PAGES.unshare,
         name="unshare"),
]
