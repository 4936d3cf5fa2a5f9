"""The REST API (/api/v1/): read-only views of the network, loans and monthly checks for the
same roles and the same quarters as the pages. Wiring across the apps: it stands on the top
level with miqua.urls. Every viewset reaches its objects through `scoping.ScopedViewSetMixin`."""
