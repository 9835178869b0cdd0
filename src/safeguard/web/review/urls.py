from django.urls import path

from .views import grading, image_queue, media, preferences

app_name = "review"

urlpatterns = [
    path("exhibits/<int:pk>/", image_queue.exhibit_queue, name="exhibit_queue"),
    path("exhibits/<int:pk>/export/", grading.export_vics, name="export_vics"),
    path("items/<int:pk>/", image_queue.item_group, name="item_group"),
    path("items/<int:pk>/grade/", grading.grade, name="grade"),
    path("items/<int:pk>/correct/", grading.correct_category, name="correct"),
    path("items/<int:pk>/settle/", grading.settle_dispute, name="settle"),
    path("items/<int:pk>/<str:view>.jpg", media.item_media, name="item_media"),
    path("preferences/", preferences.preferences, name="preferences"),
]
