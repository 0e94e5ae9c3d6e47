"""Admin for the programme, one module per subject (imported here so Django's autodiscovery finds them)."""

from . import register  # noqa: F401  (firm admin additions, designations, pool)
