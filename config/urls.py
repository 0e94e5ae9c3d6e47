"""Top-level URLs: the portal (firm pages and staff queues), sign-in, admin, API with its schema and docs,
language switch."""

from django.contrib import admin
from django.urls import include, path

from registry.password_reset import PasswordResetView

urlpatterns = [
    path("", include("cultivation.urls")),
    # Before Django's own: the reset request is throttled and its email queued (registry.password_reset).
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"
