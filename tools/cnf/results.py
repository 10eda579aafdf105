"""Result models of the CNF / telco tools; each subclasses :class:`tools.contract.ToolResult`."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.contract import ToolResult

__all__ = [
    "CnfWorkload",
    "DpdkFamily",
    "DpdkSample",
    "DpdkStatsResult",
    "PtpOffset",
    "PtpProcessStatus",
    "PtpStatusResult",
    "PtpTransition",
    "SriovAttachment",
    "SriovInterface",
    "SriovNode",
    "SriovResource",
    "SriovStatusResult",
    "WorkloadsResult",
]


class PtpTransition(BaseModel):
    """One clock-state change."""

    time: str = Field(description="RFC3339 time of the first sample in the new state (accurate to one step).")
    from_state: str
    to_state: str


class PtpOffset(BaseModel):
    """|offset| statistics in nanoseconds over the window, against the threshold."""

    samples: int
    min_abs_ns: float
    max_abs_ns: float
    mean_abs_ns: float
    p95_abs_ns: float
    last_ns: float = Field(description="Last signed offset.")
    out_of_bounds_share: float = Field(description="Share (0..1) of samples with |offset| > threshold_ns.")
    first_out_of_bounds: str | None = Field(default=None, description="RFC3339 time of the first such sample.")


class PtpProcessStatus(BaseModel):
    """One (node, interface, process) of linuxptp-daemon: state now, how long, changes, offset, clock class."""

    cluster: str
    node: str
    iface: str
    process: str = Field(description="ptp4l, phc2sys, ts2phc, gnss, dpll or the composite T-GM/T-BC.")
    state: str = Field(description="FREERUN, LOCKED or HOLDOVER at the end of the window.")
    state_since: str | None = Field(
        default=None, description="RFC3339 time it entered that state; omitted when unchanged for the whole window."
    )
    in_state_s: float = Field(description="Seconds in the current state (at least; the window bounds it).")
    transitions: list[PtpTransition] = Field(default_factory=list, description="State changes, oldest first.")
    holdover_entered_at: str | None = Field(default=None, description="Last time the state became HOLDOVER.")
    offset: PtpOffset | None = Field(default=None, description="Offset statistics (processes that report one).")
    offset_ok: bool | None = Field(default=None, description="True when no sample exceeded threshold_ns.")
    clock_class: int | None = Field(default=None, description="Last openshift_ptp_clock_class of this process.")
    clock_class_meaning: str | None = None
    roles: dict[str, str] = Field(
        default_factory=dict, description="Port role (SLAVE, MASTER, ...) of the node's ptp4l interfaces."
    )


class PtpStatusResult(ToolResult):
    """PTP synchronisation per node, interface and process over a window; unhealthy first."""

    start: str
    end: str
    step_s: float
    threshold_ns: float
    processes: list[PtpProcessStatus] = Field(default_factory=list)


class SriovInterface(BaseModel):
    """A physical function (PF) as SriovNetworkNodeState.status.interfaces[] reports it."""

    name: str | None = None
    pci_address: str | None = None
    driver: str | None = None
    total_vfs: int | None = None
    num_vfs: int | None = None
    vfs_reported: int = Field(default=0, description="Entries in status.interfaces[].vfs.")
    mtu: int | None = None
    link_speed: str | None = None
    link_type: str | None = None


class SriovNode(BaseModel):
    """SR-IOV state of one node."""

    cluster: str
    node: str
    sync_status: str | None = Field(default=None, description="Succeeded, InProgress or Failed.")
    last_sync_error: str | None = None
    interfaces: list[SriovInterface] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class SriovResource(BaseModel):
    """One SR-IOV device-plugin resource on one node: allocatable vs requested by pods."""

    cluster: str
    node: str
    resource: str = Field(description="Extended resource name, e.g. openshift.io/intel_netdev.")
    allocatable: int
    requested: int = Field(description="Requested by running/pending pods bound to the node.")
    free: int
    exhausted: bool
    pods: list[str] = Field(default_factory=list, description="namespace/pod holding VFs of this resource.")


class SriovAttachment(BaseModel):
    """One SR-IOV NetworkAttachmentDefinition: the network pods name, the VF resource behind it, who uses it."""

    cluster: str
    namespace: str
    name: str
    resource: str | None = Field(default=None, description="k8s.v1.cni.cncf.io/resourceName (VF pool).")
    cni_type: str | None = Field(default=None, description="CNI plugin type from spec.config, e.g. sriov.")
    vlan: int | None = None
    pods: list[str] = Field(default_factory=list, description="namespace/pod asking for or attached to it.")
    problem: str | None = None


class SriovStatusResult(ToolResult):
    """SR-IOV PFs, VF allocation, networks, policy mismatches and exhaustion across clusters; problems first."""

    nodes: list[SriovNode] = Field(default_factory=list)
    resources: list[SriovResource] = Field(default_factory=list)
    mismatches: list[str] = Field(default_factory=list, description="SriovNetworkNodePolicy vs node state.")
    pending: list[str] = Field(default_factory=list, description="Pending pods asking for an SR-IOV resource.")
    networks: list[SriovAttachment] = Field(
        default_factory=list, description="SR-IOV NetworkAttachmentDefinitions with their pods; problems first."
    )


class DpdkSample(BaseModel):
    """One series' value (per-second rate for counters) at query time."""

    cluster: str
    labels: dict[str, str]
    value: float | str


class DpdkFamily(BaseModel):
    """One DPDK/OVS-DPDK metric family that exists, with its top series."""

    metric: str
    meaning: str
    promql: str
    series: int
    top: list[DpdkSample] = Field(default_factory=list)


class DpdkStatsResult(ToolResult):
    """DPDK / OVS-DPDK data-plane counters as Prometheus actually has them."""

    searched: list[str] = Field(default_factory=list, description="Metric names probed.")
    found: list[str] = Field(default_factory=list)
    families: list[DpdkFamily] = Field(default_factory=list)


class CnfWorkload(BaseModel):
    """A telco network function detected from its pods."""

    cluster: str
    namespace: str
    name: str = Field(description="Owner (Deployment/StatefulSet/...) or pod name.")
    function: str = Field(description="vDU, vCU, UPF, AMF, SMF or other.")
    detected_by: str
    pods: int
    nodes: list[str] = Field(default_factory=list)
    sriov_networks: list[str] = Field(default_factory=list)
    hugepages: dict[str, str] = Field(default_factory=dict, description="hugepages-<size> requested per pod.")
    performance_profile: str | None = None
    isolated_cpus: str | None = None
    reserved_cpus: str | None = None
    profile_hugepages: list[str] = Field(default_factory=list, description="'<count>x<size>[@numa]'.")
    realtime_kernel: bool | None = None
    ptp: bool = Field(default=False, description="A linuxptp-daemon pod runs on one of its nodes.")


class WorkloadsResult(ToolResult):
    """CNF workloads across clusters."""

    workloads: list[CnfWorkload] = Field(default_factory=list)
