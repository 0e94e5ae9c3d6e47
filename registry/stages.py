"""Life-cycle stages (初创期/成长期/发展期/跨越期, P5 in docs/DECISIONS.md).

The register stores a firm's stage as a cached column so lists can filter on
it; the programme (``cultivation.tiers.derive_stage``) decides its value.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    STARTUP = "startup", _("初创期")
    GROWTH = "growth", _("成长期")
    DEVELOPMENT = "development", _("发展期")
    LEAP = "leap", _("跨越期")

    @classmethod
    def order(cls, stage: "Stage") -> int:
        """Position on the startup → leap scale, for comparisons."""
        return list(cls).index(stage)
