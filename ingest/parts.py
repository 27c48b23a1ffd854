"""A plan read from several files: its body and its appendices ("Phụ lục danh mục nhiệm
vụ.xlsx") become one document, body first, each appendix after it as its own section.

Usage example::

    ordered = body_first([(body_path, body), (appendix_path, appendix)])
    document = merge([parsed_body, parsed_appendix])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ingest.facts import attached_to
from ingest.loaders import Line, ParsedDocument

__all__ = ["body_first", "merge"]


def body_first(parsed: Sequence[ParsedDocument]) -> list[int]:
    """The order to read the parts in: papers with a number of their own (or naming no
    paper) first, in the order given, then the appendices that name a paper."""
    return sorted(range(len(parsed)), key=lambda i: (attached_to(parsed[i]) is not None, i))


def merge(parts: Sequence[ParsedDocument]) -> ParsedDocument:
    """One document from its parts in reading order: lines one after another (a blank line
    between parts), tables kept with their place among the lines."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    merged = ParsedDocument(source=first.source, kind=first.kind)
    for part in parts:
        if merged.lines:
            merged.lines.append(Line(""))
        offset = len(merged.lines)
        merged.lines.extend(part.lines)
        merged.tables.extend(replace(t, line=t.line + offset) for t in part.tables)
    return merged
