import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "miqua.settings")
application = get_wsgi_application()

# The garbage collector, tuned for a web process (measured by `./dev loadtest`: the trivial
# view's p95 fell from 72 to 24 ms, every page's by a fifth or more). What was loaded by now
# (models, URL patterns, translations, the templates read so far) stays for the process's life:
# frozen, a full collection no longer walks it. And a request leaves thousands of short-lived
# objects (rows, template nodes): collecting after every 700 new ones, the default, ran the
# collector many times per page. MIQUA_GC_THRESHOLD=0 keeps Python's defaults.
if (threshold := int(os.environ.get("MIQUA_GC_THRESHOLD", "20000"))) > 0:
    gc.collect()
    gc.freeze()
    gc.set_threshold(threshold, 20, 50)
