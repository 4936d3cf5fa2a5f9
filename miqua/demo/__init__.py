"""The demo network of DOMAIN.md: its data and the builders that make it through the services."""
