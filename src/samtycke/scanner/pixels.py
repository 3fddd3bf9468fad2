"""Recognise tracking pixels by the size written in the image header."""

from __future__ import annotations

import struct


def image_size(body: bytes) -> tuple[int, int] | None:
    """Width and height of a GIF, PNG or WebP (VP8L/VP8X) image, or ``None``."""
    if body[:6] in (b"GIF87a", b"GIF89a") and len(body) >= 10:
        w, h = struct.unpack("<HH", body[6:10])
        return int(w), int(h)
    if body[:8] == b"\x89PNG\r\n\x1a\n" and len(body) >= 24:
        w, h = struct.unpack(">II", body[16:24])
        return int(w), int(h)
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP" and len(body) >= 30:
        chunk = body[12:16]
        if chunk == b"VP8L":
            bits = int.from_bytes(body[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X":
            w = int.from_bytes(body[24:27], "little") + 1
            h = int.from_bytes(body[27:30], "little") + 1
            return w, h
    return None
