"""Rebuild ``lexicon.parquet`` from lemminflect and wordfreq (dev dependencies):
``python -m transforms.enrichment.build_lexicon``.

The table holds, for every word either library knows, which parts of speech lemminflect lists
for it and its wordfreq Zipf frequency. A run joins its distinct tokens to it; the libraries
themselves answer one word per Python call, several microseconds each, which on a year of
abstracts (about 100,000 distinct tokens) costs more than the whole key-phrase budget.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

LEXICON = Path(__file__).with_name("lexicon.parquet")


def build() -> pl.DataFrame:
    from lemminflect import Lemmatizer
    from wordfreq import get_frequency_dict, zipf_frequency

    lemmatizer = Lemmatizer()
    words = set(lemmatizer._getLemmaDict()) | set(get_frequency_dict("en"))
    rows = []
    for w in sorted(x for x in words if x.isascii() and x[:1].isalpha() and x == x.lower()):
        lemmas = lemmatizer.getAllLemmas(w)
        rows.append(
            (
                w,
                "NOUN" in lemmas or "PROPN" in lemmas,
                "ADJ" in lemmas,
                "VERB" in lemmas,
                bool(lemmas),
                zipf_frequency(w, "en"),
            )
        )
    schema = {
        "w": pl.String,
        "noun": pl.Boolean,
        "adj": pl.Boolean,
        "verb": pl.Boolean,
        "known": pl.Boolean,
        "zipf": pl.Float32,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def main() -> int:
    table = build()
    table.write_parquet(LEXICON, compression="zstd", compression_level=19, statistics=False)
    print(f"wrote {LEXICON}: {table.height} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
