"""WSGI entry point: `safeguard serve` hands this to waitress."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.web.settings")
application = get_wsgi_application()
