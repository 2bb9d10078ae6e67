"""What an import did: how many of each thing it imported, and what it skipped and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """Counts of imported things and of skipped rows (by reason), and the files read or missing."""

    source: str
    release: str
    imported: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    files_read: list[str] = field(default_factory=list)
    files_missing: list[str] = field(default_factory=list)
    triples: int = 0
    """Distinct triples stored in the release's graph."""
    generated: int = 0
    """Triples the importer generated (repeats included: a repeated triple is stored once)."""
    replaced: str = ""
    """The releases this import replaced, if any."""
    progress: Callable[[str, int], None] | None = None
    """Called with (file name, rows read so far) as files are read; for progress bars."""
    where: str = ""
    """The file and line of the row being imported (``path:line``), for messages about it."""

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` rows skipped for ``reason``."""
        self.skipped[reason] += count

    def lines(self) -> list[str]:
        """The report as lines of text for people."""
        repeats = self.generated - self.triples
        note = f" ({self.generated:,} generated, {repeats:,} of them repeats)" if repeats > 0 else ""
        out = [f"Imported {self.source} {self.release}: {self.triples:,} triples stored{note}."]
        if self.replaced:
            out.append(f"Replaced {self.replaced}.")
        out += [f"  {count:>9,}  {what}" for what, count in sorted(self.imported.items())]
        if self.files_missing:
            out.append("Optional files not in the release (skipped): " + ", ".join(self.files_missing))
        if self.skipped:
            out.append("Skipped:")
            out += [f"  {count:>9,}  {why}" for why, count in sorted(self.skipped.items())]
        return out

    def summary(self) -> str:
        """One line for the store's registry."""
        parts = [f"{count:,} {what}" for what, count in sorted(self.imported.items())]
        skipped = sum(self.skipped.values())
        return "; ".join(parts) + (f"; {skipped:,} rows skipped" if skipped else "")
