"""(being written)"""

from django.http import Http404


def ballot_list(request, **kwargs):  # placeholder until written
    raise Http404


def ballot_create(request, **kwargs):  # placeholder until written
    raise Http404


def ballot_detail(request, **kwargs):  # placeholder until written
    raise Http404


def vote_cast(request, **kwargs):  # placeholder until written
    raise Http404


def case_recuse(request, **kwargs):  # placeholder until written
    raise Http404


def ballot_attendance(request, **kwargs):  # placeholder until written
    raise Http404


def ballot_close(request, **kwargs):  # placeholder until written
    raise Http404


def ballot_minutes_pdf(request, **kwargs):  # placeholder until written
    raise Http404
