"""Benchmark ``rebuild_folder`` against reading and parsing the same files.

Run on demand, never as a test::

    .venv/bin/python bench/bench_rebuild_folder.py [N ...]   # default N=10000

For each N it writes N ``.eml`` files (plain, multipart/alternative, with an
attachment, non-ASCII headers; 1-6 KiB) into a folder of a temporary store,
times a baseline that only reads and parses them with ``BytesParser``, then
times ``rebuild_folder`` on them. A second, traced run on fresh copies gives
the peak of Python allocations (tracemalloc) of each. Targets: rebuild within
2x of the baseline; peak memory that does not grow with message bytes.
"""

import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path

from core.mailstore import create_folder, locate_user_dir, rebuild_folder

DEFAULT_COUNT = 10_000
MIB = 1024 * 1024


def build_message(n: int, rng: random.Random) -> bytes:
    message = EmailMessage()
    message["From"] = f"Sender {n} <sender{n}@example.com>"
    message["To"] = "bench@example.com"
    message["Subject"] = f"Message {n} — Grüße" if n % 3 == 0 else f"Message {n}"
    message["Date"] = formatdate(1_700_000_000 + n)
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content("Some words of text.\n" * rng.randint(20, 150))
    if n % 4 == 1:
        message.add_alternative(
            "<p>Some words.</p>\n" * rng.randint(20, 100), subtype="html"
        )
    elif n % 4 == 2:
        message.add_attachment(
            rng.randbytes(2048), maintype="application", subtype="pdf"
        )
    return message.as_bytes()


def write_files(folder: Path, count: int) -> list[Path]:
    rng = random.Random(count)
    paths = [folder / f"{n:06}.eml" for n in range(count)]
    for n, path in enumerate(paths):
        path.write_bytes(build_message(n, rng))
    return paths


def parse_only(paths: list[Path]) -> None:
    parser = BytesParser(policy=policy.default)
    for path in paths:
        parser.parsebytes(path.read_bytes())


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def traced_peak(action: Callable[[], object]) -> float:
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / MIB


def measure(count: int, workdir: Path) -> dict[str, float]:
    user_dir = locate_user_dir(workdir, f"user{count}")
    create_folder(user_dir, "Inbox")
    timed_folder = create_folder(user_dir, "Timed")
    paths = write_files(timed_folder, count)
    megabytes = sum(path.stat().st_size for path in paths) / MIB

    parse_only(paths)  # warm the page cache for both contenders
    baseline = timed(lambda: parse_only(paths))
    rebuild = timed(lambda: rebuild_folder(user_dir, "Timed"))

    traced_paths = write_files(create_folder(user_dir, "Traced"), count)
    baseline_peak = traced_peak(lambda: parse_only(traced_paths))
    rebuild_peak = traced_peak(lambda: rebuild_folder(user_dir, "Traced"))
    return {
        "files": count,
        "MiB": megabytes,
        "baseline s": baseline,
        "rebuild s": rebuild,
        "ratio": rebuild / baseline,
        "baseline peak MiB": baseline_peak,
        "rebuild peak MiB": rebuild_peak,
    }


def main(argv: list[str]) -> None:
    counts = [int(arg) for arg in argv] or [DEFAULT_COUNT]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            rows.append(measure(count, Path(tmp)))

    header = list(rows[0])
    print(" | ".join(f"{name:>17}" for name in header))
    for row in rows:
        print(" | ".join(f"{row[name]:>17.3f}" for name in header))
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {max_rss:.1f} MiB; target ratio <= 2.0")


if __name__ == "__main__":
    main(sys.argv[1:])
