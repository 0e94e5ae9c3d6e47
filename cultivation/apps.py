from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    """Tiers, rule sets, designations, the hard-tech pool and the scans."""

    name = "cultivation"
    verbose_name = _("梯度培育")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .dashboard_cache import connect_invalidation
        from .signals import sync_builtin_rule_sets

        post_migrate.connect(sync_builtin_rule_sets, sender=self)
        connect_invalidation()
