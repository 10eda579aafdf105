"""CNF / telco adapters: PTP synchronisation, SR-IOV, DPDK data-plane counters and telco workload discovery.

Build a :class:`CnfService` over the shared :class:`~tools.prometheus.MetricsService` and
:class:`~tools.targets.HttpClientPool`; PTP and DPDK read Prometheus, SR-IOV and workloads read the Kubernetes API
(read-only, allow-listed resources only).
"""

from tools.cnf.ptp import clock_class_meaning, decode_role, decode_state
from tools.cnf.results import (
    CnfWorkload,
    DpdkFamily,
    DpdkStatsResult,
    PtpProcessStatus,
    PtpStatusResult,
    SriovNode,
    SriovResource,
    SriovStatusResult,
    WorkloadsResult,
)
from tools.cnf.service import CnfService

__all__ = [
    "CnfService",
    "CnfWorkload",
    "DpdkFamily",
    "DpdkStatsResult",
    "PtpProcessStatus",
    "PtpStatusResult",
    "SriovNode",
    "SriovResource",
    "SriovStatusResult",
    "WorkloadsResult",
    "clock_class_meaning",
    "decode_role",
    "decode_state",
]
