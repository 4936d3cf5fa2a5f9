from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from miqua.csv_export import Column, csv_response, labels, rows_of, wants_csv
from miqua.forms import apply_validation_error

from . import services
from .forms import InviteForm
from .models import Role, User


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


USERS_PAGE_SIZE = 50


def _works_for(user: User) -> str:
    if user.role == Role.ADVISOR:
        return ", ".join(q.name for q in user.advised_quarters.all()) or _("no quarter yet")
    if user.municipality:
        return user.municipality.name
    if user.organisation:
        return user.organisation.name
    return _("whole network")


def _account_status(user: User) -> str:
    if not user.is_active:
        return _("deactivated")
    return _("active") if user.has_usable_password() else _("invited")


def _user_columns() -> list[Column[User]]:
    """The list's columns, as the page shows them."""
    role = labels(Role)
    return [
        Column(_("Name"), lambda u: u.full_name),
        Column(_("Email address"), lambda u: u.email),
        Column(_("Role"), lambda u: role(u.role)),
        Column(_("Works for"), _works_for),
        Column(_("Status"), _account_status),
    ]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Every person with an account, 50 a page; `format=csv` gives all of them as a file."""
    _require(request, "accounts.view_user_list")
    users = User.objects.select_related("municipality", "organisation").prefetch_related(
        "advised_quarters"
    )
    if wants_csv(request):
        return csv_response(rows=rows_of(users), columns=_user_columns(), name=_("Users"))
    page = Paginator(users, USERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"users": page.object_list, "page_obj": page})


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    _require(request, "accounts.invite_user")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                **form.cleaned_data, base_url=request.build_absolute_uri("/"), actor=request.user
            )
        except ValidationError as e:
            apply_validation_error(form, e)
        else:
            messages.success(
                request,
                _("%(name)s has been invited; the invitation went to %(email)s.")
                % {"name": user.full_name, "email": user.email},
            )
            return redirect("user_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_invite.html", {"form": form}, status=status)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language; a signed-in user keeps the choice for their next visit."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=request.user, language=language)
        except ValidationError:
            messages.error(request, _("This language is not available."))
            return redirect("home")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.POST = request.POST.copy()
        request.POST["next"] = "/"
    return set_language(request)


def admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """The admin has no login form of its own: everyone signs in through the one rate-limited
    login, and only the back office gets through to the admin."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, login_url=reverse("account_login"))
    if not request.user.is_staff:
        raise PermissionDenied
    return redirect(next_url)
