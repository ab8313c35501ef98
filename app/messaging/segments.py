"""How many SMS parts a text costs, counted as Twilio's message-segment-calculator counts them.

A text is GSM-7 when every character is in the GSM-7 alphabet: 160 septets
alone, 153 per part when split, an escape character taking two. Otherwise
it is UCS-2: 70 UTF-16 code units alone, 67 per part. A character never
straddles two parts: not an escape pair, not a surrogate pair, not a whole
emoji sequence or a letter with its accents. Twilio's Smart Encoding is
off, so nothing is replaced before counting.
"""

from __future__ import annotations

import unicodedata

GSM7 = "GSM-7"
UCS2 = "UCS-2"
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")
# (units in a text that is not split, units per part of a split text)
PART_SIZES = {GSM7: (160, 153), UCS2: (70, 67)}

ZERO_WIDTH_JOINER = "\u200d"
# Marks that belong to the character before them although unicodedata files them elsewhere:
# zero-width non-joiner, emoji skin tones and the tag characters of subdivision flags.
EXTENDING = {"\u200c", ZERO_WIDTH_JOINER, *map(chr, range(0x1F3FB, 0x1F400)), *map(chr, range(0xE0020, 0xE0080))}
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
# Letters NFKD leaves whole, and punctuation a name may carry, in their nearest GSM-7 form.
GSM7_LOOKALIKES = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ı": "i",
        "ŀ": "l",
        "Ŀ": "L",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
    }
)


# Characters that are each a grapheme of their own, whatever comes after them ("\r" may join a "\n").
STANDALONE = frozenset(GSM7_BASIC | GSM7_EXTENDED) - {"\r"}


def graphemes(text: str) -> list[str]:
    """The user-perceived characters of `text`: a letter with its accents, a whole emoji sequence, a flag."""
    if STANDALONE.issuperset(text):  # most texts: every character its own grapheme, no need to look closer
        return list(text)
    clusters: list[str] = []
    for char in text:
        if clusters and _extends(clusters[-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _extends(cluster: str, char: str) -> bool:
    """True when `char` continues the grapheme `cluster` rather than starting a new one."""
    last = cluster[-1]
    if last in "\r\n":
        return cluster == "\r" and char == "\n"
    if last == ZERO_WIDTH_JOINER or char in EXTENDING or unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    flags = [ord(c) in REGIONAL_INDICATORS for c in cluster]
    return ord(char) in REGIONAL_INDICATORS and all(flags) and len(flags) % 2 == 1


def is_gsm7(text: str) -> bool:
    return all(g in GSM7_BASIC or g in GSM7_EXTENDED for g in graphemes(text))


def encoding(text: str) -> str:
    return GSM7 if is_gsm7(text) else UCS2


def _units(grapheme: str, text_encoding: str) -> int:
    """Septets in GSM-7, UTF-16 code units in UCS-2."""
    if text_encoding == GSM7:
        return 2 if grapheme in GSM7_EXTENDED else 1
    return len(grapheme.encode("utf-16-le")) // 2


def count_segments(text: str) -> int:
    """Parts the text is split into; a grapheme that does not fit in a part's free space starts the next."""
    text_encoding = encoding(text)
    single, per_part = PART_SIZES[text_encoding]
    sizes = [_units(grapheme, text_encoding) for grapheme in graphemes(text)]
    if sum(sizes) <= single:
        return 1
    parts, free = 1, per_part
    for size in sizes:
        if size > free:
            parts, free = parts + 1, per_part
        free -= size
    return parts


def gsm7_safe(text: str) -> str:
    """`text` (a name, say) in GSM-7: 'Małgorzata' -> 'Malgorzata', 'O’Connor' -> "O'Connor"; the rest dropped."""
    kept = []
    for char in " ".join(text.split()).translate(GSM7_LOOKALIKES):
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            kept.append(char)
        else:
            kept.extend(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC or c in GSM7_EXTENDED)
    return " ".join("".join(kept).split())
