"""(being written)"""

from django.http import Http404


def document_upload(request, **kwargs):  # placeholder until written
    raise Http404


def document_download(request, **kwargs):  # placeholder until written
    raise Http404
