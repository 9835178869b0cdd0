from django.urls import path

from . import justification, views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("justify/", justification.justify, name="justify"),
    path("log/<str:model>/<str:pk>/", views.access_log, name="access_log"),
]
