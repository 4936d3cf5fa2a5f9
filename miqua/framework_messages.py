"""German in the polite form (Sie) for Django's own form and validator messages where an installed
app's catalogue says "du".

Django's German is neutral ("Bitte gültige E-Mail-Adresse eingeben."), but an installed app's
catalogue wins over Django's, and Django REST framework's German answers some of Django's
msgids in the familiar form ("Gib eine gültige E-Mail Adresse an."). Listing the msgids here
puts them into our catalogue (makemessages finds them), and our catalogue (LOCALE_PATHS) wins
over every app's. tests/test_polite_german.py finds such messages systematically and checks
that each of these still exists in Django's catalogue.
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("Enter a valid URL."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
]
