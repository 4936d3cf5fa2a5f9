from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from quarters.models import Municipality, Organisation, Quarter

from .models import Role


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("– choose the role –")), *Role.choices]
    )
    quarters = forms.ModelMultipleChoiceField(
        label=_("Quarters (advisors only)"),
        queryset=Quarter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality (municipality viewers only)"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("– none –"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation (e.g. for committee members)"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("– none –"),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated inside the request's scope: staff see every quarter.
        self.fields["quarters"].queryset = Quarter.objects.select_related("municipality")
