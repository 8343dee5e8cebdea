from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from courses import api as courses_api
from config.health import healthz

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("org-units", accounts_api.OrgUnitViewSet, basename="org-unit")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("audit-log", accounts_api.AuditEntryViewSet, basename="audit-entry")
router.register("courses", courses_api.CourseViewSet, basename="course")
router.register("modules", courses_api.ModuleViewSet, basename="module")
router.register("lessons", courses_api.LessonViewSet, basename="lesson")
router.register("assignments", courses_api.AssignmentViewSet, basename="assignment")

api_v1 = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="api-token"),
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("me/data/", accounts_api.PersonalDataView.as_view(), name="api-me-data"),
    path("me/enrollments/", courses_api.MyEnrollmentsView.as_view(), name="api-my-enrollments"),
    path("me/training-hours/", courses_api.MyTrainingHoursView.as_view(), name="api-my-training-hours"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("frontend.urls")),
]
