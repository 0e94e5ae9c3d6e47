"""The REST interface: serializers, filtersets, views, permissions. No business logic lives here."""
