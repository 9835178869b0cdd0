from django.urls import path

from . import panel_pack_views, views

app_name = "statistics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("panels/<int:pk>/pack/", panel_pack_views.pack, name="panel_pack"),
    path("panels/<int:pk>/pack/pdf/", panel_pack_views.pack_pdf, name="panel_pack_pdf"),
]
