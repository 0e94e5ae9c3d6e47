"""What the firm's home shows of its digital transformation (issue 18): its sites' recognitions, the
industry platforms it leads, and its 技改 projects with the overdue ones marked; and the evidence files of
recognitions and platforms, to whoever may see the record.

Read through the records' scoped querysets (the firm's own only); three queries for the home page.
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import DigitalRecognition, IndustryBrain, UpgradeProject
from ..rules.digital import is_overdue
from ..validators import sniff

EVIDENCE_OF = {"recognition": DigitalRecognition, "brain": IndustryBrain}
CONTENT_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}

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


@login_required
def evidence(request: HttpRequest, kind: str, pk: int) -> FileResponse:
    """A recognition's or platform's evidence file, as a download, to whoever sees the record (the firm, the
    staff whose scope covers it); MEDIA_URL is not served, so this is the only way to the file."""
    model = EVIDENCE_OF.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if not record.evidence:
        raise Http404
    handle = record.evidence.open("rb")
    content_type = CONTENT_TYPES.get(sniff(handle.read(16)) or "")
    handle.seek(0)
    name = f"{kind}-evidence-{record.pk}{mimetypes.guess_extension(content_type or '') or ''}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
