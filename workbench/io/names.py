"""Column names as the analyst typed them (Korean kept), made usable: no blanks, no duplicates."""

from __future__ import annotations

Note = tuple[str, dict]


def clean_name(raw: str | None) -> str:
    """Strip a BOM, surrounding whitespace and stray quotes; inner spaces and Korean stay as they are."""
    name = (raw or "").replace("\ufeff", "").strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    return name


def unique_names(raw: list[str | None]) -> tuple[list[str], tuple[Note, ...]]:
    """Blank names become ``column_<position>`` (1-based); repeats get ``_2``, ``_3`` (``금액``, ``금액_2``).

    Every change is returned as a note ``("io.note.renamed", {"old", "new", "position"})`` so the UI can show
    the user which header was renamed and why.
    """
    cleaned = [clean_name(r) for r in raw]
    taken = {n for n in cleaned if n}
    seen: set[str] = set()
    out: list[str] = []
    notes: list[Note] = []
    for pos, name in enumerate(cleaned, start=1):
        if not name:
            new = f"column_{pos}"
            suffix = 2
            while new in taken or new in seen:
                new = f"column_{pos}_{suffix}"
                suffix += 1
            notes.append(("io.note.blank_name", {"new": new, "position": pos}))
        elif name in seen:
            suffix = 2
            while f"{name}_{suffix}" in seen or f"{name}_{suffix}" in taken:
                suffix += 1
            new = f"{name}_{suffix}"
            notes.append(("io.note.duplicate_name", {"old": name, "new": new, "position": pos}))
        else:
            new = name
        seen.add(new)
        out.append(new)
    return out, tuple(notes)
