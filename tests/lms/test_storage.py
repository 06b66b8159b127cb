"""18.1: files in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (a real endpoint on loopback)."""

import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.utils.module_loading import import_string

from lms.settings.base import file_storages
from tests.servers import s3_server

STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


def _storage(config):
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


def test_without_a_bucket_files_stay_on_local_disk(tmp_path):
    storages = file_storages({}, private_root=tmp_path, staticfiles=STATIC)
    private = _storage(storages["private"])
    name = private.save("certificates/a.pdf", ContentFile(b"%PDF-1.7"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.7"


def test_private_files_go_to_the_bucket_under_private(s3, tmp_path):
    private = _storage(file_storages(s3.env, private_root=tmp_path, staticfiles=STATIC)["private"])
    name = private.save("certificates/b.pdf", ContentFile(b"%PDF-1.7 signed"))
    stored = s3.client.get_object(Bucket=s3.bucket, Key=f"private/{name}")["Body"].read()
    assert stored == b"%PDF-1.7 signed"
    with private.open(name, "rb") as fh:  # what a download view streams
        assert fh.read() == b"%PDF-1.7 signed"
    assert not (tmp_path / name).exists()


def test_the_same_name_twice_never_overwrites(s3, tmp_path):
    private = _storage(file_storages(s3.env, private_root=tmp_path, staticfiles=STATIC)["private"])
    first = private.save("archives/x.zip", ContentFile(b"one"))
    second = private.save("archives/x.zip", ContentFile(b"two"))
    assert first != second
    with private.open(first, "rb") as fh:
        assert fh.read() == b"one"


def test_media_urls_are_signed_and_expire(s3, tmp_path):
    media = _storage(file_storages({**s3.env, "AWS_QUERYSTRING_EXPIRE": "120"}, private_root=tmp_path,
                                   staticfiles=STATIC)["default"])
    name = media.save("images/logo.png", ContentFile(b"png bytes"))
    url = media.url(name)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    assert urllib.parse.urlsplit(url).path == f"/{s3.bucket}/media/{name}"
    assert urllib.request.urlopen(url, timeout=10).read() == b"png bytes"
    stored = s3.client.get_object(Bucket=s3.bucket, Key=f"media/{name}")["Body"].read()
    assert stored == b"png bytes"
