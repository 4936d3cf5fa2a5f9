"""(being written)"""

from django.http import Http404


def application_create(request, **kwargs):  # placeholder until written
    raise Http404


def application_detail(request, **kwargs):  # placeholder until written
    raise Http404


def application_edit(request, **kwargs):  # placeholder until written
    raise Http404


def guarantee_add(request, **kwargs):  # placeholder until written
    raise Http404


def guarantee_remove(request, **kwargs):  # placeholder until written
    raise Http404
