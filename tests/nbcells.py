"""Cell constructors shared by the notebook sources (make_notebooks.py and its nb_*.py modules)."""
from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    return new_code_cell(text.strip("\n"))


def code_raises(text: str):
    """A cell whose error is the point: nbclient and `accel run` both honour this tag."""
    cell = code(text)
    cell.metadata["tags"] = ["raises-exception"]
    return cell
