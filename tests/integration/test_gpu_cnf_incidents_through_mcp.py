"""The GPU and telco incidents of the simulated fleet, seen through the gpu_* and cnf_* MCP tools.

The product reads only the simulator's real Prometheus servers and Kubernetes-API-shaped endpoints. Each incident
must be surfaced by the right tool, with its start time where the tool reports one.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from mcp import ClientSession

from servers.mcp import ToolDeps
from servers.sim.fleet import SimFleet
from tests.servers.mcp.helpers import mcp_client

pytestmark = pytest.mark.integration


async def call(client: ClientSession, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.isError, f"{tool} failed: {result.content}"
    assert result.structuredContent is not None
    return result.structuredContent


def times_in(text: str) -> list[datetime]:
    """Every RFC3339 timestamp in a JSON text."""
    found = []
    for token in text.replace('"', " ").split():
        try:
            found.append(datetime.fromisoformat(token.rstrip(",").replace("Z", "+00:00")))
        except ValueError:
            continue
    return found


async def test_gpu_incidents_surface_with_their_start_times(fleet_deps: ToolDeps, sim_fleet_instance: SimFleet) -> None:
    anchor = sim_fleet_instance.anchor
    gpu = {"clusters": ["gpu-spoke"]}
    async with mcp_client(fleet_deps) as client:
        health = await call(client, "gpu_health", {**gpu, "window": "1h"})
        workloads = await call(client, "gpu_workloads", {**gpu, "window": "1h"})
        mig = await call(client, "gpu_mig_layout", gpu)
        nodes = await call(client, "gpu_list_nodes", {**gpu, "node": "gpu-worker-0"})
    health_text = json.dumps(health)
    assert "79" in health_text and "bus" in health_text.lower(), health_text[:3000]
    # XID 79 starts 25 min before the anchor: the tool's start time must say so (to one scrape interval).
    xid_start = anchor - timedelta(minutes=25)
    assert any(abs((t - xid_start).total_seconds()) <= 60 for t in times_in(health_text)), health_text[:3000]
    assert "thermal" in health_text.lower()
    # Throttling of the hot GPU starts at anchor-18 min (SW thermal), HW thermal joins at anchor-12 min.
    throttle_starts = (anchor - timedelta(minutes=18), anchor - timedelta(minutes=12))
    assert any(abs((t - s).total_seconds()) <= 60 for t in times_in(health_text) for s in throttle_starts)
    workloads_text = json.dumps(workloads)
    assert "jupyter-ana-0" in workloads_text and "idle" in workloads_text.lower(), workloads_text[:3000]
    mig_text = json.dumps(mig)
    assert mig_text.count("1g.10gb") >= 1 and "3g.40gb" in mig_text, mig_text[:3000]
    # Profiling and link fields come through: the busy A100s show SM activity and NVLink traffic, and the GPU that
    # fell off the bus counted PCIe replays in the last 5 min while the others counted none.
    by_gpu = {g["gpu"]: g for g in nodes["gpus"]}
    assert all(g["sm_active_pct"] is not None and g["nvlink_tx_mb_s"] is not None for g in by_gpu.values()), nodes
    assert by_gpu["1"]["pcie_replays"] > 0 and by_gpu["0"]["pcie_replays"] == 0, nodes


async def test_telco_incidents_surface_ptp_holdover_and_sriov_exhaustion(
    fleet_deps: ToolDeps, sim_fleet_instance: SimFleet
) -> None:
    anchor = sim_fleet_instance.anchor
    edge = {"clusters": ["telco-edge"]}
    async with mcp_client(fleet_deps) as client:
        ptp = await call(client, "cnf_ptp_status", {**edge, "start": "now-2h"})
        sriov = await call(client, "cnf_sriov_status", edge)
    ptp_text = json.dumps(ptp)
    assert "HOLDOVER" in ptp_text and "FREERUN" in ptp_text, ptp_text[:3000]
    # LOCKED -> HOLDOVER at anchor-20 min, HOLDOVER -> FREERUN at anchor-8 min: both start times are reported.
    times = times_in(ptp_text)
    for start in (anchor - timedelta(minutes=20), anchor - timedelta(minutes=8)):
        assert any(abs((t - start).total_seconds()) <= 60 for t in times), (start, ptp_text[:3000])
    sriov_text = json.dumps(sriov)
    assert "cu_mh" in sriov_text and "exhausted" in sriov_text.lower(), sriov_text[:3000]
    assert "Pending" in sriov_text or "pending" in sriov_text, sriov_text[:3000]
    # The networks come from the NetworkAttachmentDefinitions; the cu_mh one lists the pod waiting for a VF.
    networks = {n["resource"]: n for n in sriov["networks"]}
    assert any(r.endswith("cu_mh") for r in networks), sriov["networks"]
    cu_mh = next(n for r, n in networks.items() if r.endswith("cu_mh"))
    assert cu_mh["cni_type"] == "sriov" and cu_mh["pods"], cu_mh
