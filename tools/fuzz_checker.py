"""Long fuzz run of ``symconv check`` (issue 8): random solutions from tests/fuzz_documents.py
(grammar pieces, mutations, random bytes) through the checker; every input must yield a Report or
a typed SymconvError. Prints progress, the number of inputs, crashes (any other exception; the
first few inputs are saved to --crash-dir) and the max/mean time per input.

    python tools/fuzz_checker.py --inputs 100000 --seed 0

Input i is ``random_document(random.Random(f"{seed}:{i}"))``, so a crash is replayed from its
number alone (``--start i --inputs 1``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symconv.check.limits import Limits  # noqa: E402
from symconv.check.model import Report  # noqa: E402
from symconv.check.runner import check_text  # noqa: E402
from symconv.errors import SymconvError  # noqa: E402
from tests.fuzz_documents import random_document  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--time-limit", type=float, default=0.05, help="seconds per claim")
    parser.add_argument("--file-time-limit", type=float, default=0.25, help="seconds per file")
    parser.add_argument("--max-bytes", type=int, default=100_000)
    parser.add_argument("--crash-dir", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--save", type=int, default=5, help="crashing inputs to save")
    parser.add_argument("--progress", type=int, default=1000, help="report every N inputs")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop after this long")
    args = parser.parse_args(argv)
    limits = Limits(args.time_limit, args.file_time_limit, args.max_bytes)

    crashes = reports = errors = 0
    max_seconds = total_seconds = 0.0
    slowest = -1
    kinds: dict[str, int] = {}
    started = time.perf_counter()
    done = 0
    for index in range(args.start, args.start + args.inputs):
        if args.max_seconds is not None and time.perf_counter() - started > args.max_seconds:
            print(f"stopped after {args.max_seconds:g} s of wall time", flush=True)
            break
        text = random_document(random.Random(f"{args.seed}:{index}"))
        begin = time.perf_counter()
        try:
            result = check_text(text, name=f"fuzz-{index}.md", limits=limits)
            if not isinstance(result, Report):
                raise TypeError(f"check_text returned {type(result).__name__}, not a Report")
            reports += 1
        except SymconvError:
            errors += 1
        except Exception as exc:  # a crash: anything but the typed error family
            crashes += 1
            kind = f"{type(exc).__name__}: {str(exc)[:80]}"
            kinds[kind] = kinds.get(kind, 0) + 1
            if crashes <= args.save:
                args.crash_dir.mkdir(parents=True, exist_ok=True)
                (args.crash_dir / f"crash-{args.seed}-{index}.md").write_text(
                    text, encoding="utf-8", errors="surrogatepass"
                )
                (args.crash_dir / f"crash-{args.seed}-{index}.txt").write_text(
                    traceback.format_exc(), encoding="utf-8"
                )
        seconds = time.perf_counter() - begin
        total_seconds += seconds
        if seconds > max_seconds:
            max_seconds, slowest = seconds, index
        done += 1
        if done % args.progress == 0:
            print(
                f"{done:>7} inputs  {crashes} crashes  max {max_seconds:.3f} s  "
                f"(input {slowest})  mean {total_seconds / done * 1000:.1f} ms  "
                f"elapsed {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    print(f"inputs: {done} (seed {args.seed}, indices {args.start}..{args.start + done - 1})")
    print(f"reports: {reports}  typed SymconvError: {errors}  crashes: {crashes}")
    for kind, count in sorted(kinds.items(), key=lambda item: -item[1]):
        print(f"  {count:>6} × {kind}")
    if crashes:
        print(f"first {min(crashes, args.save)} crashing inputs saved to {args.crash_dir}/")
    mean_ms = total_seconds / max(done, 1) * 1000
    print(f"time per input: max {max_seconds:.3f} s (input {slowest}), mean {mean_ms:.1f} ms")
    print(f"limits: {args.time_limit} s per claim, {args.file_time_limit} s per file")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
