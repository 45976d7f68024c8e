"""URL resolution and identity: which string a link or image is stored under, and its domain."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import tldextract

_DROPPED_SCHEMES = frozenset({"javascript", "vbscript", "about"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
# characters left alone when percent-encoding: reserved ones, and `%` so existing escapes stay
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
# the Public Suffix List snapshot shipped inside tldextract: no network at run time
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def resolve_url(href: str | None, base: str | None = None) -> str | None:
    """An absolute, normalised URL for `href`, or None when it points nowhere useful.

    Relative references are resolved against `base` when there is one and kept as given
    otherwise; `javascript:` and bare `#fragment` references are dropped.
    """
    if not href:
        return None
    href = "".join(href.split())
    if not href or href.startswith("#"):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return href
    scheme = parts.scheme.lower()
    if scheme in _DROPPED_SCHEMES:
        return None
    if not scheme and base:
        return resolve_url(urljoin(base, href))
    return normalise_url(href)


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, percent-encode the path, drop the default port and fragment.

    The same link written with raw or escaped non-ASCII characters becomes one string.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "ftp") or not parts.hostname:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = parts.hostname.lower()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = quote(parts.path, safe=_SAFE_PATH) or "/"
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=_SAFE_QUERY), ""))


def host_of(url: str) -> str | None:
    """The lower-case host of a web URL; None for mailto:, data: and relative references."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "ftp"):
        return None
    return parts.hostname or None


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """`www.guancha.cn` -> `guancha.cn`, by the Public Suffix List; hosts without one stay whole."""
    return _SUFFIXES.extract_str(host).top_domain_under_public_suffix or host
