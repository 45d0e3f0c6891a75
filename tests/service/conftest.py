"""A running service (TestClient) over a fresh store, with one token per role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from paxsilica.certify.certificate import write_key_pair
from paxsilica.cli.app import app as cli_app
from paxsilica.service import RateLimit, ServiceConfig, create_app
from paxsilica.service.access import ROLES, add_token

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


def cli(*args: object, exit_code: int = 0) -> str:
    """Run the CLI in-process; its stdout (the test fails on another exit status than
    ``exit_code``: ``certify`` exits 1 on a FAIL verdict)."""
    result = CliRunner().invoke(cli_app, [str(a) for a in args])
    assert result.exit_code == exit_code, result.output
    return result.stdout


def cli_json(*args: object) -> object:
    return json.loads(cli(*args))


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return write_key_pair(tmp_path_factory.mktemp("keys"))


def make_client(db: Path | str, keys: tuple[Path, Path] | None, **config: object):
    app = create_app(ServiceConfig(db=db, sign_key=keys[0] if keys else None, **config))
    return TestClient(app)


@pytest.fixture(scope="module")
def service(tmp_path_factory, keys):
    """``(client, tokens)``: a started service; ``tokens[role]`` is a live token of that role."""
    db = tmp_path_factory.mktemp("service") / "service.duckdb"
    with make_client(db, keys, rate_limit=RateLimit(rate=1000, burst=1000)) as client:
        store = client.app.state.service.store
        tokens = {role: add_token(store, role, role, who="test") for role in ROLES}
        yield client, tokens


@pytest.fixture(scope="module")
def client(service):
    return service[0]


@pytest.fixture(scope="module")
def tokens(service):
    return service[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def cli_db(tmp_path_factory) -> Path:
    """A separate database for the CLI oracle (same bundled data as the service's)."""
    return tmp_path_factory.mktemp("cli") / "cli.duckdb"
