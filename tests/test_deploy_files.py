"""No Docker engine runs here, so the Dockerfile and compose file are checked by reading them."""
import re
import shlex
import tomllib

import pytest
import yaml
from click.testing import CliRunner

from app.__main__ import cli
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _parallax_commands_exist(argv: list[str]) -> None:
    assert argv[0] == "parallax", argv
    args = [a for a in argv[1:] if not a.startswith("-")]
    result = CliRunner().invoke(cli, [*argv[1:], "--help"] if args else ["--help"])
    assert result.exit_code == 0, f"{argv}: {result.output}"


def test_dockerfile_is_multi_stage_cpu_only_and_non_root():
    instructions = _instructions()
    froms = [arg for op, arg in instructions if op == "FROM"]
    assert len(froms) >= 2 and all("slim" in f for f in froms)
    runs = " ".join(arg for op, arg in instructions if op == "RUN")
    assert "download.pytorch.org/whl/cpu" in runs and "torch==2.13.0" in runs
    users = [arg for op, arg in instructions if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert any(op == "HEALTHCHECK" and "/healthz" in arg for op, arg in instructions)


def test_dockerfile_copies_what_the_app_reads_at_run_time():
    copied = " ".join(arg for op, arg in _instructions() if op == "COPY")
    for path in ("app", "migrations", "templates", "static", "seeds", "alembic.ini", "pyproject.toml",
                 "requirements.lock"):
        assert path in copied
        assert (ROOT / path).exists()


def test_dockerfile_command_exists():
    (cmd,) = [arg for op, arg in _instructions() if op == "CMD"]
    _parallax_commands_exist(yaml.safe_load(cmd))


def test_compose_runs_postgres_with_pgvector_then_migrations_then_the_app():
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("pgvector/pgvector:")
    assert "pgdata" in COMPOSE["volumes"]
    assert any(v.startswith("pgdata:") for v in services["db"]["volumes"])
    assert "healthcheck" in services["db"] and "healthcheck" in services["web"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for name in ("migrate", "web"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in services[name]["environment"]["DATABASE_URL"]


def test_every_compose_command_exists_in_the_project():
    for service in COMPOSE["services"].values():
        if "command" in service:
            argv = service["command"] if isinstance(service["command"], list) else shlex.split(service["command"])
            _parallax_commands_exist(argv)


def test_console_script_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["parallax"] == "app.__main__:cli"


def test_compose_runs_a_worker_for_background_jobs():
    worker = COMPOSE["services"]["worker"]
    assert worker["command"] == ["parallax", "worker"]
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert worker["environment"]["DATABASE_URL"] == COMPOSE["services"]["web"]["environment"]["DATABASE_URL"]


def test_compose_will_not_start_without_an_admin_token():
    # Compose's ${VAR:?message} stops `docker compose up` with the message when VAR is unset or empty.
    raw = (ROOT / "docker-compose.yml").read_text()
    for name in ("migrate", "web", "worker"):
        token = COMPOSE["services"][name]["environment"]["PARALLAX_ADMIN_TOKEN"]
        assert re.fullmatch(r"\$\{PARALLAX_ADMIN_TOKEN:\?[^}]*PARALLAX_ADMIN_TOKEN[^}]*\}", token), token
    assert "ALLOW_ANONYMOUS_WRITES" not in raw


def test_serving_beyond_loopback_without_a_token_is_refused_with_the_way_out(settings, monkeypatch):
    monkeypatch.setattr(settings, "admin_token", None)
    monkeypatch.setattr(settings, "allow_anonymous_writes", False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert result.exit_code == 2, result.output
    assert "refusing to serve on 0.0.0.0 without PARALLAX_ADMIN_TOKEN" in result.output
    assert "PARALLAX_ALLOW_ANONYMOUS_WRITES=true" in result.output


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                            ("[::1]", True), ("0.0.0.0", False), ("::", False),
                                            ("192.168.1.4", False), ("example.org", False)])
def test_which_addresses_count_as_this_machine_only(host, loopback):
    from app.__main__ import is_loopback

    assert is_loopback(host) is loopback
