from django.urls import path

from . import views_admin, views_enrol, views_login

app_name = "accounts"

urlpatterns = [
    path("login/", views_login.login_view, name="login"),
    path("login/code/", views_login.code_view, name="code"),
    path("enrol/<str:token>/", views_enrol.enrol_view, name="enrol"),
    path("logout/", views_login.logout_view, name="logout"),
    path("password/", views_login.password_view, name="password"),
    path("admin/agencies/", views_admin.agency_list, name="agency_list"),
    path("admin/agencies/new/", views_admin.agency_edit, name="agency_create"),
    path("admin/agencies/<int:pk>/", views_admin.agency_edit, name="agency_edit"),
    path("admin/users/", views_admin.user_list, name="user_list"),
    path("admin/users/new/", views_admin.user_create, name="user_create"),
    path("admin/users/<int:pk>/", views_admin.user_edit, name="user_edit"),
    path(
        "admin/users/<int:pk>/reset-authenticator/",
        views_admin.user_reset_authenticator,
        name="user_reset_authenticator",
    ),
    path("admin/users/<int:pk>/unlock/", views_admin.user_unlock, name="user_unlock"),
    path("admin/users/<int:pk>/enrolment-link/", views_admin.user_enrolment_link,
         name="user_enrolment_link"),
    path("admin/users/<int:pk>/password/", views_admin.user_set_password, name="user_password"),
]
