"""Generate the PWA icons in frontend/icons/ with the standard library only (zlib + struct).

A white house with a teal door on a teal square; for discreet mode (manifest-discreet), a
neutral "Notes" icon: a white sheet with grey lines on a grey square, nothing of Homeward.
The maskable variants keep the drawing inside the central safe zone (a circle of 40 % of the
size) so launchers can crop it to any shape.
Run: .venv/bin/python scripts/make_icons.py
"""

import struct
import zlib
from pathlib import Path

TEAL = (0x0B, 0x4F, 0x5C)
GREY = (0x5F, 0x63, 0x68)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parents[1] / "frontend" / "icons"
SS = 4  # supersampling per axis for smooth edges


def inside_house(x: float, y: float) -> bool:
    """Unit-square coordinates (0..1); the house fills roughly the middle 70 %."""
    # roof: triangle with apex (0.5, 0.15), base from (0.12, 0.48) to (0.88, 0.48)
    if 0.15 <= y <= 0.48:
        half = (y - 0.15) / (0.48 - 0.15) * 0.38
        if abs(x - 0.5) <= half:
            return True
    # walls
    if 0.22 <= x <= 0.78 and 0.47 <= y <= 0.85:
        # door (left empty, teal)
        return not (0.43 <= x <= 0.57 and 0.62 <= y <= 0.85)
    return False


def inside_notes(x: float, y: float) -> bool:
    """A sheet of paper (x 0.22..0.78, y 0.15..0.85) with four ruled lines in the background."""
    if not (0.22 <= x <= 0.78 and 0.15 <= y <= 0.85):
        return False
    return all(not (0.3 <= x <= 0.7 and top <= y <= top + 0.04) for top in (0.32, 0.45, 0.58, 0.71))


def render(size: int, scale: float, shape=inside_house, bg=TEAL) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0
        for px in range(size):
            hits = 0
            for sy in range(SS):
                for sx in range(SS):
                    # map into the unit square, shrunk around the centre by `scale`
                    x = ((px + (sx + 0.5) / SS) / size - 0.5) / scale + 0.5
                    y = ((py + (sy + 0.5) / SS) / size - 0.5) / scale + 0.5
                    hits += shape(x, y)
            a = hits / (SS * SS)
            row += bytes(round(bg[i] + (WHITE[i] - bg[i]) * a) for i in range(3))
        rows.append(bytes(row))
    return b"".join(rows)


def png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (
            struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, scale, shape, bg in (
        ("icon-192.png", 192, 1.0, inside_house, TEAL),
        ("icon-512.png", 512, 1.0, inside_house, TEAL),
        # house spans ~55 % -> inside the 80 % safe zone
        ("icon-maskable-512.png", 512, 0.72, inside_house, TEAL),
        ("notes-192.png", 192, 1.0, inside_notes, GREY),
        ("notes-512.png", 512, 1.0, inside_notes, GREY),
        ("notes-maskable-512.png", 512, 0.72, inside_notes, GREY),
    ):
        (OUT / name).write_bytes(png(size, render(size, scale, shape, bg)))
        print(name, (OUT / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
