"""(being written)"""

from django.http import Http404


def decision_template_pdf(request, **kwargs):  # placeholder until written
    raise Http404
