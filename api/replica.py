"""The API's lists read from the database replica, when there is one (``registry.read_replica``)."""

from __future__ import annotations

from registry.read_replica import reads_from_replica


class ReplicaListMixin:
    """A viewset's ``list`` may read from the replica: a list is a snapshot that can lag by the
    replica's delay. Authentication, permissions and throttles run before ``list`` and read the primary;
    so do every other action and anything after a write (the router decides)."""

    def list(self, request, *args, **kwargs):
        with reads_from_replica(request.user):
            return super().list(request, *args, **kwargs)
