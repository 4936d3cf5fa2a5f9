"""The REST API (/api/v1/): the network, applications, committees, loans, contacts and monthly
checks for the same roles and the same quarters as the pages; its few writes go through the
pages' services. Wiring across the apps: it stands on the top level with miqua.urls. Every
viewset reaches its objects through `scoping.ScopedViewSetMixin`."""
