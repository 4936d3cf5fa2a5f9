import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from miqua.forms import DateField

from .contact_models import NEXT_STEP_MAX, NOTE_MAX, Contact
from .contact_services import EARLIEST_CONTACT


class ContactForm(forms.Form):
    """The short form of a contact: what the worklist, the loan's page and the page of its own
    show. The service checks everything again (payout date, order of the dates)."""

    contacted_on = DateField(label=_("Date"), earliest=EARLIEST_CONTACT, latest=timezone.localdate)
    channel = forms.ChoiceField(label=_("Channel"), choices=Contact.Channel.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
    )
    next_step = forms.CharField(label=_("Next step"), max_length=NEXT_STEP_MAX, required=False)
    next_step_on = DateField(label=_("Next step by"), required=False, earliest=EARLIEST_CONTACT)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"contacted_on": timezone.localdate(), "channel": "phone"})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def service_kwargs(self) -> dict[str, object]:
        data = self.cleaned_data
        day: datetime.date = data["contacted_on"]
        return {
            "contacted_on": day,
            "channel": data["channel"],
            "note": data["note"],
            "next_step": data["next_step"],
            "next_step_on": data["next_step_on"],
        }
