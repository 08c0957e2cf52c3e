from __future__ import annotations

from pathlib import Path

from warehouse.datadict import BEGIN, END, splice

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_data_dictionary_is_generated_from_the_contracts() -> None:
    text = README.read_text()
    assert BEGIN in text and END in text
    assert splice(text) == text, "run: .venv/bin/python -m warehouse.datadict --write README.md"
