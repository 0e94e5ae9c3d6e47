"""Admin for the programme, one module per subject (imported here so Django's autodiscovery finds them)."""

# register: firm admin additions, designations, pool; rules: rule sets, attestations, disqualifications.
from . import register, rules  # noqa: F401
