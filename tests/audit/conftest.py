import pytest
from django.test import Client


@pytest.fixture
def admin_client(network) -> Client:
    """The administration as the network's administrator (a superuser)."""
    client = Client()
    client.force_login(network.administrator)
    return client
