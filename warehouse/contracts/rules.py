"""Text rules shared by the record screening (transforms) and the gate's last-line check."""

from __future__ import annotations

# an HTML tag or entity left in a title means a parser let markup through
TITLE_MARKUP = r"<[A-Za-z/!][^>]*>|&(?:[a-z]+|#\d+);"
# UTF-8 read as Latin-1/cp1252 ("Ã©", "â€™") or a replacement character
TITLE_MOJIBAKE = r"Ã[\x80-\xbf]|Â[\x80-\xbf\s]|â€|\x{FFFD}"
TITLE_MAX_CHARS = 600
