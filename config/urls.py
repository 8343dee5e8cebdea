from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from certificates import api as certificates_api
from certificates import views as certificates_views
from courses import api as courses_api
from training import api as training_api
from quizzes import api as quizzes_api
from reports import api as reports_api
from config.health import healthz

# Ids in URLs: digits, at most 18 of them, so that every one fits a 64-bit
# integer (SQLite raises OverflowError beyond it); anything else matches no route.
ID_PATTERN = r"\d{1,18}"


class DatabaseId:
    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(DatabaseId, "id")


class Router(DefaultRouter):
    """Ids are integers (API.md): anything else in their place is a 404 from the URL resolver."""

    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = ID_PATTERN
        return super().get_lookup_regex(viewset, lookup_prefix)


# The admin is the platform's, not "Django administration", in the request's language.
admin.site.site_header = _("Administrative reform training")
admin.site.site_title = _("Administrative reform training")
admin.site.index_title = _("Management")

router = Router(trailing_slash=True)
router.register("org-units", accounts_api.OrgUnitViewSet, basename="org-unit")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("audit-log", accounts_api.AuditEntryViewSet, basename="audit-entry")
router.register("jobs", accounts_api.JobViewSet, basename="api-job")
router.register("courses", courses_api.CourseViewSet, basename="course")
router.register("modules", courses_api.ModuleViewSet, basename="module")
router.register("lessons", courses_api.LessonViewSet, basename="lesson")
router.register("assignments", courses_api.AssignmentViewSet, basename="assignment")
router.register("classes", training_api.ClassViewSet, basename="class")
router.register("conferences", training_api.ConferenceViewSet, basename="conference")
router.register("sessions", training_api.SessionViewSet, basename="session")
router.register("question-banks", quizzes_api.QuestionBankViewSet, basename="question-bank")
router.register("questions", quizzes_api.QuestionViewSet, basename="question")
router.register("quizzes", quizzes_api.QuizViewSet, basename="quiz")
router.register("attempts", quizzes_api.AttemptViewSet, basename="attempt")
router.register("report-schedules", reports_api.ReportScheduleViewSet, basename="report-schedule")

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("me/data/", accounts_api.PersonalDataView.as_view(), name="api-me-data"),
    path("me/notifications/", accounts_api.MyNotificationsView.as_view(), name="api-my-notifications"),
    path("me/notifications/read-all/", accounts_api.ReadAllNotificationsView.as_view(),
         name="api-read-all-notifications"),
    path("me/notifications/<id:pk>/read/", accounts_api.ReadNotificationView.as_view(), name="api-read-notification"),
    path("me/enrollments/", courses_api.MyEnrollmentsView.as_view(), name="api-my-enrollments"),
    path("me/training-hours/", reports_api.MyTrainingHoursView.as_view(), name="api-my-training-hours"),
    path("question-banks/template.xlsx", quizzes_api.QuestionTemplateView.as_view(),
         name="api-question-template"),
    path("responses/<id:pk>/grade/", quizzes_api.GradeResponseView.as_view(), name="api-grade-response"),
    path("check-in/", training_api.CheckInView.as_view(), name="api-check-in"),
    path("me/certificates/", certificates_api.MyCertificatesView.as_view(), name="api-my-certificates"),
    path("certificates/register/", certificates_api.RegisterView.as_view(), name="api-certificate-register"),
    path("certificates/<str:code>/pdf/", certificates_api.CertificatePdfView.as_view(), name="api-certificate-pdf"),
    path("certificates/<str:code>/revoke/", certificates_api.RevokeView.as_view(), name="api-certificate-revoke"),
    path("certificates/<str:code>/credential/", certificates_api.CredentialView.as_view(),
         name="api-certificate-credential"),
    path("verify/<str:code>/", certificates_api.VerifyView.as_view(), name="api-verify"),
    path("credentials/status/<id:pk>/", certificates_api.StatusListView.as_view(), name="api-status-list"),
    path("reports/", reports_api.ReportJobView.as_view(), name="api-report-jobs"),
    path("reports/<str:kind>/", reports_api.ReportView.as_view(), name="api-report"),
    path("hours-requirements/", reports_api.HoursRequirementsView.as_view(), name="api-hours-requirements"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/jwks.json", certificates_api.JwksView.as_view(), name="jwks"),
    path("verify/<str:code>/", certificates_views.verify, name="verify"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script from the same address (?script), not inline: the CSP forbids inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema",
                                                          template_name="frontend/api_docs/swagger_ui.html"),
         name="api-docs"),
    # ReDoc cannot run under the CSP (it injects inline styles, starts a worker from a blob and loads its logo
    # from a CDN): its old address leads to the Swagger UI above, which shows the same schema.
    path("api/redoc/", RedirectView.as_view(pattern_name="api-docs"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("frontend.urls")),
]
