"""Message files of private-mode account mapping.

Every file the two sides exchange (``request.bin``, ``response.bin``) and the client's
local state file has the same layout::

    b"AMITY-PSI\\n"                 magic line
    4 bytes, big-endian            length of the header
    header                         UTF-8 JSON, keys sorted
    payload                        the serialized protobuf messages, back to back

The header names the protocol, its version, the kind of message, the session it belongs
to, the counts the receiver needs and ``blob_sizes`` (how to split the payload), plus
``sha256``: a digest of the header (without the digest) and the payload. A file whose
magic, protocol, version, kind, framing or digest does not match is refused with a
``ProtocolError`` that says what is wrong. The digest detects damage and tampering in
transit; it is not a signature — authenticity comes from the channel the file travels on.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"AMITY-PSI\n"
PROTOCOL = "amity-psi-ecdh"
VERSION = 1
REQUEST = "request"
RESPONSE = "response"
CLIENT_STATE = "client-state"
KINDS = (REQUEST, RESPONSE, CLIENT_STATE)
MAX_HEADER = 64 * 1024 * 1024
_LENGTH = struct.Struct(">I")


class ProtocolError(ValueError):
    """A message file that cannot be used: damaged, tampered with, of another version or kind."""


@dataclass(frozen=True)
class Message:
    """A decoded message: its header (dict) and its payload split into blobs."""

    header: dict
    blobs: list[bytes]

    def __str__(self) -> str:
        return f"{self.header.get('kind')} message {self.header.get('session')}"

    @property
    def kind(self) -> str:
        return self.header["kind"]


def _digest(header: dict, payload: bytes) -> str:
    body = {key: value for key, value in header.items() if key != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical + b"\0" + payload).hexdigest()


def encode(kind: str, fields: dict, blobs: list[bytes] | tuple[bytes, ...] = ()) -> bytes:
    """Bytes of a message of ``kind`` with the header ``fields`` and the payload ``blobs``."""
    if kind not in KINDS:
        raise ValueError(f"kind: unknown message kind {kind!r}")
    blobs = [bytes(blob) for blob in blobs]
    header = {
        **fields,
        "protocol": PROTOCOL,
        "version": VERSION,
        "kind": kind,
        "blob_sizes": [len(blob) for blob in blobs],
    }
    payload = b"".join(blobs)
    header["sha256"] = _digest(header, payload)
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes + payload


def decode(data: bytes, *, kind: str) -> Message:
    """The message in ``data``, checked to be an intact ``kind`` message of this protocol version."""
    label = f"{kind} file"
    if not data.startswith(MAGIC):
        raise ProtocolError(f"{label}: not an Amity account-mapping message (bad magic)")
    start = len(MAGIC) + _LENGTH.size
    if len(data) < start:
        raise ProtocolError(f"{label}: truncated header")
    (size,) = _LENGTH.unpack_from(data, len(MAGIC))
    if size > MAX_HEADER or len(data) < start + size:
        raise ProtocolError(f"{label}: truncated header")
    try:
        header = json.loads(data[start : start + size].decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError(f"{label}: the header is not valid JSON") from None
    if not isinstance(header, dict):
        raise ProtocolError(f"{label}: the header is not a JSON object")
    if header.get("protocol") != PROTOCOL:
        raise ProtocolError(f"{label}: protocol {header.get('protocol')!r} is not {PROTOCOL!r}")
    if header.get("version") != VERSION:
        raise ProtocolError(
            f"{label}: protocol version {header.get('version')!r} is not supported "
            f"(this Amity speaks version {VERSION})"
        )
    if header.get("kind") != kind:
        raise ProtocolError(f"{label}: expected a {kind} message, got {header.get('kind')!r}")
    payload = data[start + size :]
    sizes = header.get("blob_sizes")
    if (
        not isinstance(sizes, list)
        or not all(isinstance(n, int) and n >= 0 for n in sizes)
        or sum(sizes) != len(payload)
    ):
        raise ProtocolError(f"{label}: the payload does not match its header (truncated or altered)")
    if header.get("sha256") != _digest(header, payload):
        raise ProtocolError(f"{label}: checksum mismatch — the file was altered or damaged in transit")
    blobs, offset = [], 0
    for n in sizes:
        blobs.append(payload[offset : offset + n])
        offset += n
    return Message(header=header, blobs=blobs)


def write(path: str | os.PathLike, data: bytes, *, private: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + rename); ``private`` makes it 0600."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(tmp, flags, 0o600 if private else 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read(path: str | os.PathLike, *, kind: str) -> Message:
    """The ``kind`` message in the file at ``path`` (``ProtocolError`` if unusable)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ProtocolError(f"{kind} file: cannot read {path}: {exc.strerror}") from None
    return decode(data, kind=kind)
