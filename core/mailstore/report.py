"""What a restore reports: per folder, the files taken in and those skipped."""

from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, int], None]
"""Called after each ``.eml`` file with (files done, files in total)."""


@dataclass(frozen=True)
class SkippedFile:
    """A file left in place: its path from the folder's directory and why.

    ``code`` is stable (``NOT_MAIL`` codes such as ``BINARY`` or
    ``TRUNCATED``, or ``UNREADABLE``); ``reason`` is for people.
    """

    path: str
    code: str
    reason: str


@dataclass
class FolderReport:
    """What a restore did to one folder.

    ``indexed`` counts messages already on disk that had no UID yet,
    ``imported`` the ``.eml`` files taken in, ``messages`` the folder's
    messages afterwards.
    """

    folder_path: str
    uid_validity: int = 0
    indexed: int = 0
    imported: int = 0
    messages: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)


@dataclass
class RebuildReport:
    """What a restore did, folder by folder."""

    folders: list[FolderReport]

    @property
    def imported(self) -> int:
        return sum(folder.imported for folder in self.folders)

    @property
    def skipped(self) -> list[SkippedFile]:
        return [file for folder in self.folders for file in folder.skipped]


class ProgressCounter:
    """Counts files done and tells ``progress`` after each one."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)
