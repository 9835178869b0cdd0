from django.urls import path

from .views import children, referrals, subjects, tokens, work_queue

app_name = "intelligence"

urlpatterns = [
    path("", work_queue.work_queue, name="queue"),
    path("live/", work_queue.live, name="live"),
    path("live/update/", work_queue.live_update, name="live_update"),
    path("subjects/<int:pk>/", subjects.subject_detail, name="subject_detail"),
    path("subjects/<int:pk>/edit/", subjects.subject_edit, name="subject_edit"),
    path("subjects/<int:pk>/decide/", subjects.subject_decide, name="subject_decide"),
    path("subjects/<int:pk>/merge/", subjects.subject_merge, name="subject_merge"),
    path("subjects/<int:pk>/split/", subjects.subject_split, name="subject_split"),
    path("subjects/<int:pk>/investigate/", subjects.subject_investigate,
         name="subject_investigate"),
    path("subjects/<int:pk>/assess/", children.subject_assess, name="subject_assess"),
    path("children/<int:pk>/refer/", children.child_refer, name="child_refer"),
    path("timeliness/", children.timeliness_page, name="timeliness"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/import/", referrals.referral_import, name="referral_import"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("sightings/import/", referrals.sighting_import, name="sighting_import"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
