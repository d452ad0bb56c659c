import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
application = get_wsgi_application()

# Load every view now (the URLconf imports them) rather than in the first request, then
# move what loading made, which lives as long as the process, out of the garbage
# collector's sight: its full collections then scan what requests allocate, not the
# whole of Django (about 100 ms each before; issue 15, bench/README.md).
get_resolver().url_patterns  # noqa: B018 (imports the URLconf)
gc.freeze()
