from django.urls import path, re_path

from .views import businesses, concern_queue, public, sharing, training

app_name = "partners"

urlpatterns = [
    path("", training.index, name="index"),
    # Public: no sign-in (middleware._OPEN_URL_NAMES); the code is typed or in ?code=.
    path("report/", public.report, name="report"),
    path("report/privacy/", public.privacy, name="report_privacy"),
    path("businesses/", businesses.business_list, name="business_list"),
    path("businesses/new/", businesses.business_create, name="business_create"),
    path("businesses/<int:pk>/", businesses.business_detail, name="business_detail"),
    path("businesses/<int:pk>/edit/", businesses.business_edit, name="business_edit"),
    path("businesses/<int:pk>/code/", businesses.code_issue, name="code_issue"),
    path("businesses/<int:pk>/code/<int:code_pk>/revoke/", businesses.code_revoke,
         name="code_revoke"),
    path("training/", training.session_list, name="session_list"),
    path("training/new/", training.session_create, name="session_create"),
    path("training/<int:pk>/", training.session_detail, name="session_detail"),
    path("training/<int:pk>/edit/", training.session_edit, name="session_edit"),
    path("training/<int:pk>/attendees/new/", training.attendance_add, name="attendance_add"),
    path("training/<int:pk>/attendees/<int:attendance_pk>/remove/",
         training.attendance_remove, name="attendance_remove"),
    path("coverage/", training.coverage_table, name="coverage"),
    path("share/<str:kind>/<int:pk>/", sharing.PAGES.shares, name="shares"),
    path("share/<str:kind>/<int:pk>/<int:share_pk>/revoke/", sharing.PAGES.unshare,
         name="unshare"),
    path("concerns/", concern_queue.concern_queue, name="queue"),
    path("concerns/<int:pk>/", concern_queue.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/take/", concern_queue.take, name="concern_take"),
    re_path(r"^concerns/(?P<pk>[0-9]+)/link/(?P<kind>child|adult)/$", concern_queue.link,
            name="concern_link"),
    path("concerns/<int:pk>/places/new/", concern_queue.place_add, name="concern_place_add"),
    re_path(r"^concerns/(?P<pk>[0-9]+)/unlink/(?P<kind>child|adult|place)/(?P<link_pk>[0-9]+)/$",
            concern_queue.unlink, name="concern_unlink"),
    path("concerns/<int:pk>/close/", concern_queue.close, name="concern_close"),
    path("concerns/<int:pk>/reopen/", concern_queue.reopen, name="concern_reopen"),
]
