"""What the writing endpoints accept. A serializer here checks only the shape of the input
(types, lengths, choices); the service the page calls checks the rules and writes, so the API
and the browser cannot drift apart. The objects a write refers to (a quarter, a borrower, a
loan, a ballot's case) are given by id and looked up by the view in the user's scope, so a
foreign quarter's object answers 404 as everywhere else. None of these serializers is saved."""

from rest_framework import serializers

from committees.models import Vote
from credits.models import Application, Borrower, Payment
from credits.services import BORROWER_FIELDS
from monitoring.contact_models import Contact

from .serializers import CONTACT_FIELDS, EDITABLE_FIELDS_ORDERED


class BorrowerInput(serializers.ModelSerializer):
    class Meta:
        model = Borrower
        fields = list(BORROWER_FIELDS)
        # Empty in the database only after an erasure (Art. 17): a person recorded gives it.
        extra_kwargs = {"date_of_birth": {"required": True, "allow_null": False}}


class ApplicationChangeInput(serializers.ModelSerializer):
    """A draft's fields (every one optional: a draft may be incomplete) and the borrower's."""

    borrower = BorrowerInput(required=False)

    class Meta:
        model = Application
        fields = ["borrower", *EDITABLE_FIELDS_ORDERED]
        extra_kwargs = {name: {"required": False} for name in EDITABLE_FIELDS_ORDERED}


class ApplicationCreateInput(ApplicationChangeInput):
    """A new draft: the person who applies and the quarter (optional for an advisor of one
    quarter), and whatever of the draft is known already."""

    quarter = serializers.IntegerField(required=False)
    borrower = BorrowerInput()

    class Meta(ApplicationChangeInput.Meta):
        fields = ["quarter", "borrower", *EDITABLE_FIELDS_ORDERED]


class ContactInput(serializers.ModelSerializer):
    borrower = serializers.IntegerField()
    loan = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Contact
        fields = CONTACT_FIELDS


class VoteInput(serializers.ModelSerializer):
    case = serializers.IntegerField()

    class Meta:
        model = Vote
        fields = ["case", "choice", "conditions", "comment"]


class PaymentInput(serializers.ModelSerializer):
    loan = serializers.IntegerField()

    class Meta:
        model = Payment
        fields = ["loan", "amount", "value_date", "note"]
