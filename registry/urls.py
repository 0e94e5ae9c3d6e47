"""Top-level URLs: the portal (firm pages and staff queues), sign-in, admin, API with its schema and docs,
language switch."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("cultivation.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "registry.error_views.page_not_found"
handler500 = "registry.error_views.server_error"
