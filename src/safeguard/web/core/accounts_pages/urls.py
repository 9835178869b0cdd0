from django.urls import path

from . import administration, enrol, login

app_name = "accounts"

urlpatterns = [
    path("login/", login.login_view, name="login"),
    path("login/code/", login.code_view, name="code"),
    path("enrol/<str:token>/", enrol.enrol_view, name="enrol"),
    path("logout/", login.logout_view, name="logout"),
    path("password/", login.password_view, name="password"),
    path("admin/agencies/", administration.agency_list, name="agency_list"),
    path("admin/agencies/new/", administration.agency_edit, name="agency_create"),
    path("admin/agencies/<int:pk>/", administration.agency_edit, name="agency_edit"),
    path("admin/users/", administration.user_list, name="user_list"),
    path("admin/users/new/", administration.user_create, name="user_create"),
    path("admin/users/<int:pk>/", administration.user_edit, name="user_edit"),
    path(
        "admin/users/<int:pk>/reset-authenticator/",
        administration.user_reset_authenticator,
        name="user_reset_authenticator",
    ),
    path("admin/users/<int:pk>/unlock/", administration.user_unlock, name="user_unlock"),
    path("admin/users/<int:pk>/enrolment-link/", administration.user_enrolment_link,
         name="user_enrolment_link"),
    path("admin/users/<int:pk>/password/", administration.user_set_password, name="user_password"),
]
