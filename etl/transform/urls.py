"""URL resolution and identity: which string a link or image is stored under, and its domain."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import tldextract
from yarl import URL

# longer inline `data:` URIs are stored as a mime type and a hash
MAX_DATA_URI = 256
MAX_URL = 2000
_DROPPED_SCHEMES = frozenset({"javascript", "vbscript", "about"})
_WEB_SCHEMES = frozenset({"http", "https", "ftp"})
# schemes whose authority is a DNS host name, which is case-insensitive; any other scheme's
# authority and path keep their case (an ipfs:// content id is case-sensitive)
_DNS_SCHEMES = _WEB_SCHEMES | {"ws", "wss", "sftp", "ftps"}
# `scheme://user:password@`: credentials are never stored, even in a URL too broken to parse
_USERINFO = re.compile(r"^((?:[a-z][a-z0-9+.-]*:)?//)[^/?#@]*@", re.IGNORECASE)
# browsers drop tabs and line breaks inside URLs (WHATWG URL standard)
_URL_NOISE = str.maketrans("", "", "\t\n\r")
# the Public Suffix List snapshot shipped inside tldextract: no network at run time
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def resolve_url(href: str | None, base: str | None = None) -> str | None:
    """An absolute, normalised URL for `href`, or None when it points nowhere useful.

    Relative references are resolved against `base` when there is one and kept as given
    otherwise; `javascript:` and bare `#fragment` references are dropped; a URL too broken
    to parse is kept as written, so nothing is lost.
    """
    href = (href or "").translate(_URL_NOISE).strip()
    if not href or href.startswith("#"):
        return None
    if href[:5].lower() == "data:" and len(href) > MAX_DATA_URI:
        return _data_reference(href)  # before parsing: such URIs can be megabytes
    resolved = _resolve(href, base)
    return _fit(_USERINFO.sub(r"\1", resolved)) if resolved else None


def _resolve(href: str, base: str | None) -> str | None:
    try:
        url = URL(href)
    except (ValueError, TypeError):
        return href
    scheme = url.scheme.lower()
    if scheme in _DROPPED_SCHEMES:
        return None
    if scheme and scheme not in _DNS_SCHEMES:
        return href  # mailto:, data:, ipfs:, …: as written
    if not url.scheme:
        if not base:
            return href
        try:
            url = URL(base).join(url)
        except (ValueError, TypeError):
            return href
    return normalise_url(url)


def _fit(url: str) -> str:
    """A URL short enough for a unique index row (Postgres allows ~2.7 KB): head plus a hash."""
    if len(url) <= MAX_URL:
        return url
    marker = f"#etl-truncated-sha256={_sha256(url)}"
    return url[: MAX_URL - len(marker)] + marker


def _data_reference(uri: str) -> str:
    """A short stand-in for an inline image: `data:image/png;sha256=…` instead of megabytes."""
    mime = uri[5:].split(",", 1)[0].split(";", 1)[0].strip().lower() or "text/plain"
    return f"data:{mime[:100]};sha256={_sha256(uri)}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def normalise_url(url: URL) -> str:
    """yarl's canonical form without the fragment and the credentials.

    Lower-case scheme and host, IDN hosts as punycode, non-ASCII percent-encoded, default port
    dropped: the same link written three ways becomes one string. `user:password@` is removed.
    """
    if url.scheme in _WEB_SCHEMES and url.raw_path in ("", "/"):
        url = url.with_path("/", keep_query=True)
    if url.raw_user is not None or url.raw_password is not None:
        url = url.with_user(None)
    return str(url.with_fragment(None))


def host_of(url: str) -> str | None:
    """The lower-case (punycode) host of a web URL; None for mailto:, data: and relative references."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return None
    if parsed.scheme not in _WEB_SCHEMES:
        return None
    return parsed.raw_host or None


@lru_cache(maxsize=65536)
def registered_domain(host: str) -> str:
    """`www.guancha.cn` -> `guancha.cn`, by the Public Suffix List; hosts without one stay whole."""
    return _SUFFIXES.extract_str(host).top_domain_under_public_suffix or host
