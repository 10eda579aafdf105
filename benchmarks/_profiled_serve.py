"""``aiops`` under cProfile: ``python -m benchmarks._profiled_serve OUT.prof serve --data-dir D --port P``.

Used by ``benchmarks.tool_overhead --profile``; the stats are written when the server stops (SIGINT).
"""

from __future__ import annotations

import cProfile
import sys

from servers.cli.app import main as aiops_main


def main() -> None:
    """Run the aiops CLI with the arguments after the output path, profiling the main thread."""
    out, args = sys.argv[1], sys.argv[2:]
    sys.argv = ["aiops", *args]
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        aiops_main()
    except SystemExit:
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
