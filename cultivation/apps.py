from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    """Tiers, rule sets, designations, the hard-tech pool and the scans."""

    name = "cultivation"
    verbose_name = _("梯度培育")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .change_feed import connect_programme_feed
        from .dashboard_cache import connect_invalidation
        from .services.alerts import use_email_queue
        from .signals import sync_builtin_rule_sets
        from .tasks import queue_alert_emails

        post_migrate.connect(sync_builtin_rule_sets, sender=self)
        connect_invalidation()
        connect_programme_feed()
        use_email_queue(queue_alert_emails)  # the services queue emails without importing the tasks
