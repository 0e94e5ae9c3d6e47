"""The REST API: resources under /api/, the OpenAPI schema and the Swagger UI (no CDN)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("firms", views.FirmViewSet, basename="firm")
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("rule-sets", views.RuleSetViewSet, basename="rule-set")
router.register("applications", views.ApplicationViewSet, basename="application")
router.register("designations", views.DesignationViewSet, basename="designation")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("pool", views.PoolViewSet, basename="pool")
router.register("figures", views.AnnualFiguresViewSet, basename="figures")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("attestations", views.AttestationViewSet, basename="attestation")
router.register("targets", views.TargetViewSet, basename="target")
router.register("imports", views.ImportJobViewSet, basename="import")
router.register("impact-reports", views.ImpactReportViewSet, basename="impact-report")
router.register("disqualifications", views.DisqualificationViewSet, basename="disqualification")
router.register("holidays", views.HolidayViewSet, basename="holiday")
router.register("maturity", views.MaturityViewSet, basename="maturity")
router.register("listing", views.ListingTrackViewSet, basename="listing")
router.register("digital-recognitions", views.DigitalRecognitionViewSet, basename="digital-recognition")
router.register("industry-brains", views.IndustryBrainViewSet, basename="industry-brain")
router.register("upgrade-projects", views.UpgradeProjectViewSet, basename="upgrade-project")

firm_figures = views.FirmFiguresViewSet.as_view({"get": "list", "post": "create"})
firm_figures_year = views.FirmFiguresViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("eligibility/", views.EligibilityView.as_view(), name="eligibility"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("firms/<str:credit_code>/figures/", firm_figures, name="firm-figures"),
    path("firms/<str:credit_code>/figures/<int:year>/", firm_figures_year, name="firm-figures-year"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("changes/", views.ChangeFeedView.as_view(), name="changes"),
    path(
        "applications/<int:pk>/assignments/",
        views.ApplicationAssignmentsView.as_view(),
        name="application-assignments",
    ),
    path(
        "applications/<int:pk>/assignments/<str:username>/",
        views.ApplicationAssignmentView.as_view(),
        name="application-assignment",
    ),
    path("designations/<int:pk>/revoke/", views.DesignationRevokeView.as_view(), name="designation-revoke"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page runs under a CSP with no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include(router.urls)),
]
