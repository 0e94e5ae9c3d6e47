"""The range of years the register accepts, in one place for every check that bounds a year.

The model (fiscal years of figures, the year a firm entered its niche), the forms and the API that
validate through it, the portal's year pages, the list filters, the programme's targets and the dashboard's
year all use this one range, so a year accepted in one place is never refused in another.

A firm's founding day is not bounded by it: firms founded before 1980 exist and are registered as they are.
"""

from __future__ import annotations

# The first year anything in the register is dated (records before it are not kept).
FIRST_YEAR = 1980
# The last year a year field accepts: beyond any real record, well inside a small integer (no overflow).
LAST_YEAR = 2100
