"""``aiops cluster …``: register, list, show, remove and probe clusters; import them from a kubeconfig."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from servers.cli.output import cluster_detail, clusters_table, emit_json, err_console, out_console
from servers.cli.runtime import build_settings, cli_errors, deps_for, run
from tools.fleet import parse_kubeconfig
from tools.fleet.models import (
    Cluster,
    ClusterSpec,
    ClusterType,
    Credentials,
    Endpoints,
    Environment,
    Platform,
)

__all__ = ["build_cluster_app", "register_cluster_commands"]

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: AIOPS_DATA_DIR)")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables")]


def _labels(pairs: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"label {pair!r} is not KEY=VALUE", param_hint="--label")
        labels[key] = value
    return labels


def _read_secret(file: Path | None, env: str | None, what: str) -> SecretStr | None:
    """Secrets come from a file or an environment variable, never the command line (shell history, ps)."""
    if file is not None:
        return SecretStr(file.read_text().strip())
    if env is not None:
        value = os.environ.get(env)
        if value is None:
            raise typer.BadParameter(f"environment variable {env} is not set", param_hint=f"--{what}-env")
        return SecretStr(value)
    return None


def _print_cluster(cluster: Cluster, as_json: bool) -> None:
    if as_json:
        emit_json(cluster)
    else:
        out_console.print(cluster_detail(cluster))


def build_cluster_app() -> typer.Typer:
    """The ``cluster`` command group."""
    app = typer.Typer(
        help="Manage the fleet registry: add, list, show, remove, probe, import-kubeconfig.", no_args_is_help=True
    )

    @app.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="Cluster name: lowercase letters, digits and '-', 3-63 chars")],
        type_: Annotated[ClusterType, typer.Option("--type", help="Role in the fleet")] = ClusterType.SPOKE,
        platform: Annotated[Platform, typer.Option(help="Kubernetes distribution")] = Platform.OPENSHIFT,
        environment: Annotated[Environment, typer.Option(help="Lifecycle environment")] = Environment.DEVELOPMENT,
        region: Annotated[str | None, typer.Option(help="Region or site")] = None,
        label: Annotated[list[str], typer.Option(help="KEY=VALUE, repeatable")] = [],  # noqa: B006
        api: Annotated[str | None, typer.Option(help="Kubernetes API URL")] = None,
        prometheus: Annotated[str | None, typer.Option(help="Prometheus or Thanos querier URL")] = None,
        thanos: Annotated[str | None, typer.Option(help="Thanos querier URL")] = None,
        alertmanager: Annotated[str | None, typer.Option(help="Alertmanager URL")] = None,
        loki: Annotated[str | None, typer.Option(help="Loki URL")] = None,
        tempo: Annotated[str | None, typer.Option(help="Tempo URL")] = None,
        token_file: Annotated[
            Path | None, typer.Option(exists=True, dir_okay=False, readable=True, help="File holding a bearer token")
        ] = None,
        token_env: Annotated[str | None, typer.Option(help="Environment variable holding a bearer token")] = None,
        basic_user: Annotated[str | None, typer.Option(help="Basic-auth user (Prometheus behind a proxy)")] = None,
        basic_password_env: Annotated[str | None, typer.Option(help="Env var holding the basic-auth password")] = None,
        ca_file: Annotated[
            Path | None,
            typer.Option(exists=True, dir_okay=False, readable=True, help="PEM CA bundle for the cluster's endpoints"),
        ] = None,
        client_cert_file: Annotated[
            Path | None, typer.Option(exists=True, dir_okay=False, readable=True, help="PEM client certificate (mTLS)")
        ] = None,
        client_key_file: Annotated[
            Path | None, typer.Option(exists=True, dir_okay=False, readable=True, help="PEM client key (mTLS)")
        ] = None,
        insecure_skip_tls_verify: Annotated[bool, typer.Option(help="Do not verify TLS (lab only)")] = False,
        probe: Annotated[bool, typer.Option(help="Probe the endpoints right after adding")] = True,
        data_dir: DataDir = None,
        as_json: JsonOut = False,
    ) -> None:
        """Register a cluster. Secrets are read from files or environment variables and stored encrypted."""
        with cli_errors():
            spec = ClusterSpec(
                name=name,
                type=type_,
                platform=platform,
                environment=environment,
                region=region,
                labels=_labels(label),
                endpoints=Endpoints(
                    api=api, prometheus=prometheus, thanos=thanos, alertmanager=alertmanager, loki=loki, tempo=tempo
                ),
            )
            credentials = Credentials(
                bearer_token=_read_secret(token_file, token_env, "token"),
                basic_user=basic_user,
                basic_password=_read_secret(None, basic_password_env, "basic-password"),
                ca_cert_pem=ca_file.read_text() if ca_file else None,
                client_cert_pem=SecretStr(client_cert_file.read_text()) if client_cert_file else None,
                client_key_pem=SecretStr(client_key_file.read_text()) if client_key_file else None,
                insecure_skip_verify=insecure_skip_tls_verify,
            )
        settings = build_settings(data_dir)

        async def body() -> Cluster:
            async with deps_for(settings) as deps:
                cluster = await deps.registry.add(spec, credentials)
                if probe and spec.endpoints.configured():
                    cluster = await deps.registry.probe(cluster.name)
                return cluster

        cluster = run(body)
        if not as_json:
            err_console.print(f"[green]Added[/] {cluster.name}.")
        _print_cluster(cluster, as_json)

    @app.command("list")
    def list_(
        environment: Annotated[Environment | None, typer.Option(help="Only this environment")] = None,
        label: Annotated[list[str], typer.Option(help="KEY=VALUE filter, repeatable")] = [],  # noqa: B006
        data_dir: DataDir = None,
        as_json: JsonOut = False,
    ) -> None:
        """List registered clusters with their last known state and capabilities."""
        settings = build_settings(data_dir)

        async def body() -> list[Cluster]:
            async with deps_for(settings) as deps:
                return await deps.registry.select(
                    names=None, labels=_labels(label) or None, environment=environment.value if environment else None
                )

        clusters = run(body)
        if as_json:
            emit_json(clusters)
        else:
            out_console.print(clusters_table(clusters))

    @app.command("show")
    def show(
        name: Annotated[str, typer.Argument(help="Cluster name")],
        data_dir: DataDir = None,
        as_json: JsonOut = False,
    ) -> None:
        """Show one cluster: endpoints with their last probe, labels, capabilities, credential kinds (no values)."""
        settings = build_settings(data_dir)

        async def body() -> Cluster:
            async with deps_for(settings) as deps:
                return await deps.registry.get(name)

        _print_cluster(run(body), as_json)

    @app.command("remove")
    def remove(
        name: Annotated[str, typer.Argument(help="Cluster name")],
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation")] = False,
        data_dir: DataDir = None,
    ) -> None:
        """Remove a cluster and its stored credentials from the registry."""
        if not yes:
            typer.confirm(f"Remove cluster {name} and its stored credentials?", abort=True)
        settings = build_settings(data_dir)

        async def body() -> bool:
            async with deps_for(settings) as deps:
                await deps.registry.get(name)  # unknown name → clear error listing known clusters
                return await deps.registry.remove(name)

        if run(body):
            err_console.print(f"[green]Removed[/] {name}.")

    @app.command("probe")
    def probe_(
        names: Annotated[list[str] | None, typer.Argument(help="Clusters to probe (default: all)")] = None,
        data_dir: DataDir = None,
        as_json: JsonOut = False,
    ) -> None:
        """Probe clusters' endpoints now and record their state and capabilities."""
        settings = build_settings(data_dir)

        async def body() -> list[Cluster]:
            async with deps_for(settings) as deps:
                selected = await deps.registry.select(names=names or None, labels=None, environment=None)
                # Probes run concurrently (each bounded by its endpoint timeout): a fleet with dead clusters
                # takes about one timeout, not one per dead cluster.
                slots = asyncio.Semaphore(settings.fanout_concurrency)
                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err_console,
                    transient=True,
                    disable=as_json,
                ) as progress:
                    task = progress.add_task("probing", total=len(selected))

                    async def probe_one(name: str) -> Cluster:
                        async with slots:
                            probed = await deps.registry.probe(name)
                        progress.advance(task)
                        return probed

                    return list(await asyncio.gather(*(probe_one(c.name) for c in selected)))

        clusters = run(body)
        if as_json:
            emit_json(clusters)
        else:
            for cluster in clusters:
                out_console.print(cluster_detail(cluster))

    @app.command("import-kubeconfig")
    def import_kubeconfig(
        file: Annotated[Path, typer.Argument(help="kubeconfig file", exists=True, dir_okay=False, readable=True)],
        context: Annotated[str | None, typer.Option(help="Context to import (default: current-context)")] = None,
        name: Annotated[str | None, typer.Option(help="Cluster name (default: derived from the context)")] = None,
        type_: Annotated[ClusterType, typer.Option("--type", help="Role in the fleet")] = ClusterType.SPOKE,
        platform: Annotated[Platform, typer.Option(help="Kubernetes distribution")] = Platform.OPENSHIFT,
        environment: Annotated[Environment, typer.Option(help="Lifecycle environment")] = Environment.DEVELOPMENT,
        prometheus: Annotated[str | None, typer.Option(help="Prometheus or Thanos querier URL")] = None,
        probe: Annotated[bool, typer.Option(help="Probe the endpoints right after importing")] = True,
        data_dir: DataDir = None,
        as_json: JsonOut = False,
    ) -> None:
        """Import one context of a kubeconfig as a cluster (API URL, CA, token or client certificate)."""
        with cli_errors():
            imported = parse_kubeconfig(file.read_text(), context)
            updates: dict[str, object] = {"type": type_, "platform": platform, "environment": environment}
            if name:
                updates["name"] = name
            spec = ClusterSpec.model_validate({**imported.spec.model_dump(), **updates})
            if prometheus:
                spec.endpoints.prometheus = prometheus
        settings = build_settings(data_dir)

        async def body() -> Cluster:
            async with deps_for(settings) as deps:
                cluster = await deps.registry.add(spec, imported.credentials)
                if probe:
                    cluster = await deps.registry.probe(cluster.name)
                return cluster

        cluster = run(body)
        if not as_json:
            err_console.print(f"[green]Imported[/] context as cluster {cluster.name}.")
        _print_cluster(cluster, as_json)

    return app


def register_cluster_commands(app: typer.Typer) -> None:
    """Add the ``cluster`` group to the root command."""
    app.add_typer(build_cluster_app(), name="cluster")
