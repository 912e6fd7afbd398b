"""The `vigie` command line: demo, democode, createadmin, manage, serve."""

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from vigie.accounts.models import RoleAssignment, User
from vigie.organisations.demo import DEMO_PASSWORD, REGION_NAME
from vigie.core.roles import Role
from vigie.organisations.models import Kind, Organisation


def run(*args, stdin: str = "") -> str:
    out = io.StringIO()
    if stdin:
        sys_stdin, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        if stdin:
            sys.stdin = sys_stdin
    return out.getvalue()


def test_demo_builds_the_region_its_ght_and_one_user_per_role(db):
    output = run("demo")
    region = Organisation.objects.get(kind=Kind.REGION, name=REGION_NAME)
    ght = region.children.get(kind=Kind.GHT)
    assert ght.children.filter(kind=Kind.LEGAL_ENTITY).count() == 3
    assert Organisation.objects.filter(kind=Kind.SITE, path__startswith=ght.path).count() == 5
    clinic = region.children.get(kind=Kind.LEGAL_ENTITY)
    assert clinic.legal_status == "private_for_profit"
    roles = {(a.user.username, a.role) for a in RoleAssignment.objects.select_related("user")}
    assert {("demo-admin", Role.ADMIN), ("demo-ars", Role.ARS_REFERENT), ("demo-rssi", Role.MANAGER),
            ("demo-contrib", Role.CONTRIBUTOR), ("demo-reader", Role.READER)} == roles
    assert DEMO_PASSWORD in output
    secrets = re.findall(r"TOTP secret ([A-Z2-7]{32})", output)
    assert len(secrets) == 5
    assert User.objects.get(username="demo-rssi").check_password(DEMO_PASSWORD)


def test_demo_again_adds_nothing_and_issues_new_secrets(db):
    first = re.findall(r"TOTP secret (\w+)", run("demo"))
    count = Organisation.objects.count()
    second = re.findall(r"TOTP secret (\w+)", run("demo"))
    assert Organisation.objects.count() == count
    assert set(first).isdisjoint(second)


def test_democode_prints_a_code_the_device_accepts_and_refuses_real_accounts(world):
    run("demo")
    code = run("democode", "demo-rssi").strip()
    device = User.objects.get(username="demo-rssi").totpdevice_set.get()
    assert device.verify_token(code) is True
    with pytest.raises(CommandError, match="not a demo user"):
        run("democode", "alice")


def test_createadmin_makes_a_national_administrator(db):
    run("createadmin", "--username", "root", "--password-stdin", stdin="a long enough passphrase 42\n")
    user = User.objects.get(username="root")
    assert user.is_superuser is True
    assert user.roles.get().organisation.kind == Kind.NATIONAL
    assert user.roles.get().role == Role.ADMIN
    with pytest.raises(CommandError, match="already exists"):
        run("createadmin", "--username", "root", "--password-stdin", stdin="another long passphrase 42\n")


def test_createadmin_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="too short|trop court"):
        run("createadmin", "--username", "weak", "--password-stdin", stdin="short\n")
    assert not User.objects.filter(username="weak").exists()


def vigie(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vigie.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def fresh_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    env.update(VIGIE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="vigie.settings")
    return env


def test_manage_reaches_django_commands_and_help_lists_ours(fresh_env):
    assert "serve" in vigie("--help", env=fresh_env).stdout
    result = vigie("manage", "check", env=fresh_env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_malformed_setting_stops_with_its_name(fresh_env):
    result = vigie("manage", "check", env={**fresh_env, "VIGIE_LOCKOUT_THRESHOLD": "five"})
    assert result.returncode != 0
    assert "VIGIE_LOCKOUT_THRESHOLD must be an integer" in result.stderr


def test_the_secret_key_is_generated_once_and_kept(fresh_env, tmp_path):
    vigie("manage", "check", env=fresh_env)
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    vigie("manage", "check", env=fresh_env)
    assert (tmp_path / "secret_key").read_text() == key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> dict[int, bool]:
    """A process's children (gunicorn's web processes, the local job worker): pid → is the job worker."""
    found = {}
    for child in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split():
        try:
            found[int(child)] = "vigie.cli\0worker" in open(f"/proc/{child}/cmdline").read()
        except OSError:  # it ended meanwhile
            pass
    return found


def test_serve_migrates_prints_its_url_serves_and_runs_a_local_worker(fresh_env, tmp_path):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "vigie.cli", "serve", "--port", str(port), "--processes", "2"],
                              env=fresh_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        line = ""
        deadline = time.monotonic() + 180  # a fresh database migrates first: slow on a busy machine
        while f"http://127.0.0.1:{port}/" not in line and time.monotonic() < deadline:
            line = server.stdout.readline()
        assert f"Vigie is running at http://127.0.0.1:{port}/" in line
        for _ in range(50):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        assert page.status == 200
        assert 'name="username"' in page.read().decode()
        assert (tmp_path / "vigie.sqlite3").exists()  # migrated into the data directory
        found = children(server.pid)
        job_workers = [pid for pid, is_worker in found.items() if is_worker]
        web = [pid for pid, is_worker in found.items() if not is_worker]
        assert len(job_workers) == 1  # the local job worker
        assert len(web) == 2  # the two web processes asked for
        # a web process that ends (gunicorn starts another) leaves the job worker running
        os.kill(web[0], signal.SIGTERM)
        time.sleep(3)
        assert [pid for pid, is_worker in children(server.pid).items() if is_worker] == job_workers
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True).returncode == 1


def test_serve_starts_no_worker_when_a_broker_is_configured(fresh_env):
    port = free_port()
    env = {**fresh_env, "VIGIE_BROKER_URL": "redis://vigie:s3cret@127.0.0.1:6379/15"}
    server = subprocess.Popen([sys.executable, "-m", "vigie.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output = ""
        deadline = time.monotonic() + 180  # a fresh database migrates first: slow on a busy machine
        while "Jobs:" not in output and time.monotonic() < deadline:
            output += server.stdout.readline()
        assert "Jobs: workers on redis://127.0.0.1:6379/15" in output
        assert "s3cret" not in output
        assert not any(children(server.pid).values())  # no job worker
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_serve_compiles_every_template_before_its_web_processes_are_forked():
    from django.template import engines

    from vigie.core.management.commands.serve import warm_up

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    warm_up()
    compiled = set(loader.get_template_cache)
    assert {"steering/matrix.html", "base.html", "core/_paging.html"} <= compiled
