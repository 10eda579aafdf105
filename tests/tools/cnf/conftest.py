"""Fixtures of the CNF adapter tests: real Prometheus servers with known PTP/DPDK data, and an empty one."""

from tests.tools.cnf.prometheus_ptp import empty_prometheus, ptp_prometheus

__all__ = ["empty_prometheus", "ptp_prometheus"]
