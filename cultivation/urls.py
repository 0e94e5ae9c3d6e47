"""The portal's URLs (namespace ``portal``): firm pages at the root, staff pages under ``staff/``,
the alert inbox of every role under ``inbox/``, the programme dashboard under ``dashboard/``."""

from django.urls import path

from .views import dashboard, digital, inbox, portal, staff

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("figures/", portal.figures, name="figures"),
    path("figures/<int:year>/", portal.figures_edit, name="figures-edit"),
    path("self-check/", portal.self_check, name="self-check"),
    path("attestations/", portal.attestations, name="attestations"),
    path("attestations/<int:pk>/evidence/", portal.evidence, name="evidence"),
    path("digital/<str:kind>/<int:pk>/evidence/", digital.evidence, name="digital-evidence"),
    path("applications/", portal.applications, name="applications"),
    path("applications/new/", portal.apply, name="apply"),
    path("applications/<int:pk>/", portal.application, name="application"),
    path("applications/<int:pk>/act/", portal.application_act, name="application-act"),
    path("applications/<int:pk>/withdraw/", portal.application_withdraw, name="application-withdraw"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:alert_id>/read/", inbox.read, name="inbox-read"),
    path("inbox/read-all/", inbox.read_all, name="inbox-read-all"),
    path("inbox/preferences/", inbox.preferences, name="inbox-preferences"),
    path("dashboard/", dashboard.page, name="dashboard"),
    path("dashboard/export.csv", dashboard.export_csv, name="dashboard-csv"),
    path("dashboard/export.xlsx", dashboard.export_xlsx, name="dashboard-xlsx"),
    path("dashboard/print/", dashboard.printable, name="dashboard-print"),
    path("staff/reviews/", staff.review_queue, name="review-queue"),
    path("staff/cases/", staff.case_queue, name="case-queue"),
    path("staff/applications/<int:pk>/", staff.application, name="staff-application"),
    path("staff/applications/<int:pk>/act/", staff.application_act, name="staff-application-act"),
    path("staff/applications/<int:pk>/assign/", staff.assign, name="staff-assign"),
]
