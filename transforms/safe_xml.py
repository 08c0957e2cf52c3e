"""XML parsing that refuses entity expansion, external entities and DTD tricks (defusedxml)."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError
from xml.etree.ElementTree import fromstring as _c_fromstring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from transforms.digest_records import ParseError

# what defusedxml refuses (entity declarations, external entities) needs a DTD. A document
# without one in any ASCII-compatible encoding goes to ElementTree's C parser: defusedxml's
# parser is the pure-Python one, about twice as slow
_MAYBE_DTD = re.compile(rb"<!(?i:doctype|entity)")


def _plain(data: bytes) -> bool:
    # NUL bytes in the head: UTF-16/32 without a BOM, where the DTD scan sees no ASCII
    return b"\x00" not in data[:4] and _MAYBE_DTD.search(data) is None


def parse_xml(data: bytes) -> Element:
    try:
        if _plain(data):
            return _c_fromstring(data)
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as e:
        raise ParseError(
            f"unsafe XML refused ({type(e).__name__}): entity declarations and DTDs are not allowed",
            locator="file",
        ) from None
    except XMLSyntaxError as e:
        line, col = getattr(e, "position", (0, 0))
        raise ParseError(
            f"malformed or truncated XML: {e.msg if hasattr(e, 'msg') else e} (line {line}, column {col})",
            locator=f"line:{line}:{col}",
        ) from None


def text_of(el: Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    return el.text
