"""Request bodies are capped in the server itself, before they are read.

waitress reads a whole request body (to a temporary file past 512 KB) before the
application sees the request, up to its `max_request_body_size` (1 GiB by default): an
anonymous client could make the server take in a gigabyte for a form that accepts 64 KB.
Here waitress's parser decides each request's cap from its headers, as soon as they are
read, and answers 413 before taking in any of the body:

- anonymous requests (no session cookie, no API token): SAFEGUARD_MAX_BODY_ANONYMOUS_KB;
- the token API (an Authorization header): SAFEGUARD_MAX_BODY_API_KB;
- signed-in requests: SAFEGUARD_MAX_BODY_KB, except the file uploads (referrals and
  sightings), which may take SAFEGUARD_MAX_UPLOAD_MB.

A session cookie is only claimed here (the session is checked by Django, after): a
client that forges one gets the signed-in cap, never more than the largest upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

KIB = 1024
MIB = 1024 * KIB

# The pages that take files (intelligence/urls.py): the only bodies that may be large.
UPLOAD_PATHS = ("/intelligence/referrals/import/", "/intelligence/sightings/import/")


@dataclass(frozen=True)
class BodyLimits:
    anonymous: int
    api: int
    signed_in: int
    upload: int
    session_cookie: str

    @classmethod
    def from_settings(cls) -> BodyLimits:
        from django.conf import settings

        return cls(
            anonymous=settings.MAX_BODY_ANONYMOUS,
            api=settings.MAX_BODY_API,
            signed_in=settings.MAX_BODY_SIGNED_IN,
            upload=settings.MAX_UPLOAD,
            session_cookie=settings.SESSION_COOKIE_NAME,
        )

    def for_request(self, path: str, headers: dict[str, str]) -> int:
        cookies = headers.get("COOKIE", "")
        if any(part.strip().startswith(f"{self.session_cookie}=")
               for part in cookies.split(";")):
            return self.upload if path in UPLOAD_PATHS else self.signed_in
        if headers.get("AUTHORIZATION"):
            return self.api
        return self.anonymous


class _Capped:
    """waitress's adjustments with this request's body cap in place of the server's."""

    def __init__(self, adjustments: Any, cap: int) -> None:
        self._adjustments = adjustments
        self.max_request_body_size = cap

    def __getattr__(self, name: str) -> Any:
        return getattr(self._adjustments, name)


def channel_class(limits: BodyLimits) -> type[HTTPChannel]:
    class CappedParser(HTTPRequestParser):  # type: ignore[misc]
        def parse_header(self, header_plus: bytes) -> None:
            super().parse_header(header_plus)
            cap = limits.for_request(self.path, self.headers)
            adjustments: Any = self.adj  # type: ignore[has-type]
            if cap < adjustments.max_request_body_size:
                # Read by waitress right after this returns, against Content-Length, and
                # as a chunked body arrives.
                self.adj = _Capped(adjustments, cap)

    class CappedChannel(HTTPChannel):  # type: ignore[misc]
        parser_class = CappedParser

    return CappedChannel


def server_factory(limits: BodyLimits) -> Callable[..., Any]:
    """A waitress `_server` that caps bodies per request (waitress.serve's hook)."""

    def create(application: Any, **options: Any) -> Any:
        options.setdefault("max_request_body_size", limits.upload)
        server = create_server(application, **options)
        capped = channel_class(limits)
        if isinstance(server, MultiSocketServer):  # several addresses: one server each
            for each in server.map.values():
                if isinstance(each, BaseWSGIServer):
                    each.channel_class = capped
        else:
            server.channel_class = capped
        return server

    return create
