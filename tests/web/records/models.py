from django.db import models

from safeguard.web.core.models import AgencyOwned


class CaseNote(AgencyOwned):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.title
