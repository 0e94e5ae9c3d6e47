"""The shared scoping queryset for rows that belong to a firm."""

from __future__ import annotations

from django.db import models

from registry.roles import scope_of


class ScopedQuerySet(models.QuerySet):
    """Rows that belong to a firm, limited to the firms a user may see (``registry.roles``)."""

    firm_path = "firm"

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.firm_id:
            return self.filter(**{f"{self.firm_path}_id": scope.firm_id})
        if scope.district_id:
            return self.filter(**{f"{self.firm_path}__district_id": scope.district_id})
        return self.none()
