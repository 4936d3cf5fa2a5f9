"""(being written)"""

from django.http import Http404


def application_list(request, **kwargs):  # placeholder until written
    raise Http404
