"""Just enough of a PDF reader to get the words back out of a PDF, for tests: the PDFs that
fpdf2 writes (family copy, compressed or not, Unicode or Helvetica) and the ones Chromium prints
(`page.pdf()`). Text shown with Tj/TJ is decoded through each font's ToUnicode map (two-byte
codes for Type0 fonts, one byte otherwise; Latin-1 when a font has no map).

Words may be split or run together differently from the page, so compare with `squash` (all
white space removed) rather than sentence by sentence."""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_STREAM = re.compile(rb"stream\r?\n")
_REF = rb"(\d+)\s+\d+\s+R"


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object's dictionary text and (decompressed) stream, by object number."""
    found: dict[int, tuple[bytes, bytes | None]] = {}
    position = 0
    while match := _OBJECT.search(data, position):
        number, body = int(match.group(1)), match.group(3)
        stream_at = _STREAM.search(body)
        if stream_at is None:
            found[number] = (body, None)
            position = match.end()
            continue
        head = body[: stream_at.start()]
        start = match.start(3) + stream_at.end()
        length = re.search(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)", head)
        end = start + int(length.group(1)) if length else data.index(b"endstream", start)
        raw = data[start:end]
        if b"/FlateDecode" in head:
            raw = zlib.decompressobj().decompress(raw)
        found[number] = (head, raw)
        position = data.index(b"endobj", end) + len(b"endobj")
    return found


def _hex_codes(text: bytes) -> bytes:
    digits = re.sub(rb"\s", b"", text)
    if len(digits) % 2:
        digits += b"0"
    return bytes.fromhex(digits.decode())


def _cmap(stream: bytes) -> dict[int, str]:
    """A ToUnicode CMap: code -> text (bfchar entries and bfrange runs)."""
    mapping: dict[int, str] = {}

    def text(hexdigits: bytes) -> str:
        return _hex_codes(hexdigits).decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = text(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for first, last, rest in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block
        ):
            low, high = int(first, 16), int(last, 16)
            if rest.startswith(b"["):
                values = re.findall(rb"<([0-9A-Fa-f]*)>", rest)
                for offset, value in enumerate(values[: high - low + 1]):
                    mapping[low + offset] = text(value)
            else:
                start = _hex_codes(rest[1:-1])
                base = int.from_bytes(start, "big")
                for offset in range(high - low + 1):
                    mapping[low + offset] = (
                        (base + offset).to_bytes(len(start), "big").decode("utf-16-be", "replace")
                    )
    return mapping


class _Font:
    def __init__(self, two_byte: bool, cmap: dict[int, str] | None) -> None:
        self.two_byte = two_byte
        self.cmap = cmap

    def decode(self, codes: bytes) -> str:
        if self.two_byte:
            numbers = [int.from_bytes(codes[i : i + 2], "big") for i in range(0, len(codes), 2)]
        else:
            numbers = list(codes)
        if self.cmap is None:
            return "".join(chr(n) for n in numbers)
        return "".join(self.cmap.get(n, "") for n in numbers)


def _literal(text: bytes) -> bytes:
    """The bytes of a PDF literal string's inside, escapes undone."""
    out = bytearray()
    i = 0
    while i < len(text):
        byte = text[i]
        if byte != 0x5C:  # backslash
            out.append(byte)
            i += 1
            continue
        i += 1
        if i >= len(text):
            break
        escaped = text[i : i + 1]
        octal = re.match(rb"[0-7]{1,3}", text[i : i + 3])
        if octal:
            out.append(int(octal.group(0), 8) & 0xFF)
            i += len(octal.group(0))
            continue
        out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(
            escaped, escaped if escaped not in (b"\n", b"\r") else b""
        )
        i += 1
    return bytes(out)


_TOKEN = re.compile(
    rb"\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\)"  # literal string (one level of nesting)
    rb"|<[0-9A-Fa-f\s]*>"  # hex string
    rb"|/[^\s/\[\]()<>{}%]+"  # name
    rb"|\[|\]"
    rb"|[A-Za-z'\"*]+"  # operator
    rb"|-?[0-9.]+",  # number
    re.S,
)


def _show(content: bytes, fonts: dict[bytes, _Font]) -> list[str]:
    pieces: list[str] = []
    font = _Font(False, None)
    operands: list[bytes] = []
    for token in _TOKEN.findall(content):
        if token in (b"[", b"]") or token[:1] in b"(</-0123456789.":
            operands.append(token)
            continue
        if token == b"Tf" and len(operands) >= 2:
            font = fonts.get(operands[-2].lstrip(b"/"), _Font(False, None))
        elif token in (b"Tj", b"TJ", b"'", b'"'):
            line = []
            for operand in operands:
                if operand.startswith(b"("):
                    line.append(font.decode(_literal(operand[1:-1])))
                elif operand.startswith(b"<"):
                    line.append(font.decode(_hex_codes(operand[1:-1])))
            pieces.append("".join(line))
        elif token in (b"ET", b"Td", b"TD", b"T*", b"Tm"):
            pieces.append("\n")
        operands = []
    return pieces


def _dict_entry(head: bytes, key: bytes) -> bytes | None:
    """The value of /key in a dictionary: an inline << >> dictionary, a reference or a name."""
    at = re.search(rb"/" + key + rb"\s*", head)
    if at is None:
        return None
    rest = head[at.end() :]
    if rest.startswith(b"<<"):
        depth, i = 0, 0
        while i < len(rest):
            if rest.startswith(b"<<", i):
                depth, i = depth + 1, i + 2
            elif rest.startswith(b">>", i):
                depth, i = depth - 1, i + 2
                if depth == 0:
                    return rest[:i]
            else:
                i += 1
        return rest
    ref = re.match(_REF, rest)
    if ref:
        return ref.group(0)
    return rest.split(None, 1)[0] if rest.strip() else None


def _resolve(value: bytes | None, objects: dict[int, tuple[bytes, bytes | None]]) -> bytes:
    if value is None:
        return b""
    ref = re.fullmatch(_REF, value.strip())
    if ref:
        return objects.get(int(ref.group(1)), (b"", None))[0]
    return value


def _fonts(resources: bytes, objects: dict[int, tuple[bytes, bytes | None]]) -> dict[bytes, _Font]:
    fonts: dict[bytes, _Font] = {}
    font_dict = _resolve(_dict_entry(resources, b"Font"), objects)
    for name, number in re.findall(rb"/([^\s/<>\[\]]+)\s+" + _REF, font_dict):
        head = objects.get(int(number), (b"", None))[0]
        to_unicode = re.search(rb"/ToUnicode\s+" + _REF, head)
        cmap = None
        if to_unicode:
            stream = objects.get(int(to_unicode.group(1)), (b"", None))[1]
            cmap = _cmap(stream or b"")
        fonts[name] = _Font(b"/Type0" in head, cmap)
    return fonts


def pdf_text(data: bytes) -> str:
    """The text shown on every page, in content-stream order."""
    objects = _objects(data)
    pieces: list[str] = []
    for head, _stream in objects.values():
        if not re.search(rb"/Type\s*/Page(?!s)\b", head):
            continue
        fonts = _fonts(_resolve(_dict_entry(head, b"Resources"), objects), objects)
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|" + _REF + rb")", head)
        for number in re.findall(_REF, contents.group(1) if contents else b""):
            stream = objects.get(int(number), (b"", None))[1]
            if stream:
                pieces.extend(_show(stream, fonts))
    return "".join(pieces)


def squash(text: str) -> str:
    """Text without any white space, to compare words however the PDF laid them out."""
    return re.sub(r"\s+", "", text)
