"""Date, time and number formats of the languages where Django's own do not suit users in Germany
(settings.FORMAT_MODULE_PATH). German keeps Django's formats."""
