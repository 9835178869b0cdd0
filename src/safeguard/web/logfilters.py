"""Logging filters for the server's console.

Django logs every 403 and 404 on `django.request` with the exception attached, which a
console handler prints as a full Python traceback: a routine refusal (a partner opening
a record it may not see) looked like a crash. Refusals are recorded in the audit log;
on the console they are one line each. Errors (500) keep their traceback.
"""

from __future__ import annotations

import logging


class RoutineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
