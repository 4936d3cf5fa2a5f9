"""Uploads never fill the disk: a file beyond MIQUA_UPLOAD_MAX_BYTES is counted to the end, but
only its first part is stored.

Django writes every uploaded file to a temporary file, however large, before any view can look
at it. This handler stops storing at the limit and still reports the file's full size, so the
service refuses it by its size with its usual message next to the upload field, and the rest
of the form (the document's kind, other fields) is kept. The part that was stored is never
used: the size check comes first. Requests larger than any upload may be are answered before
their body is read (`miqua.errors.ErrorPagesMiddleware`).
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class LimitedFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.over_limit = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MIQUA_UPLOAD_MAX_BYTES:
            # Counted by the parser (file_complete gets the full size), not stored.
            self.over_limit = True
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> Any:
        uploaded = super().file_complete(file_size)
        uploaded.truncated = self.over_limit
        return uploaded
