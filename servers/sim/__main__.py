"""`python -m servers.sim`: run the simulated fleet standalone and print its endpoints until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from servers.sim.fleet import SimFleet
from servers.sim.prometheus import PrometheusNotFoundError

__all__ = ["main"]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m servers.sim", description=__doc__)
    parser.add_argument("--work-dir", type=Path, default=None, help="where TSDBs and logs go (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the deterministic metric model")
    parser.add_argument("--history-hours", type=float, default=6.0, help="backfilled history before now")
    parser.add_argument("--scrape-interval", type=int, default=15, help="Prometheus scrape interval, seconds")
    return parser.parse_args(argv)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # stop cleanly under `kill`, as under Ctrl-C


def main(argv: list[str] | None = None) -> int:
    """Start the fleet, print each cluster's endpoints, block until interrupted, then stop everything."""
    args = _parse(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="aiops-sim-"))
    fleet = SimFleet(work_dir, seed=args.seed, history_hours=args.history_hours, scrape_interval_s=args.scrape_interval)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        clusters = fleet.start(progress=lambda msg: print(f"  {msg}", flush=True))
        print(f"\nSimulated fleet is up (anchor {fleet.anchor.isoformat()}, work dir {work_dir}):")
        for c in clusters:
            print(f"  {c.name:<12} {c.type}")
            for kind, url in c.endpoints.items():
                print(f"      {kind:<13} {url}")
        print(f"Started in {fleet.timings['start_total_s']:.1f}s. Press Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except PrometheusNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nstopping...", flush=True)
    finally:
        fleet.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
