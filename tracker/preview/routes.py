"""Which file a preview request names, what type it is, and whether it may be read."""

from __future__ import annotations

import ipaddress
import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

_TYPES = {".xml": "application/xml", ".json": "application/json", ".csv": "text/csv",
          ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
          ".html": "text/html", ".txt": "text/plain", ".pdf": "application/pdf",
          ".wasm": "application/wasm"}


def split_target(request_path: str) -> tuple[str, str]:
    """The path and query of a request target, as sent (no host is ever read from it)."""
    path, _, query = request_path.partition("#")[0].partition("?")
    return path, query


def output_path(request_path: str) -> str | None:
    """The output file a request path names (`/` → index.html, `/a/` → a/index.html), or None
    when it is not a plain path inside the site (`..`, `.`, empty parts, backslash, NUL)."""
    path = unquote(split_target(request_path)[0], errors="replace")
    if not path.startswith("/") or "\\" in path or "\0" in path:
        return None
    parts = path.split("/")[1:]
    if any(part in (".", "..") for part in parts) or any(not part for part in parts[:-1]):
        return None
    rel = "/".join(parts)
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


def content_type(path: str) -> str:
    """The Content-Type header for an output path (text in UTF-8)."""
    suffix = Path(path).suffix.lower()
    kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind in ("application/json", "application/xml",
                                                   "image/svg+xml", "text/javascript")
    return kind + "; charset=utf-8" if textual else kind


def stamp(path: Path) -> tuple[int, int]:
    """Size and modification time: what tells a copied file is out of date."""
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def inside(path: Path, folders: Iterable[Path]) -> Path | None:
    """`path` resolved (symlinks followed), when it is a file inside one of `folders`."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if real.is_file() and any(real.is_relative_to(f.resolve()) for f in folders):
        return real
    return None


LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")


def host_allowed(header: str | None, listening: str, port: int) -> bool:
    """Whether a request's Host header names this preview: 127.0.0.1, localhost, [::1] or
    the address it listens on, with its port. A page on another site that a browser was
    tricked into sending here (DNS rebinding) names that site instead, and is refused.
    Listening on every address, any address written as numbers is accepted too: only a
    name can be rebound. A request with no Host at all (HTTP/1.0, a tool, never a browser)
    is answered."""
    if header is None:
        return True
    name, colon, given = header.strip().lower().rpartition(":")
    if not colon or name.endswith(":") or not given.isdigit():  # no port, or a bare IPv6
        name, given = header.strip().lower(), "80"
    if int(given) != port:
        return False
    own = f"[{listening}]" if ":" in listening else listening
    if name in LOCAL_NAMES or name == own.lower():
        return True
    if listening in WILDCARDS:
        try:
            ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
        except ValueError:
            return False
        return True
    return False
