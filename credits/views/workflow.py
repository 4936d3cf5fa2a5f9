"""(being written)"""

from django.http import Http404


def application_transition(request, **kwargs):  # placeholder until written
    raise Http404


def application_prepare(request, **kwargs):  # placeholder until written
    raise Http404
