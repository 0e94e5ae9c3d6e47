"""The API's lists read from the database replica, when there is one (``registry.read_replica``)."""

from __future__ import annotations

from registry.read_replica import from_replica_or_primary


class ReplicaListMixin:
    """A viewset's ``list`` may read from the replica: a list is a snapshot that can lag by the replica's
    delay. Authentication, permissions and throttles run before ``list`` and read the primary; so do every
    other action and anything after a write (the router decides). A replica that fails the read is stood in
    for by the primary."""

    def list(self, request, *args, **kwargs):
        parent = super()
        return from_replica_or_primary(lambda: parent.list(request, *args, **kwargs), request.user)
