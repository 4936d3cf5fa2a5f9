"""Documents in S3-compatible object storage: uploaded through the application's page into a
bucket of an S3 server that the test run starts (moto's standalone server, which speaks the
protocol of MinIO and AWS), downloaded through the permission-checked view, deleted.

The storage is configured as production configures it: the settings module is read with the
MIQUA_S3_* variables set (miqua/settings.py builds STORAGES["default"] from them)."""

import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings as django_settings
from django.urls import reverse
from django_scopes import scopes_disabled
from moto.server import ThreadedMotoServer

from credits.models import ApplicationDocument
from tests.clients import client_for
from tests.settings_module import settings_module

from .test_documents import TINY_PDF, upload

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "miqua-test", "AWS_SECRET_ACCESS_KEY": "miqua-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def storages_from_environment(monkeypatch: pytest.MonkeyPatch, environment: dict) -> dict:
    """STORAGES as miqua/settings.py makes it from these environment variables."""
    return settings_module(monkeypatch, environment).STORAGES


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    name = f"miqua-documents-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="eu-central-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    settings.STORAGES = storages_from_environment(
        monkeypatch,
        {
            "MIQUA_S3_BUCKET": name,
            "MIQUA_S3_ENDPOINT_URL": s3_endpoint,
            "MIQUA_S3_REGION": "eu-central-1",
            **CREDENTIALS,
        },
    )
    # Nothing may land in the local folder while the bucket is configured.
    settings.MEDIA_ROOT = tmp_path
    yield client, name
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


def test_the_settings_use_the_local_folder_without_a_bucket(monkeypatch):
    monkeypatch.delenv("MIQUA_S3_BUCKET", raising=False)
    storages = storages_from_environment(monkeypatch, {})
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_document_goes_up_to_the_bucket_and_comes_back_through_the_view(
    network, bucket, tmp_path
):
    client, name = bucket
    application = network.own_application
    response = upload(network.advisor, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    assert response.status_code == 302
    with scopes_disabled():
        document = ApplicationDocument.objects.get(application=application)

    # In the bucket under its random name, private; nothing in the local folder.
    stored = client.get_object(Bucket=name, Key=document.file.name)
    assert stored["Body"].read() == TINY_PDF
    acl = client.get_object_acl(Bucket=name, Key=document.file.name)
    assert [g["Grantee"].get("URI") for g in acl["Grants"] if "URI" in g["Grantee"]] == []
    assert list(tmp_path.iterdir()) == []

    url = reverse("document_download", args=[application.pk, document.pk])
    download = client_for(network.advisor).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TINY_PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    # The bytes came through our view: no redirect to the bucket's address.
    assert "Location" not in download

    # Someone who may not see the application gets nothing from the bucket either.
    assert client_for(network.foreign_advisor).get(url).status_code == 404

    key = document.file.name
    with scopes_disabled():
        document.file.delete(save=False)
    with pytest.raises(ClientError) as gone:
        client.head_object(Bucket=name, Key=key)
    assert gone.value.response["Error"]["Code"] == "404"


def test_a_document_missing_from_the_bucket_answers_404(network, bucket):
    client, name = bucket
    application = network.own_application
    upload(network.advisor, application, "Ausweis.pdf", TINY_PDF, "application/pdf")
    with scopes_disabled():
        document = ApplicationDocument.objects.get(application=application)
    client.delete_object(Bucket=name, Key=document.file.name)
    url = reverse("document_download", args=[application.pk, document.pk])
    assert client_for(network.advisor).get(url).status_code == 404


def test_health_checks_the_bucket_instead_of_the_local_disk(network, bucket):
    from django.test import Client

    answer = Client().get("/health/", HTTP_ACCEPT="application/json").json()
    assert answer["Storage(alias='default')"] == "OK"
    assert str(django_settings.MEDIA_ROOT) not in "".join(answer)
