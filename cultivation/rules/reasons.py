"""Why a criterion is provisional, as users read it (P1, issue 15 item 11).

Each is a plain Chinese message id (``gettext_noop``): a criterion's ``provisional_reason`` stores it
in the rule set's data, and results translate it when shown next to the criterion.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

# 附件4's growth-rate definitions were not found (domain §8.3): the formula encoded is a reading.
GROWTH_FORMULA = _("增长率计算口径（起止年份、复合或平均）未见正式文件说明，按本系统解读计算，待核实")
# The 2025 小巨人 round's revenue floor is reported by relays only (domain §1.3, S12c [P]).
ROUND_2025_REVENUE = _("2025年申报营业收入不低于5000万元的要求仅见于地方转发通知，待核实")
# The 2025 round's dates: the notice was relayed in mid-May 2025; its exact date is not confirmed.
ROUND_2025_DATE = _("工信厅企业函〔2025〕190号于2025年5月中旬转发，具体印发日期未核实，暂按2025-05-15起施行")
