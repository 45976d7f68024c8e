"""URL identity and domains."""

from __future__ import annotations

import hashlib

import pytest

from etl.transform.urls import host_of, registered_domain, resolve_url


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("HTTPS://WWW.Guancha.CN:443/a.png#top", None, "https://www.guancha.cn/a.png"),
        ("http://example.com:8080", None, "http://example.com:8080/"),
        ("https://a.com/普京.png", None, "https://a.com/%E6%99%AE%E4%BA%AC.png"),
        ("https://a.com/%E6%99%AE%E4%BA%AC.png", None, "https://a.com/%E6%99%AE%E4%BA%AC.png"),
        ("/x/y.html", "https://gnews.org/zh-hans/1/", "https://gnews.org/x/y.html"),
        ("img/a.png", None, "img/a.png"),
        ("https://пример.рф/путь", None, "https://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C"),
        ("HTTPS://Example.com:443", None, "https://example.com/"),
        ("http://[bad", None, "http://[bad"),
        ("//cdn.example.com/a.png", "https://site.org/p/1", "https://cdn.example.com/a.png"),
        ("mailto:editor@example.com", None, "mailto:editor@example.com"),
        # only DNS host names are case-insensitive: an IPFS content id keeps its case (issue 19)
        (
            "ipfs://Qmboms2wiMTB4Z4MVRjCLTQdkNyzKm4vBziNFibWqRSmc3?.png",
            None,
            "ipfs://Qmboms2wiMTB4Z4MVRjCLTQdkNyzKm4vBziNFibWqRSmc3?.png",
        ),
        ("ftp://FTP.Example.COM/Dir/File", None, "ftp://ftp.example.com/Dir/File"),
        ("javascript:void(0)", None, None),
        ("#section", None, None),
        ("   ", None, None),
    ],
)
def test_resolve_url(href: str, base: str | None, expected: str | None) -> None:
    assert resolve_url(href, base) == expected


def test_long_data_uris_become_a_short_reference() -> None:
    uri = "data:image/png;base64," + "A" * 3_000_000
    assert resolve_url(uri) == "data:image/png;sha256=" + hashlib.sha256(uri.encode()).hexdigest()
    assert resolve_url("data:image/gif;base64,R0lGOD") == "data:image/gif;base64,R0lGOD"
    assert host_of(resolve_url(uri) or "") is None


def test_hosts_and_registered_domains() -> None:
    assert host_of("https://www.guancha.cn/x") == "www.guancha.cn"
    assert host_of("mailto:a@b.c") is None
    assert host_of("https://пример.рф/") == "xn--e1afmkfd.xn--p1ai"
    assert registered_domain("xn--e1afmkfd.xn--p1ai") == "xn--e1afmkfd.xn--p1ai"
    assert registered_domain("www.guancha.cn") == "guancha.cn"
    assert registered_domain("news.yahoo.co.jp") == "yahoo.co.jp"
    assert registered_domain("127.0.0.1") == "127.0.0.1"
