"""Hostile inputs: truncated, bit-flipped, mis-encoded, deeply nested, entity bombs, markup and
injection attempts; and what the parsing path does to each. The tests and
`make bench-reliability` both run them."""

from __future__ import annotations

import json
import random

from samples import bundled_samples
from samples.items import hf_item
from transforms.digest_records import ParseError
from transforms.screen import screen
from transforms.sniff import parse, sniff
from transforms.text import to_utf8

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
    )
    + b']><feed xmlns="http://www.w3.org/2005/Atom"><title>&i;</title></feed>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>'
)


def process(data: bytes, name: str = "x") -> str:
    """What the pipeline does to one input: 'parsed' or 'quarantined: <reason>'."""
    data = to_utf8(data)
    try:
        digest, _problems = parse(sniff(data), data, name)
        screen(digest)
    except ParseError as e:
        reason = e.reason
    else:
        return "parsed"
    if not reason:
        raise AssertionError(f"{name}: a refusal must say why")
    return f"quarantined: {reason}"


def corpus() -> dict[str, bytes]:
    rng = random.Random(1234)
    good = json.dumps(
        [hf_item(f"2611.0000{i}", f"Paper {i}", "2026-11-20") for i in range(1, 6)]
    ).encode()
    samples = [p.read_bytes() for p in sorted(bundled_samples().iterdir())]
    out: dict[str, bytes] = {}
    for k, s in enumerate([*samples[:3], good]):
        for cut in (1, len(s) // 3, len(s) // 2, len(s) - 1):
            out[f"truncated_{k}_{cut}"] = s[:cut]
        for j in range(3):
            flipped = bytearray(s)
            for _ in range(20):
                pos = rng.randrange(len(flipped))
                flipped[pos] ^= 1 << rng.randrange(8)
            out[f"bitflip_{k}_{j}"] = bytes(flipped)
    text = samples[1].decode()
    out["latin1"] = text.replace("Nov", "Növ").encode("latin-1", errors="replace")
    out["utf16_bom"] = b"\xff\xfe" + text.encode("utf-16-le")
    out["mixed_encodings"] = (
        text[:500].encode() + "café".encode("latin-1") + text[500:].encode("utf-16-le")
    )
    out["nul_bytes"] = good[:50] + b"\x00" * 100 + good[50:]
    out["deep_json"] = b"[" * 200_000 + b"]" * 200_000
    out["deep_json_dicts"] = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
    out["numbers_out_of_range"] = (
        json.dumps([{**hf_item("2611.00001", "Big", "2026-11-20"), "numComments": 10**40}])
        .replace('"upvotes": 5', '"upvotes": 1e400')
        .encode()
    )
    out["xml_bomb"] = BOMB
    out["xml_external_entity"] = XXE
    out["html_with_scripts"] = (
        b"<!doctype html><html><head><script>alert(1)</script></head><body>x</body></html>"
    )
    out["control_chars_title"] = json.dumps(
        [hf_item("2611.00007", "Ti\x07tle\x1b[31m red\x00", "2026-11-20")]
    ).encode()
    out["sql_and_markup"] = json.dumps(
        [
            hf_item(
                "2611.00008",
                "Robert'); DROP TABLE papers;--",
                "2026-11-20",
                summary="<script>x</script> ' OR 1=1 --",
            )
        ]
    ).encode()
    out["markup_title"] = json.dumps(
        [hf_item("2611.00009", "<img src=x onerror=alert(1)>", "2026-11-20")]
    ).encode()
    out["python_repr"] = repr([hf_item("2611.00010", "Repr", "2026-11-20")]).encode()
    out["eval_attempt"] = b"[\"__import__('os').system('touch /tmp/pwned-paperdigest')\"]"
    return out
