from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.work_list, name="work_list"),
    path("decide/", views.decide, name="decide"),
    path("log/", views.decision_log, name="decision_log"),
]
