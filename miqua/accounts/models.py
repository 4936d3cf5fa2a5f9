import rules
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Quarter advisor")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    STAFF = "staff", _("Microfinancier staff")
    MUNICIPALITY_VIEWER = "municipality_viewer", _("Municipality viewer")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that see every quarter and run the back office.
NETWORK_ROLES = frozenset({Role.STAFF, Role.ADMINISTRATOR})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login; the role decides what they may see and do.

    Advisors work in one or more quarters (`advised_quarters`), municipality viewers see the
    aggregates of one municipality, committee members sit on committees (see `committees`),
    staff and administrators see the whole network.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    advised_quarters = models.ManyToManyField(
        "quarters.Quarter",
        verbose_name=_("quarters advised"),
        related_name="advisors",
        blank=True,
    )
    municipality = models.ForeignKey(
        "quarters.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="viewers",
        null=True,
        blank=True,
        help_text=_("Only for municipality viewers."),
    )
    organisation = models.ForeignKey(
        "quarters.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text=_("The partner organisation a committee member represents."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The demo's and the load benchmark's logins, whose password is public or shared: they
    # must work with the password alone wherever a second factor is otherwise required.
    mfa_exempt = models.BooleanField(
        _("no second factor required"),
        default=False,
        help_text=_(
            "Only for demo and test accounts: signs in with the password alone even where "
            "the role requires a second factor."
        ),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True)
                | models.Q(role=Role.MUNICIPALITY_VIEWER),
                name="user_municipality_only_for_viewers",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Django admin access: the back office only."""
        return self.is_active and self.role in NETWORK_ROLES

    @property
    def is_network_staff(self) -> bool:
        return self.role in NETWORK_ROLES

    @property
    def second_factor_required(self) -> bool:
        """Staff and administrators may open no page before they have set up a second factor,
        where MIQUA_MFA_REQUIRED is on (production by default). Other roles may set one up."""
        return settings.MIQUA_MFA_REQUIRED and self.is_network_staff and not self.mfa_exempt

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """The project's own permissions are role rules (django-rules) and hold for everyone,
        the administrator included: being a superuser opens the Django admin, not the
        advisor's or the committee's work. Django's model permissions keep the superuser
        shortcut."""
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
