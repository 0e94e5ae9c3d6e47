from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The firm register: firms, annual figures, clusters, districts, users."""

    name = "registry"
    verbose_name = _("企业名录")

    def ready(self) -> None:
        from .change_feed import connect_register_feed

        connect_register_feed()
