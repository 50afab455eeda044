"""Fetch an article by URL, guarded against SSRF: every address the host resolves to must be public
(unless PARALLAX_FETCH_ALLOW_PRIVATE), the connection goes to the address that was checked, and
redirects are followed by hand (at most 5), each hop checked again."""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from app.config import Settings

MAX_REDIRECTS = 5
TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
USER_AGENT = "Parallax/0.1 (+article fetcher)"


class FetchError(Exception):
    """The URL cannot be fetched; `transient` when trying again later may work."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.transient = transient


@dataclass
class FetchedPage:
    url: str  # after redirects
    body: bytes
    fmt: str  # html | text (or the caller's own names for its types); "" when not modified
    status: int = 200
    headers: dict[str, str] | None = None  # lower-cased names


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or not ip.is_global)


def resolve_checked(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The host's addresses, refusing the whole host if any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"the host {host!r} cannot be resolved ({exc.strerror})", transient=True) from None
    except UnicodeError:  # the IDNA codec refuses the name: a control character, a label over 63 characters
        raise FetchError(f"the host {host!r} is not a valid host name") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address.split("%", 1)[0])):
                raise FetchError(f"refused: {host} resolves to {address}, a private or reserved address")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """Resolves and checks the host itself, then connects to a checked address (no second lookup
    that DNS rebinding could answer differently). TLS still verifies the host name."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last: Exception | None = None
        for address in resolve_checked(host, port, allow_private=self.allow_private):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"cannot connect to {host}")


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL before queueing it: scheme, host, and where the host points now."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # "Invalid IPv6 URL" (a stray bracket), a port that is not a number
        raise FetchError(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError("URL must start with http:// or https:// and name a host")
    if parts.username or parts.password:
        raise FetchError("URL must not carry a user name or password")
    resolve_checked(host, port or (443 if parts.scheme == "https" else 80), allow_private=allow_private)


def _client(settings: Settings) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    transport._pool._network_backend = GuardedBackend(settings.fetch_allow_private)  # httpcore 1.x
    timeout = httpx.Timeout(settings.fetch_timeout_s, connect=min(5.0, settings.fetch_timeout_s))
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
                        headers={"User-Agent": USER_AGENT})


def guarded_client(settings: Settings) -> httpx.Client:
    """A client for many fetch_url calls (a poll's feed, robots.txt and pages): building one, with
    its TLS context, costs more CPU than a small request. The caller closes it."""
    return _client(settings)


def fetch_url(url: str, *, settings: Settings, types: dict[str, str] = TYPES, accept: str | None = None,
              headers: dict[str, str] | None = None, client: httpx.Client | None = None) -> FetchedPage:
    """GET the URL (streamed, at most max_article_bytes, within fetch_timeout_s in all). `types`:
    the content types taken (name -> format); `headers`: sent as well (a conditional GET's
    If-None-Match, for one: a 304 comes back as a FetchedPage with status 304 and no body);
    `client`: a guarded_client() to reuse (else one is made for this call)."""
    if client is None:
        with _client(settings) as own:
            return fetch_url(url, settings=settings, types=types, accept=accept, headers=headers, client=own)
    deadline = time.monotonic() + settings.fetch_timeout_s * 2
    limit = settings.max_article_bytes
    headers = {"Accept": accept or "text/html, text/plain;q=0.9", **(headers or {})}
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(url, allow_private=settings.fetch_allow_private)
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return FetchedPage(url=str(response.url), body=b"", fmt="", status=304,
                                       headers=dict(response.headers))
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url} redirects without a Location")
                    url = urljoin(url, location)
                    continue
                return _read(response, url, limit, deadline, types)
        except httpx.TimeoutException:
            raise FetchError(f"{url} did not answer within {settings.fetch_timeout_s:g} s", transient=True) from None
        except httpx.HTTPError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, FetchError):
                raise cause from None
            raise FetchError(f"{url} could not be fetched ({type(exc).__name__}: {exc})", transient=True) from None
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


class Refused(FetchError):
    """The server answered with an error status (kept, with its headers: a 429's Retry-After)."""

    def __init__(self, message: str, *, status: int, headers: dict[str, str]):
        super().__init__(message, transient=status >= 500 or status == 429)
        self.status, self.headers = status, headers


def _read(response: httpx.Response, url: str, limit: int, deadline: float, types: dict[str, str]) -> FetchedPage:
    if response.status_code >= 400:
        raise Refused(f"{url} answered {response.status_code} {response.reason_phrase}",
                      status=response.status_code, headers=dict(response.headers))
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    fmt = types.get(content_type)
    if fmt is None:
        wanted = "an HTML or text page" if types is TYPES else "of a type taken here"
        raise FetchError(f"{url} is {content_type or 'of no stated type'}, not {wanted}")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url} is {int(declared):,} bytes, over the {limit:,} byte limit")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise FetchError(f"{url} is over the {limit:,} byte limit")
        if time.monotonic() > deadline:
            raise FetchError(f"{url} took too long to send", transient=True)
    return FetchedPage(url=str(response.url), body=bytes(body), fmt=fmt, status=response.status_code,
                       headers=dict(response.headers))
