"""What the firm's home shows of its digital transformation (issue 18): its sites' recognitions, the
industry platforms it leads, and its 技改 projects with the overdue ones marked.

Read through the records' scoped querysets (the firm's own only); three queries.
"""

from __future__ import annotations

from django.utils import timezone

from ..models import DigitalRecognition, IndustryBrain, UpgradeProject
from ..rules.digital import is_overdue

HOME_PROJECTS = 10  # projects listed on the home page, unfinished first


def digital_context(user, firm) -> dict:
    """The home page's ``recognitions``, ``brains`` and ``projects`` of ``firm``, as ``user`` sees them."""
    today = timezone.localdate()
    recognitions = list(
        DigitalRecognition.objects.visible_to(user)
        .filter(firm=firm)
        .with_counts()
        .order_by("site_name", "-year", "pk")
    )
    brains = list(IndustryBrain.objects.visible_to(user).filter(firm=firm).order_by("-year", "name"))
    projects = list(
        UpgradeProject.objects.visible_to(user)
        .filter(firm=firm)
        .order_by("accepted_on", "planned_finish", "pk")[:HOME_PROJECTS]
    )
    for project in projects:
        project.overdue = is_overdue(project.status, project.planned_finish, today)
    return {"recognitions": recognitions, "industry_brains": brains, "upgrade_projects": projects}
