"""XML parsing that refuses entity expansion, external entities and DTD tricks (defusedxml)."""

from __future__ import annotations

from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from transforms.records import ParseError


def parse_xml(data: bytes) -> Element:
    try:
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
