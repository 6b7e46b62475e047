"""Run the benchmarks: ``python -m bench [NAME ...]`` (``make bench``).

Every ``bench/bench_<name>.py`` that defines ``main`` is a benchmark; with
no names all of them run, one after the other, otherwise those named
(``python -m bench domains``). ``main`` is called with an empty argument
list when it takes one, so each module's own defaults apply.
"""

import importlib
import inspect
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> dict[str, str]:
    """Benchmark names and their module names, in alphabetical order."""
    return {
        path.stem.removeprefix("bench_"): f"bench.{path.stem}"
        for path in sorted(HERE.glob("bench_*.py"))
    }


def run_one(name: str, module_name: str) -> bool:
    module = importlib.import_module(module_name)
    entry = getattr(module, "main", None)
    if not callable(entry):
        return False
    print(f"== {name} ==", flush=True)
    started = time.perf_counter()
    if inspect.signature(entry).parameters:
        entry([])
    else:
        entry()
    print(f"== {name} done in {time.perf_counter() - started:.1f} s ==\n", flush=True)
    return True


def main(argv: list[str]) -> int:
    found = discover()
    unknown = [name for name in argv if name not in found]
    if unknown:
        print(f"Unknown benchmarks: {', '.join(unknown)}; known: {', '.join(found)}")
        return 2
    for name in argv or list(found):
        run_one(name, found[name])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
