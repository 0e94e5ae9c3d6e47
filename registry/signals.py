"""Signals of the register's own writes that bypass ``Model.save()``.

``figures_saved_in_bulk`` is sent by ``registry.services.save_figures_in_bulk`` (the figures import)
after it wrote a chunk of years with one insert and one update, where ``post_save`` is not sent. Every
receiver of ``post_save`` for ``AnnualFigures`` has a bulk twin connected to it -- the change feed
(``registry.change_feed``), the promotion scan's firm log and the dashboard cache (``cultivation``) --
so a year imported in bulk leaves the same trace as one saved alone. History rows are written by the
service itself (django-simple-history's ``bulk_history_create``).

Arguments: ``created`` and ``updated``, the lists of saved ``AnnualFigures`` (with ``firm`` loaded).
"""

from __future__ import annotations

from django.dispatch import Signal

figures_saved_in_bulk = Signal()
