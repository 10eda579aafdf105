"""Prometheus recording and alerting rules of a simulated cluster (real PromQL, evaluated by Prometheus).

Every cluster gets OpenShift's `Watchdog`, two kube-prometheus style recording rules and the workload
alerts; the GPU and PTP alerts are added where those exporters run. `for:` durations are short (1m) so a
demo shows the incident alerts firing within a couple of minutes of start.
"""

from __future__ import annotations

from typing import Any

import yaml

from servers.sim.model import ClusterModel

__all__ = ["RULES_FILE", "rules_yaml"]

RULES_FILE = "sim-rules.yml"

_WATCHDOG = {
    "alert": "Watchdog",
    "expr": "vector(1)",
    "labels": {"severity": "none"},
    "annotations": {
        "summary": "An alert that should always be firing to certify that Alertmanager is working properly.",
        "description": "This is an alert meant to ensure that the entire alerting pipeline is functional.\n"
        "This alert is always firing, therefore it should always be firing in Alertmanager\n"
        "and always fire against a receiver.",
    },
}

_RECORDING = [
    {
        "record": "namespace:container_cpu_usage_seconds_total:sum_rate",
        "expr": 'sum by (namespace) (rate(container_cpu_usage_seconds_total{job="kubelet", '
        'metrics_path="/metrics/cadvisor", container!=""}[5m]))',
    },
    {
        "record": "instance:node_cpu_utilisation:rate5m",
        "expr": '1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="node-exporter", '
        'mode=~"idle|iowait|steal"}[5m])))',
    },
]

_WORKLOAD_ALERTS = [
    {
        "alert": "ContainerCPUSaturation",
        # Self-contained (not on the recording rule) so it can fire on the first evaluation after start.
        "expr": 'sum by (namespace) (rate(container_cpu_usage_seconds_total{job="kubelet", '
        'metrics_path="/metrics/cadvisor", container!=""}[5m]))\n'
        '  / sum by (namespace) (kube_pod_container_resource_limits{job="kube-state-metrics", '
        'resource="cpu"})\n'
        "  > 0.9",
        "for": "1m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "Containers of a namespace are using nearly all of their CPU limits.",
            "description": "Namespace {{ $labels.namespace }} uses {{ $value | humanizePercentage }} "
            "of its CPU limits; its containers are being throttled.",
        },
    },
    {
        # kube-prometheus' CPUThrottlingHigh (severity info); the fleet silences it at start.
        "alert": "CPUThrottlingHigh",
        "expr": 'sum by (namespace, pod, container) (increase(container_cpu_cfs_throttled_periods_total{job="kubelet", '
        'metrics_path="/metrics/cadvisor", container!=""}[5m]))\n'
        '  / sum by (namespace, pod, container) (increase(container_cpu_cfs_periods_total{job="kubelet", '
        'metrics_path="/metrics/cadvisor", container!=""}[5m]))\n'
        "  > (25 / 100)",
        "for": "1m",
        "labels": {"severity": "info"},
        "annotations": {
            "summary": "Processes experience elevated CPU throttling.",
            "description": "{{ $value | humanizePercentage }} throttling of CPU in namespace {{ $labels.namespace }} "
            "for container {{ $labels.container }} in pod {{ $labels.pod }}.",
        },
    },
    {
        "alert": "KubePodRestartingFrequently",
        "expr": 'increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[30m]) > 1',
        "for": "1m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "A container is restarting repeatedly.",
            "description": "Container {{ $labels.container }} of pod "
            "{{ $labels.namespace }}/{{ $labels.pod }} "
            'restarted {{ $value | printf "%.0f" }} times in the last 30 minutes.',
        },
    },
]

_GPU_ALERTS = [
    {
        "alert": "GPUTemperatureHigh",
        "expr": 'DCGM_FI_DEV_GPU_TEMP{job="nvidia-dcgm-exporter"} > 80',
        "for": "1m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "A GPU is running hot.",
            "description": "GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} "
            "is at {{ $value }} C.",
        },
    },
    {
        "alert": "GPUTemperatureCritical",
        "expr": 'DCGM_FI_DEV_GPU_TEMP{job="nvidia-dcgm-exporter"} > 85',
        "for": "1m",
        "labels": {"severity": "critical"},
        "annotations": {
            "summary": "A GPU is close to its thermal limit and throttling.",
            "description": "GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} "
            "is at {{ $value }} C.",
        },
    },
]

_PTP_ALERTS = [
    {
        "alert": "PtpClockHoldover",
        "expr": 'openshift_ptp_clock_state{job="ptp-monitor-service", process="ptp4l"} == 2',
        "for": "1m",
        "labels": {"severity": "critical"},
        "annotations": {
            "summary": "A PTP clock lost its time source and is in HOLDOVER.",
            "description": "ptp4l on {{ $labels.node }} ({{ $labels.iface }}) is in HOLDOVER.",
        },
    },
    {
        "alert": "PtpClockFreerun",
        "expr": 'openshift_ptp_clock_state{job="ptp-monitor-service", process="ptp4l"} == 0',
        "for": "1m",
        "labels": {"severity": "critical"},
        "annotations": {
            "summary": "A PTP clock's holdover expired: it is FREERUN, no longer traceable to its grandmaster.",
            "description": "ptp4l on {{ $labels.node }} ({{ $labels.iface }}) is in FREERUN.",
        },
    },
    {
        "alert": "PtpOffsetHigh",
        "expr": 'abs(openshift_ptp_offset_ns{job="ptp-monitor-service", process="ptp4l"}) > 100',
        "for": "1m",
        "labels": {"severity": "warning"},
        "annotations": {
            "summary": "A PTP clock offset from its master is above the 100 ns threshold.",
            "description": "ptp4l on {{ $labels.node }} ({{ $labels.iface }}) is {{ $value }} ns off its master.",
        },
    },
]


def rules_yaml(model: ClusterModel) -> str:
    """The rule file of `model`'s cluster, as Prometheus YAML."""
    jobs = {e.job for e in model.exporters}
    groups: list[dict[str, Any]] = [
        {"name": "general.rules", "rules": [_WATCHDOG]},
        {"name": "sim.recording.rules", "rules": _RECORDING},
        {"name": "kubernetes-resources", "rules": _WORKLOAD_ALERTS},
    ]
    if "nvidia-dcgm-exporter" in jobs:
        groups.append({"name": "gpu.rules", "rules": _GPU_ALERTS})
    if "ptp-monitor-service" in jobs:
        groups.append({"name": "ptp.rules", "rules": _PTP_ALERTS})
    return yaml.safe_dump({"groups": groups}, sort_keys=False, width=1000)
