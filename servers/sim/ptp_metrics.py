"""OpenShift PTP operator metrics (linuxptp-daemon, job `ptp-monitor-service`), one target per PTP node.

Label names and values follow linuxptp-daemon: `openshift_ptp_offset_ns{from,iface,node,process}`, with
NIC ports aliased as `ens2fx`, and `openshift_ptp_clock_state` 0=FREERUN, 1=LOCKED, 2=HOLDOVER.
The grandmaster (GNSS-fed T-GM) stays locked; the follower's path delay grows, its ptp4l offset drifts
past 1 us and its clock_state goes LOCKED -> HOLDOVER (the `offset-drift` incident); on clusters with
`ptp_freerun` the holdover then times out into FREERUN. `openshift_ptp_clock_class{node,process="ptp4l"}`
follows: 6 (locked to PRTC) on the grandmaster; 6 -> 135 (holdover, in spec) -> 248 (free-run) on the follower.
"""

from __future__ import annotations

from servers.sim.families import Ctx, Exporter, FamilySet, Target, labelset
from servers.sim.signals import Const, Gauge, Profile, Ramp, Signal, Steps
from servers.sim.topology import NodeSpec

__all__ = ["ptp_exporter"]

_FREERUN, _LOCKED, _HOLDOVER = 0.0, 1.0, 2.0
_CLASS_LOCKED, _CLASS_HOLDOVER, _CLASS_FREERUN = 6.0, 135.0, 248.0
_MASTER_ROLE, _SLAVE_ROLE = 2.0, 1.0
_ROLE_HELP = "0 = PASSIVE, 1 = SLAVE, 2 = MASTER, 3 = FAULTY, 4 = UNKNOWN, 5 = LISTENING"
_STATE_HELP = "0 = FREERUN, 1 = LOCKED, 2 = HOLDOVER"
_CLASS_HELP = "6 = locked to PRTC, 7/135 = holdover in spec, 248 = free-run, 255 = slave only"


def _clock_class(fs: FamilySet, node: NodeSpec, signal: Signal) -> None:
    fs.add("openshift_ptp_clock_class", "gauge", _CLASS_HELP, {"node": node.name, "process": "ptp4l"}, signal)


def _sync(ctx: Ctx, fs: FamilySet, labels: dict[str, str], offset: Profile, freq: float, delay: float) -> None:
    """offset/max_offset (+ frequency_adjustment, delay when the process reports them) of one sync.

    The offset's ramps (a drift) also show, scaled down, in the path delay and the servo's frequency.
    """
    drift = Profile(0.0, (), offset.ramps)
    node, process = labels["node"], labels["process"]
    key = ctx.key("offset", node, process)
    noise = {"ptp4l": 18.0, "phc2sys": 4.0}.get(process, 2.0)
    fs.add("openshift_ptp_offset_ns", "gauge", "", labels, Gauge(offset, key, noise, integer=True))
    # Same noise key and amplitude: the max tracks the offset and always stays above it.
    max_offset = Gauge(offset + Profile(12.0), key, noise, integer=True)
    fs.add("openshift_ptp_max_offset_ns", "gauge", "", labels, max_offset)
    if freq:
        level = ctx.level(freq, 0.01, "freq", node, process) + drift.scaled(0.6)
        fs.add(
            "openshift_ptp_frequency_adjustment_ns",
            "gauge",
            "",
            labels,
            Gauge(level, ctx.key("f", node, process), 40.0, integer=True),
        )
    if delay:
        level = ctx.level(delay, 0.02, "delay", node, process) + drift.scaled(0.25)
        fs.add(
            "openshift_ptp_delay_ns",
            "gauge",
            "",
            labels,
            Gauge(level, ctx.key("d", node, process), 4.0, lo=0.0, integer=True),
        )


def _labels(source: str, iface: str, node: str, process: str) -> dict[str, str]:
    return {"from": source, "iface": iface, "node": node, "process": process}


def _grandmaster(ctx: Ctx, fs: FamilySet, node: NodeSpec) -> dict[tuple[str, str], Signal]:
    quiet = Profile(0.0, ctx.waves(2.0, "gm", node.name))
    _sync(ctx, fs, _labels("gnss", "ens7fx", node.name, "gnss"), quiet, 0.0, 0.0)
    _sync(ctx, fs, _labels("master", "ens7fx", node.name, "ts2phc"), quiet, -2150.0, 0.0)
    _sync(ctx, fs, _labels("phc", "CLOCK_REALTIME", node.name, "phc2sys"), quiet, 9170.0, 540.0)
    _clock_class(fs, node, Const(_CLASS_LOCKED))
    for iface in ("ens7f0", "ens7f1"):
        fs.add(
            "openshift_ptp_interface_role",
            "gauge",
            _ROLE_HELP,
            {"iface": iface, "node": node.name, "process": "ptp4l"},
            Const(_MASTER_ROLE),
        )
    return {
        ("ens7fx", "GM"): Const(_LOCKED),
        ("ens7fx", "dpll"): Const(_LOCKED),
        ("ens7fx", "gnss"): Const(_LOCKED),
        ("CLOCK_REALTIME", "phc2sys"): Const(_LOCKED),
    }


def _follower(ctx: Ctx, fs: FamilySet, node: NodeSpec) -> dict[tuple[str, str], Signal]:
    inc = ctx.inc
    # A growing path-delay asymmetry: the offset drifts slowly, then fast, to ~1.5 us at the anchor.
    drift = (
        Ramp(350.0, inc.ptp_drift_start, inc.ptp_drift_fast - inc.ptp_drift_start),
        Ramp(1150.0, inc.ptp_drift_fast, inc.anchor - inc.ptp_drift_fast),
    )
    offset = Profile(0.0, ctx.waves(4.0, "du", node.name), drift)
    _sync(ctx, fs, _labels("master", "ens2fx", node.name, "ptp4l"), offset, -15705.0, 520.0)
    _sync(ctx, fs, _labels("phc", "CLOCK_REALTIME", node.name, "phc2sys"), Profile(0.0), 8830.0, 560.0)
    fs.add(
        "openshift_ptp_interface_role",
        "gauge",
        _ROLE_HELP,
        {"iface": "ens2f0", "node": node.name, "process": "ptp4l"},
        Const(_SLAVE_ROLE),
    )
    freerun = ctx.spec.ptp_freerun
    states: tuple[tuple[float, float], ...] = ((inc.ptp_holdover, _HOLDOVER),)
    classes: tuple[tuple[float, float], ...] = ((inc.ptp_holdover, _CLASS_HOLDOVER),)
    if freerun:
        states += ((inc.ptp_freerun, _FREERUN),)
        classes += ((inc.ptp_freerun, _CLASS_FREERUN),)
    _clock_class(fs, node, Steps(_CLASS_LOCKED, classes))
    for threshold, value in (
        ("HoldOverTimeout", inc.ptp_holdover_timeout_s if freerun else 5.0),
        ("MaxOffsetThreshold", 100.0),
        ("MinOffsetThreshold", -100.0),
    ):
        fs.add(
            "openshift_ptp_threshold",
            "gauge",
            "",
            {"node": node.name, "profile": "du-follower", "threshold": threshold},
            Const(value),
        )
    return {
        ("ens2fx", "ptp4l"): Steps(_LOCKED, states),
        ("CLOCK_REALTIME", "phc2sys"): Const(_LOCKED),
    }


def ptp_exporter(ctx: Ctx) -> Exporter | None:
    """linuxptp-daemon's metrics endpoint on every PTP node, or None when the cluster runs no PTP."""
    if not ctx.spec.ptp_nodes:
        return None
    daemons = {p.node: p for p in ctx.spec.pods if p.owner_name == "linuxptp-daemon"}
    targets = []
    for node in ctx.spec.nodes:
        role = ctx.spec.ptp_nodes.get(node.name)
        if role is None:
            continue
        fs = FamilySet()
        states = _grandmaster(ctx, fs, node) if role == "grandmaster" else _follower(ctx, fs, node)
        for (iface, process), state in states.items():
            fs.add(
                "openshift_ptp_clock_state",
                "gauge",
                _STATE_HELP,
                {"iface": iface, "node": node.name, "process": process},
                state,
            )
        labels = {
            "instance": f"{node.ip}:9091",
            "namespace": "openshift-ptp",
            "pod": daemons[node.name].name,
            "service": "ptp-monitor-service",
            "endpoint": "metrics",
            "container": "kube-rbac-proxy",
        }
        targets.append(Target(node.name, labelset(labels), fs.build()))
    return Exporter("ptp-monitor-service", False, tuple(targets))
