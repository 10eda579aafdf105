"""The three default clusters of the demo fleet: `hub`, `gpu-spoke` and `telco-edge`.

hub: 3 masters + 2 workers; the `payments` namespace saturates its CPU limits.
gpu-spoke: 3 GPU workers (4x A100, 2x A100, 3x L40S); one A100 overheats and another on the same node reports
XID 79; gpu-worker-1's second A100 is MIG-partitioned (3g.40gb + 2x 1g.10gb); one L40S is allocated to an idle
notebook.
telco-edge: a PTP grandmaster node and a follower node whose clock drifts into HOLDOVER; the vDU on the follower
takes 2 of its 8 fronthaul VFs (du_fh) and 16 1 GiB hugepages; on the grandmaster node the vCU pods hold all
4 midhaul VFs (cu_mh) and a third cu-up replica stays Pending for want of one more.
"""

from __future__ import annotations

from dataclasses import replace

from servers.sim.topology import (
    ClusterSpec,
    ContainerSpec,
    GpuSpec,
    MigInstance,
    NodeSpec,
    PodSpec,
    Release,
    SriovPolicy,
    pod_name,
)

__all__ = ["default_specs"]

GIB = 1024**3
MIB = 1024**2

_OCP_416 = Release(
    openshift="4.16.12",
    kube_minor=29,
    kube_patch=8,
    kube_build="f10c92d",
    rhcos="Red Hat Enterprise Linux CoreOS 416.94.202409040013-0",
    kernel="5.14.0-427.35.1.el9_4.x86_64",
    crio="cri-o://1.29.8-4.rhaos4.16.git9c21ee9.el9",
    build_date="2024-09-04T10:21:37Z",
    go_version="go1.21.13 (Red Hat 1.21.13-3.el9_4) X:strictfipsruntime",
)
_OCP_414 = Release(
    openshift="4.14.37",
    kube_minor=27,
    kube_patch=16,
    kube_build="03f7a07",
    rhcos="Red Hat Enterprise Linux CoreOS 414.92.202409101434-0 (Plow)",
    kernel="5.14.0-284.82.1.el9_2.x86_64",
    crio="cri-o://1.27.8-5.rhaos4.14.git5a4e1f4.el9",
    build_date="2024-09-10T08:15:02Z",
    go_version="go1.20.12 X:strictfipsruntime",
)


def _pods(
    namespace: str,
    kind: str,
    owner: str,
    nodes: list[str],
    ips: list[str],
    *containers: ContainerSpec,
    crashloop_index: int | None = None,
) -> list[PodSpec]:
    return [
        PodSpec(
            namespace=namespace,
            name=pod_name(kind, owner, i),
            node=node,
            ip=ip,
            owner_kind="ReplicaSet" if kind == "Deployment" else kind,
            owner_name=pod_name(kind, owner, 0).rsplit("-", 1)[0] if kind == "Deployment" else owner,
            containers=containers,
            incident="crashloop" if i == crashloop_index else None,
        )
        for i, (node, ip) in enumerate(zip(nodes, ips, strict=True))
    ]


def _hub() -> ClusterSpec:
    masters = [NodeSpec(f"hub-master-{i}", "master", f"10.0.0.{10 + i}", 4, 16 * GIB, 21.0 + i) for i in range(3)]
    workers = [NodeSpec(f"hub-worker-{i}", "worker", f"10.0.0.{20 + i}", 8, 32 * GIB, 9.5 + i) for i in range(2)]
    api = ContainerSpec(
        "api", "quay.io/acme/payments-api:2.14.1", 0.35, 620 * MIB, 1.0, 1 * GIB, incident="cpu-saturation"
    )
    web = ContainerSpec("web", "quay.io/acme/storefront-web:5.3.0", 0.12, 280 * MIB, 0.5, 512 * MIB)
    router = ContainerSpec("router", "quay.io/openshift-release-dev/ocp-v4.0-art-dev:haproxy-router", 0.05, 180 * MIB)
    prom = ContainerSpec("prometheus", "quay.io/openshift-release-dev/ocp-v4.0-art-dev:prometheus", 0.4, 3 * GIB)
    am = ContainerSpec("alertmanager", "quay.io/openshift-release-dev/ocp-v4.0-art-dev:alertmanager", 0.01, 90 * MIB)
    etcd = ContainerSpec("etcd", "quay.io/openshift-release-dev/ocp-v4.0-art-dev:etcd", 0.25, 1200 * MIB)
    w0, w1 = "hub-worker-0", "hub-worker-1"
    pods = [
        *_pods(
            "payments",
            "Deployment",
            "payments-api",
            [w0, w0, w1],
            ["10.131.0.21", "10.131.0.22", "10.130.2.17"],
            api,
            crashloop_index=1,
        ),
        *_pods("frontend", "Deployment", "storefront-web", [w0, w1], ["10.131.0.30", "10.130.2.31"], web),
        *_pods("openshift-ingress", "Deployment", "router-default", [w0, w1], ["10.0.0.20", "10.0.0.21"], router),
        *_pods(
            "openshift-monitoring",
            "StatefulSet",
            "prometheus-k8s",
            [w0, w1],
            ["10.131.0.12", "10.130.2.12"],
            prom,
        ),
        *_pods("openshift-monitoring", "StatefulSet", "alertmanager-main", [w1], ["10.130.2.13"], am),
    ]
    pods += [PodSpec("openshift-etcd", f"etcd-{m.name}", m.name, m.ip, "Node", m.name, (etcd,)) for m in masters]
    return ClusterSpec(
        name="hub",
        type="HUB",
        platform="OPENSHIFT",
        environment="PRODUCTION",
        region="eu-west-1",
        labels={"tier": "management", "team": "platform", "openshift.io/version": "4.16"},
        release=_OCP_416,
        nodes=(*masters, *workers),
        pods=tuple(pods),
        deployments={
            "payments-api": ("payments", 3),
            "storefront-web": ("frontend", 2),
            "router-default": ("openshift-ingress", 2),
        },
    )


def _gpu_spoke() -> ClusterSpec:
    nodes = [NodeSpec(f"gpu-worker-{i}", "worker", f"10.1.0.{30 + i}", 8, 64 * GIB, 5.0 + i) for i in range(3)]
    names = [n.name for n in nodes]
    trainer = ContainerSpec("pytorch", "quay.io/acme/llm-finetune:0.9.2", 5.5, 48 * GIB, 7.0, 56 * GIB)
    vllm = ContainerSpec("kserve-container", "quay.io/modh/vllm:rhoai-2.16", 1.2, 12 * GIB, 4.0, 16 * GIB)
    triton = ContainerSpec("triton", "nvcr.io/nvidia/tritonserver:24.08-py3", 0.8, 6 * GIB, 4.0, 8 * GIB)
    dcgm = ContainerSpec("nvidia-dcgm-exporter", "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.7-3.5.0-ubi9", 0.03, 60 * MIB)
    prom = ContainerSpec("prometheus", "quay.io/openshift-release-dev/ocp-v4.0-art-dev:prometheus", 0.3, 2 * GIB)
    train_pod = PodSpec(
        "ml-training", "llama-ft-worker-0", names[0], "10.128.2.40", "PyTorchJob", "llama-ft", (trainer,)
    )
    (vllm_pod,) = _pods("ml-serving", "Deployment", "vllm-granite", [names[1]], ["10.129.2.41"], vllm)
    (triton_pod,) = _pods("ml-serving", "Deployment", "triton-resnet", [names[2]], ["10.130.2.42"], triton)
    embed = ContainerSpec("kserve-container", "quay.io/modh/vllm:rhoai-2.16", 0.6, 6 * GIB, 2.0, 8 * GIB)
    (embed_pod,) = _pods("ml-serving", "Deployment", "granite-embed", [names[1]], ["10.129.2.43"], embed)
    notebook = ContainerSpec("notebook", "quay.io/modh/odh-pytorch-notebook:v2-2024a", 0.02, 900 * MIB, 2.0, 8 * GIB)
    notebook_pod = PodSpec(
        "rhoai-notebooks", "jupyter-ana-0", names[2], "10.130.2.44", "StatefulSet", "jupyter-ana", (notebook,)
    )
    dcgm_pods = _pods(
        "nvidia-gpu-operator",
        "DaemonSet",
        "nvidia-dcgm-exporter",
        names,
        ["10.128.2.9", "10.129.2.9", "10.130.2.9"],
        dcgm,
    )
    (prom_pod,) = _pods("openshift-monitoring", "StatefulSet", "prometheus-k8s", [names[1]], ["10.129.2.12"], prom)

    def a100(node: str, i: int, pod: PodSpec | None, incident: str | None = None) -> GpuSpec:
        container = pod.containers[0].name if pod else ""
        return GpuSpec(node, i, "NVIDIA A100-SXM4-80GB", 81920, 1410, 400.0, pod, container, incident)

    def l40s(node: str, i: int, pod: PodSpec | None, incident: str | None = None) -> GpuSpec:
        container = pod.containers[0].name if pod else ""
        return GpuSpec(node, i, "NVIDIA L40S", 46068, 2520, 350.0, pod, container, incident)

    mig = (
        MigInstance(2, "3g.40gb", 3, 40192, embed_pod, embed.name),
        MigInstance(7, "1g.10gb", 1, 9984),
        MigInstance(8, "1g.10gb", 1, 9984),
    )
    incidents = {1: "xid", 2: "thermal"}
    gpus = [a100(names[0], i, train_pod, incidents.get(i)) for i in range(4)]
    gpus += [a100(names[1], 0, vllm_pod), replace(a100(names[1], 1, None), mig=mig)]
    gpus += [l40s(names[2], 0, triton_pod), l40s(names[2], 1, triton_pod)]
    gpus += [l40s(names[2], 2, notebook_pod, "idle-allocated")]
    return ClusterSpec(
        name="gpu-spoke",
        type="SPOKE",
        platform="OPENSHIFT",
        environment="PRODUCTION",
        region="us-east-2",
        labels={"tier": "ai", "team": "ml-platform", "gpu": "nvidia", "openshift.io/version": "4.16"},
        release=_OCP_416,
        nodes=tuple(nodes),
        pods=(train_pod, vllm_pod, triton_pod, *dcgm_pods, prom_pod, embed_pod, notebook_pod),
        deployments={
            "vllm-granite": ("ml-serving", 1),
            "triton-resnet": ("ml-serving", 1),
            "granite-embed": ("ml-serving", 1),
        },
        gpus=tuple(gpus),
    )


def _telco_edge() -> ClusterSpec:
    gm = NodeSpec("edge-gm-0", "master", "192.168.10.11", 8, 48 * GIB, 33.0)
    du = NodeSpec("edge-du-1", "worker", "192.168.10.12", 8, 48 * GIB, 33.0)
    daemon = ContainerSpec("linuxptp-daemon-container", "registry.redhat.io/openshift4/ose-ptp:v4.14", 0.05, 70 * MIB)
    operator = ContainerSpec("ptp-operator", "registry.redhat.io/openshift4/ose-ptp-operator:v4.14", 0.01, 50 * MIB)
    fh = (("openshift.io/du_fh", "2"), ("hugepages-1Gi", "16Gi"))
    du_app = ContainerSpec("du", "registry.example.com/ran/vdu:23.4.1", 6.0, 20 * GIB, 8.0, 24 * GIB, extended=fh)
    cu_app = ContainerSpec(
        "cu", "registry.example.com/ran/vcu:23.4.1", 1.6, 6 * GIB, 4.0, 8 * GIB, extended=(("openshift.io/cu_mh", "2"),)
    )
    cu_up = ContainerSpec(
        "cu-up",
        "registry.example.com/ran/vcu-up:23.4.1",
        0.8,
        2 * GIB,
        2.0,
        4 * GIB,
        extended=(("openshift.io/cu_mh", "1"),),
    )
    cu_up_pods = _pods("ran-du", "Deployment", "cu-up", [gm.name] * 3, ["10.128.0.22", "10.128.0.23", ""], cu_up)
    pods = [
        *_pods("openshift-ptp", "DaemonSet", "linuxptp-daemon", [gm.name, du.name], [gm.ip, du.ip], daemon),
        *_pods("openshift-ptp", "Deployment", "ptp-operator", [gm.name], ["10.128.0.15"], operator),
        *_pods("ran-du", "Deployment", "du-app", [du.name], ["10.128.1.20"], du_app),
        *_pods("ran-du", "Deployment", "cu-app", [gm.name], ["10.128.0.21"], cu_app),
        *cu_up_pods[:2],
    ]
    sriov = (
        SriovPolicy("du-fh", "du_fh", du.name, "ens5f0", 8, "vfio-pci", "du-fh-net", "ran-du", 100, 9000),
        SriovPolicy("cu-mh", "cu_mh", gm.name, "ens5f1", 4, "netdevice", "cu-mh-net", "ran-du", 200, 1500),
    )
    return ClusterSpec(
        name="telco-edge",
        type="EDGE",
        platform="OPENSHIFT",
        environment="STAGING",
        region="eu-central-1",
        labels={"tier": "ran", "team": "telco", "ptp": "enabled", "openshift.io/version": "4.14"},
        release=_OCP_414,
        nodes=(gm, du),
        pods=tuple(pods),
        deployments={
            "ptp-operator": ("openshift-ptp", 1),
            "du-app": ("ran-du", 1),
            "cu-app": ("ran-du", 1),
            "cu-up": ("ran-du", 3),
        },
        ptp_nodes={gm.name: "grandmaster", du.name: "follower"},
        ptp_freerun=True,
        sriov=sriov,
        hugepages_1g={du.name: 16},
        pending_pods=(cu_up_pods[2],),
    )


def default_specs() -> tuple[ClusterSpec, ...]:
    """The hub, gpu-spoke and telco-edge cluster inventories, in that order."""
    return (_hub(), _gpu_spoke(), _telco_edge())
