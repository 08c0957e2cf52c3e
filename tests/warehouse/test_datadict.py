from __future__ import annotations

from pathlib import Path

from warehouse.datadict import BEGIN, END, splice

DICTIONARY = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


def test_the_data_dictionary_is_generated_from_the_contracts() -> None:
    text = DICTIONARY.read_text()
    assert BEGIN in text
    assert END in text
    assert splice(text) == text, (
        "run: .venv/bin/python -m warehouse.datadict --write docs/data-dictionary.md"
    )
