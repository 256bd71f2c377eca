"""Receiving uploads: a multipart body streamed to disk part by part, or http(s) URLs fetched safely.

Nothing here trusts the client: part counts and sizes are limited while the bytes arrive, a client's file name
never names a folder, and a URL is fetched only from public addresses, each redirect hop checked again and the
connection pinned to the address that was checked.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import anyio
import httpx
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from engine.replies import ApiError, Code
from engine.settings import MB, EngineSettings

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

_MAX_FIELD_BYTES = 64 * 1024  # a form field other than a file
_MAX_HEADER_BYTES = 16 * 1024  # all the headers of one part together
_MAX_PARTS = 64  # files and other fields together


class _PartSink:
    """Multipart callbacks that write each `files` part straight to its own file as its bytes arrive."""

    def __init__(self, folder: Path, max_bytes: int, max_files: int) -> None:
        self.folder, self.max_bytes, self.max_files = folder, max_bytes, max_files
        self.files: list[tuple[Path, str]] = []
        self._field, self._value = bytearray(), bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._out: BinaryIO | None = None
        self._seen = self._header_bytes = self._parts = 0

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self.close,
        }

    def _begin(self) -> None:
        self._headers, self._seen, self._header_bytes = {}, 0, 0
        self._parts += 1
        if self._parts > _MAX_PARTS:
            raise ApiError(Code.BAD_REQUEST, f"at most {_MAX_PARTS} form fields in one upload")

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._field.extend(data[start:end])

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._count_header(end - start)
        self._value.extend(data[start:end])

    def _count_header(self, size: int) -> None:
        """Part headers are kept in memory until the part's data starts: their size is bounded."""
        self._header_bytes += size
        if self._header_bytes > _MAX_HEADER_BYTES:
            raise ApiError(Code.BAD_REQUEST, "a part's headers are too large")

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        filename = options.get(b"filename")
        if options.get(b"name") != b"files" or filename is None:
            return  # other form fields are read past, not kept
        if len(self.files) >= self.max_files:
            raise ApiError(Code.BAD_REQUEST, f"at most {self.max_files} files at once")
        path = self.folder / f"part{len(self.files)}"
        self.files.append((path, display_name(filename.decode(errors="replace"))))
        self._out = path.open("wb")

    def _data(self, data: bytes, start: int, end: int) -> None:
        self._seen += end - start
        if self._out is None:
            if self._seen > _MAX_FIELD_BYTES:
                raise ApiError(Code.BAD_REQUEST, "a form field is too large")
        elif self._seen > self.max_bytes:
            raise ApiError(Code.TOO_LARGE, f"a file is larger than {self.max_bytes // MB} MB")
        else:
            self._out.write(data[start:end])

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def receive_multipart(
    request: Request, folder: Path, max_bytes: int, max_files: int
) -> list[tuple[Path, str]]:
    """Stream a multipart body to disk chunk by chunk; the files of field `files`, with their names."""
    _, options = parse_options_header(request.headers["content-type"])
    boundary = options.get(b"boundary")
    if not boundary:
        raise ApiError(Code.BAD_REQUEST, "multipart body without a boundary")
    limit = max_files * (max_bytes + _MAX_FIELD_BYTES)
    too_large = ApiError(Code.TOO_LARGE, f"the upload is larger than {max_bytes // MB} MB")
    if int(request.headers.get("content-length") or 0) > limit:
        raise too_large
    sink = _PartSink(folder, max_bytes, max_files)
    parser = MultipartParser(boundary, sink.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)  # a chunked body declares no length: count what arrives
            if received > limit:
                raise too_large
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise ApiError(Code.BAD_REQUEST, "the multipart body is malformed") from None
    finally:
        sink.close()
    return sink.files


async def fetch_url(url: str, path: Path, settings: EngineSettings) -> tuple[Path, str]:
    """Download an http(s) URL to `path` under the upload size limit, re-checking every redirect hop, and
    within `url_fetch_deadline_s` overall (a per-read timeout alone lets a server trickle a byte at a time
    for ever)."""
    try:
        with anyio.fail_after(settings.url_fetch_deadline_s):
            return await _fetch(url, path, settings)
    except TimeoutError:
        raise ApiError(Code.URL_REFUSED, "the download from the URL took too long") from None


async def _fetch(url: str, path: Path, settings: EngineSettings) -> tuple[Path, str]:
    async with httpx.AsyncClient(timeout=settings.url_fetch_timeout_s, trust_env=False) as client:
        for _ in range(settings.url_fetch_max_redirects + 1):
            pinned, host = await _pin(url, settings.url_fetch_allow_private)
            try:
                async with client.stream(
                    "GET", pinned, headers={"Host": host}, extensions={"sni_hostname": urlsplit(url).hostname}
                ) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code != 200:
                        raise ApiError(Code.URL_REFUSED, f"the URL answered HTTP {response.status_code}")
                    await _save(response, path, settings.upload_max_bytes)
            except httpx.HTTPError:
                raise ApiError(Code.URL_REFUSED, "the download from the URL failed") from None
            name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            return path, display_name(name or "download")
    raise ApiError(Code.URL_REFUSED, "the URL redirects too many times")


async def _pin(url: str, allow_private: bool) -> tuple[str, str]:
    """The URL with its host replaced by the address it resolves to (checked to be public), and the Host
    header to send. Connecting to the checked address, with the real name for Host and TLS, means a DNS
    answer that changes between the check and the connection cannot lead inside."""
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port or default_port
    except ValueError:
        port = 0
    if parts.scheme not in ("http", "https") or not parts.hostname or not port:
        raise ApiError(Code.URL_REFUSED, "only http and https URLs can be uploaded")
    try:
        found = await anyio.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError:
        raise ApiError(Code.URL_REFUSED, "the URL's host name does not resolve") from None
    addresses = [str(info[4][0]) for info in found]
    if not allow_private and not all(is_public(address) for address in addresses):
        raise ApiError(Code.URL_REFUSED, "the URL points to a private or local address")
    address, name = (f"[{a}]" if ":" in a else a for a in (addresses[0], parts.hostname))
    host = name if port == default_port else f"{name}:{port}"
    return urlunsplit(parts._replace(netloc=f"{address}:{port}")), host


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to, in the forms that route or translate to IPv4: mapped
    (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`), 6to4 (`2002:aabb:ccdd::`) and
    Teredo (its client address)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """Whether a resolved address is a public unicast one; an IPv6 form that leads to an IPv4 address is
    judged by that address (`[::127.0.0.1]` is loopback, `[64:ff9b::10.0.0.1]` is the private network)."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        ip = embedded_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


async def _save(response: httpx.Response, path: Path, max_bytes: int) -> None:
    too_large = ApiError(Code.TOO_LARGE, f"the file is larger than {max_bytes // MB} MB")
    if int(response.headers.get("content-length") or 0) > max_bytes:
        raise too_large
    written = 0
    with path.open("wb") as out:
        async for chunk in response.aiter_bytes():
            written += len(chunk)
            if written > max_bytes:
                raise too_large
            out.write(chunk)


def display_name(name: str) -> str:
    """A client-supplied file name made safe to show and store: no folders, no control characters."""
    name = "".join(ch for ch in name.replace("\\", "/").rsplit("/", 1)[-1] if ch.isprintable())
    return name[:200] or "upload"
