from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.accounts import profile, views
from frontend.accounts.forms import PasswordResetRequestForm

# Django's auth views with this app's templates: the admin ships templates of
# the same names (registration/password_reset_form.html, ...) and, being listed
# first in INSTALLED_APPS, would win over ours by name.
TEMPLATES = "frontend/accounts/"

urlpatterns = [
    path("accounts/profile/", profile.profile, name="profile"),
    path("notifications/", profile.notification_list, name="notifications"),
    path("notifications/read-all", profile.read_all_notifications, name="notifications-read-all"),
    path("notifications/<id:pk>/open", profile.open_notification, name="notification-open"),
    path("notifications/<id:pk>/read", profile.read_notification, name="notification-read"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(template_name=TEMPLATES + "password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name=TEMPLATES + "password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetRequestForm,
            template_name=TEMPLATES + "password_reset_form.html",
            email_template_name=TEMPLATES + "password_reset_email.html",
            subject_template_name=TEMPLATES + "password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name=TEMPLATES + "password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name=TEMPLATES + "password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name=TEMPLATES + "password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
