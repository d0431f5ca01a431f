"""Audited pages under HTTP load: the queue and the case page through gunicorn, against a hello-world Flask app
on the same machine in the same run, with one and with two workers (issue 14).

    python -m benchmarks.bulk_seed postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale --cases 1000000  # once
    python -m benchmarks.http_load postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale --seconds 20

For each worker count (1, then 2) it starts gunicorn (sync workers) on the benchmark database, signs in
``--clients`` advocates' browsers (keep-alive connections, one thread each) and requests the page for
``--seconds``, then does the same against a hello-world Flask app. Every queue and case-page request writes an
audit event, so the worker comparison shows whether audited requests still queue behind one another (they did
while every event locked the chain head). The load generator runs on the same machine and takes CPU from the
servers: compare figures within one run, and read them with the load average printed beside them.

``--client wrk`` drives the load with wrk (Debian's ``wrk`` package: ``apt-get install wrk``), as the issue's own
figures were taken: ``--clients`` connections on two wrk threads, the paths taken in turn by a small Lua script,
p50 and p99 from wrk's latency distribution. wrk costs the servers far less CPU than Python threads do, so
hello world runs several times faster under it and the percentage is the harder one to reach.

``--floors`` also loads three steps between hello world and an audited page, on bench-only routes added by a
module this script writes beside hello world (never part of the app): signed in with the permission checked; then
one audit event written and committed; then the page shell rendered around nothing. They show what any audited
page costs before its own work.
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-only-password"
HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'Hello, world'\n"
# --floors: the app with three bench-only routes added (in this file, never in the app), each a step from hello world
# towards an audited page: signed in with the permission checked; then one audit event written and committed; then
# the page shell (base.html) rendered around an empty page. What is left between the last and the queue is the
# queue's own work.
FLOORS = """from flask import render_template

from victimcare.services import audit
from victimcare.web import current_actor, permission_required
from wsgi import app

SHELL = app.jinja_env.from_string('{% extends "base.html" %}{% block content %}<p>Nothing</p>{% endblock %}')


def _audited():
    actor = current_actor()
    audit.record(actor, "list", "case", None, service_id=actor.service_id, changes={"page": 1, "ids": []})


@app.get("/bench/signed-in")
@permission_required("case.view")
def signed_in():
    return "signed in"


@app.get("/bench/audited")
@permission_required("case.view")
def audited():
    _audited()
    return "audited"


@app.get("/bench/shell")
@permission_required("case.view")
def shell():
    _audited()
    return render_template(SHELL)
"""
FLOOR_PATHS = (("signed in, nothing else", "/bench/signed-in"), ("+ one audit event", "/bench/audited"),
               ("+ the page shell", "/bench/shell"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(app_spec: str, workers: int, env: dict, cwd: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                                app_spec], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/")
            connection.getresponse().read()
            return process, port
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start")


def _sign_in(port: int, email: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = f"email={email}&password={PASSWORD}&csrf_token={token}"
    connection.request("POST", "/sign-in", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    return (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]


def _load(port: int, paths: list[str], cookie: str | None, clients: int, seconds: float) -> dict:
    timings: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        mine, i = [], n
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", paths[i % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
            i += clients
        with lock:
            timings.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    timings.sort()
    return {"rps": len(timings) / elapsed, "p50": statistics.median(timings) * 1000,
            "p99": timings[int(0.99 * (len(timings) - 1))] * 1000, "n": len(timings), "errors": errors[0]}


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def _wrk_ms(value: str) -> float:
    units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", value).groups()
    return float(number) * units[unit]


def _load_wrk(port: int, paths: list[str], cookie: str | None, clients: int, seconds: float) -> dict:
    script = Path("/tmp/victimcare-hello/paths.lua")
    script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
    command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:.0f}s", "--latency",
               "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}/"], capture_output=True, text=True,
                            check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", output).group(1)),
            "p50": _wrk_ms(latency["50"]), "p99": _wrk_ms(latency["99"]),
            "n": int(re.search(r"(\d+) requests in", output).group(1)), "errors": int(errors.group(1)) if errors else 0}


def _prepare(database_url: str) -> tuple[str, list[int]]:
    from sqlalchemy import select

    from victimcare import create_app
    from victimcare.extensions import db
    from victimcare.models import Case, Service, User
    from victimcare.services.users import hash_password

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-only",
                                 "JOBS_EAGER": True})
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.slug == "domestic-abuse"))
        email = "bench-advocate@domestic-abuse.bench"
        if db.session.scalar(select(User).where(User.email == email)) is None:
            db.session.add(User(email=email, name="Bench Advocate", role="advocate", service_id=service.id,
                                password_hash=hash_password(PASSWORD)))
            db.session.commit()
        case_ids = list(db.session.scalars(select(Case.id).where(Case.service_id == service.id).limit(200)))
        db.engine.dispose()
    return email, case_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--client", choices=("threads", "wrk"), default="threads",
                        help="load generator: Python threads (default) or wrk (apt-get install wrk)")
    parser.add_argument("--floors", action="store_true",
                        help="also load three bench-only routes (signed in; + an audit event; + the page shell) to "
                             "show what an audited page costs before its own work")
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk on the PATH (apt-get install wrk)")
    load = _load_wrk if args.client == "wrk" else _load
    email, case_ids = _prepare(args.database_url)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEST_", "VICTIMCARE_"))}
    env.update({"VICTIMCARE_CONFIG": "default", "DATABASE_URL": args.database_url, "SECRET_KEY": "bench-only-" + "x" * 32,
                "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "10000 per minute",
                "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "CELERY_QUEUE": "bench-http-load"})
    hello_dir = Path("/tmp/victimcare-hello")
    hello_dir.mkdir(exist_ok=True)
    (hello_dir / "hello.py").write_text(HELLO)
    (hello_dir / "floors.py").write_text(FLOORS)
    print(f"{args.clients} clients ({args.client}), {args.seconds:.0f} s each; load average before {os.getloadavg()[0]:.1f}")
    print(f"{'workers':>7} {'what':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'% of hello':>10} {'load':>5}")
    for workers in args.workers:
        hello, port = _start("hello:app", workers, env, hello_dir)
        try:
            base = load(port, ["/"], None, args.clients, args.seconds)
        finally:
            hello.terminate()
            hello.wait()
        print(f"{workers:>7} {'hello world':<28} {base['rps']:8.0f} {base['p50']:8.1f} {base['p99']:8.1f} {'':>10} "
              f"{os.getloadavg()[0]:5.1f}", flush=True)
        server, port = _start("floors:app" if args.floors else "wsgi:app", workers,
                              dict(env, PYTHONPATH=str(hello_dir)) if args.floors else env, ROOT)
        try:
            cookie = _sign_in(port, email)
            pages = [(name, [path]) for name, path in FLOOR_PATHS] if args.floors else []
            pages += [("queue (audited)", ["/cases/"]), ("case page (audited)", [f"/cases/{i}" for i in case_ids])]
            for name, paths in pages:
                result = load(port, paths, cookie, args.clients, args.seconds)
                print(f"{workers:>7} {name:<28} {result['rps']:8.0f} {result['p50']:8.1f} {result['p99']:8.1f} "
                      f"{100 * result['rps'] / base['rps']:9.1f}% {os.getloadavg()[0]:5.1f}"
                      + (f"  ({result['errors']} errors)" if result["errors"] else ""), flush=True)
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
