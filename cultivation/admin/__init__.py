"""Admin for the programme, one module per subject (imported here so Django's autodiscovery finds them)."""

# register: firm admin additions, designations, pool; rules: rule sets, attestations, disqualifications;
# applications: applications and their review, expert assignments, the holiday calendar;
# alerts: raised alerts, each person's inbox and email preferences.
# targets: the programme's targets (P11), read by staff, edited by programme admins.
# maturity, listing: digital-maturity assessments and listing tracks; digital: digital recognitions,
# industry platforms and 技改 projects (issue 18).
from . import alerts, applications, digital, listing, maturity, register, rules, targets  # noqa: F401
