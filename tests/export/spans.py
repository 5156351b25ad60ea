"""Offsets of words in a hand-written test text, so fixtures never count characters by hand."""
from historiograph import model


def span_at(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention_at(text: str, needle: str, occurrence: int = 1) -> model.Mention:
    return model.Mention(*span_at(text, needle, occurrence), needle)
