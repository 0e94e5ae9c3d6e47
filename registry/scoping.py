"""The register's scoped queryset: every model whose rows belong to a firm lists them through it."""

from __future__ import annotations

from django.db import models

from .roles import scope_of


class ScopedQuerySet(models.QuerySet):
    """Rows limited to the firms a user may see (``registry.roles.Scope.filter``).

    ``firm_path`` leads from a row to its firm: ``"firm"`` for most records, ``"application__firm"``
    for what hangs off an application, ``""`` for firms themselves.
    """

    firm_path = "firm"

    def visible_to(self, user):
        return scope_of(user).filter(self, self.firm_path)
