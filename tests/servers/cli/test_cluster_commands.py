"""``aiops cluster …`` through typer's CliRunner, on a temporary data directory."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import respx
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from servers.cli.app import build_cli

runner = CliRunner()


def aiops(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(build_cli(), [*args[:2], *args[2:], "--data-dir", str(data_dir)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_help_exists_for_every_command() -> None:
    for args in (
        [],
        ["cluster"],
        ["cluster", "add"],
        ["cluster", "list"],
        ["cluster", "show"],
        ["cluster", "remove"],
        ["cluster", "probe"],
        ["cluster", "import-kubeconfig"],
        ["mcp"],
        ["serve"],
        ["demo"],
    ):
        result = runner.invoke(build_cli(), [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output


def test_add_list_show_remove_round_trip_with_json(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("super-secret-token\n")
    code, out, err = aiops(
        tmp_path, "cluster", "add", "prod-east", "--environment", "PRODUCTION", "--label", "site=dallas",
        "--prometheus", "http://prom.invalid:9090", "--token-file", str(token_file), "--no-probe", "--json",
    )  # fmt: skip
    assert code == 0, err
    added = json.loads(out)
    assert added["name"] == "prod-east"
    assert added["credential_kinds"] == ["bearer_token"]
    assert "super-secret-token" not in out + err
    assert "Created a new credentials encryption key" in err
    key = tmp_path / "fernet.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600

    code, out, _ = aiops(tmp_path, "cluster", "list", "--json")
    assert code == 0
    assert [c["name"] for c in json.loads(out)] == ["prod-east"]
    code, out, _ = aiops(tmp_path, "cluster", "list", "--environment", "LAB", "--json")
    assert json.loads(out) == []

    code, out, _ = aiops(tmp_path, "cluster", "show", "prod-east")
    assert code == 0
    assert "prom.invalid" in out
    assert "super-secret-token" not in out

    code, _, err = aiops(tmp_path, "cluster", "remove", "prod-east", "--yes")
    assert code == 0
    assert "Removed" in err
    code, out, _ = aiops(tmp_path, "cluster", "list", "--json")
    assert json.loads(out) == []


def test_bad_input_gets_a_clear_error_and_exit_code(tmp_path: Path) -> None:
    code, _, err = aiops(tmp_path, "cluster", "add", "Bad_Name", "--no-probe")
    assert code == 1
    assert "Bad_Name" in err
    code, _, err = aiops(tmp_path, "cluster", "show", "ghost")
    assert code == 1
    assert "ghost" in err
    code, _, err = aiops(tmp_path, "cluster", "add", "dup-one", "--no-probe")
    assert code == 0
    code, _, err = aiops(tmp_path, "cluster", "add", "dup-one", "--no-probe")
    assert code == 1
    assert "dup-one" in err


def test_probe_shows_real_endpoint_state(tmp_path: Path) -> None:
    aiops(tmp_path, "cluster", "add", "edge-a", "--prometheus", "http://prom.edge.test", "--no-probe")
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="prom.edge.test").respond(503, text="not ready")
        code, out, err = aiops(tmp_path, "cluster", "probe", "edge-a", "--json")
    assert code == 0, err
    probed = json.loads(out)[0]
    assert probed["status"]["state"] == "OFFLINE"
    assert probed["status"]["endpoints"]["prometheus"]["status_code"] == 503


def test_import_kubeconfig_registers_the_context(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        """
apiVersion: v1
kind: Config
current-context: admin@lab
clusters:
- name: lab-cluster
  cluster: {server: "https://api.lab.example:6443"}
users:
- name: admin
  user: {token: "sha256~kube-token-value"}
contexts:
- name: admin@lab
  context: {cluster: lab-cluster, user: admin}
"""
    )
    code, out, err = aiops(tmp_path, "cluster", "import-kubeconfig", str(kubeconfig), "--no-probe", "--json")
    assert code == 0, err
    imported = json.loads(out)
    assert imported["name"] == "lab-cluster"
    assert imported["endpoints"]["api"] == "https://api.lab.example:6443"
    assert "kube-token-value" not in out + err
    code, _, err = aiops(tmp_path, "cluster", "import-kubeconfig", str(kubeconfig), "--context", "nope", "--no-probe")
    assert code == 1
    assert "admin@lab" in err


def test_an_unreachable_database_is_one_clear_line_without_its_password(tmp_path: Path) -> None:
    env = {
        "AIOPS_DATABASE_URL": "postgresql+psycopg://aiops:hunter2@127.0.0.1:1/fleet?connect_timeout=2",
        "AIOPS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    result = runner.invoke(build_cli(), ["cluster", "list", "--data-dir", str(tmp_path)], env=env)
    assert result.exit_code == 1, result.output
    assert "database error:" in result.stderr and "AIOPS_DATABASE_URL" in result.stderr
    assert "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3
