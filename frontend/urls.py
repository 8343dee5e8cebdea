from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.forms import PasswordResetRequestForm
from frontend.views import accounts, attempts, certificates, checkin, courses, grading, home, hr, lessons, results

# Django's auth views with this app's templates: the admin ships templates of
# the same names (registration/password_reset_form.html, ...) and, being listed
# first in INSTALLED_APPS, would win over ours by name.
TEMPLATES = "frontend/registration/"

# Pages end in a slash; the actions they post to do not.
urlpatterns = [
    path("", home.home, name="home"),
    path("courses/", courses.catalogue, name="catalogue"),
    path("courses/<id:pk>/", courses.course_page, name="course"),
    path("courses/<id:pk>/enroll", courses.enroll, name="enroll"),
    path("lessons/<id:pk>/", lessons.lesson_page, name="lesson"),
    path("lessons/<id:pk>/done", lessons.mark_done, name="lesson-done"),
    path("lessons/<id:pk>/file", lessons.lesson_file, name="lesson-download"),
    path("quizzes/<id:pk>/start", attempts.start_quiz, name="start-quiz"),
    path("attempts/<id:pk>/", attempts.attempt_page, name="attempt"),
    path("attempts/<id:pk>/save", attempts.save_attempt, name="save-attempt"),
    path("attempts/<id:pk>/submit", attempts.submit_attempt, name="submit-attempt"),
    path("attempts/<id:pk>/result/", results.attempt_result, name="attempt-result"),
    path("grading/", grading.grading_page, name="grading"),
    path("check-in/", checkin.check_in_page, name="check-in"),
    path("certificates/", certificates.my_certificates, name="my-certificates"),
    path("certificates/<str:code>/credential", certificates.credential_file, name="certificate-credential"),
    path("sessions/<id:pk>/screen/", checkin.session_screen, name="session-screen"),
    path("hr/", hr.summary, name="hr-summary"),
    path("hr/reports/download", hr.download, name="hr-report-download"),
    path("responses/<id:pk>/grade", grading.grade, name="grade-response"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
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
