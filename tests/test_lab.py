"""`make lab`: JupyterLab from the project's own .venv, opened at book/, whose
kernel is the .venv's Python with convlab (editable) importable.

The server is started through `make lab` itself, headless, on a free port of
127.0.0.1 only and with a token; it is asked over its REST API for its status,
its files and its kernel, a kernel is started through it and runs code over
its websocket, and the server is shut down through the API. Every wait is
bounded and the process group is killed in a finally.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from support import require

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
START_TIMEOUT = 300      # seconds; includes `make`'s pip install when the .venv's stamp is stale
REQUEST_TIMEOUT = 30
LAB_STAMP = ".installed-lab-extra"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed_extras() -> str | None:
    """The EXTRAS the .venv was installed with, from the Makefile's stamp, so that
    `make lab` run here reuses that install instead of reinstalling other extras."""
    stamps = [p for p in VENV.glob(".installed-*") if p.name != LAB_STAMP]
    if len(stamps) != 1:
        return None
    return stamps[0].name.removeprefix(".installed-").replace("-", ",")


class Lab:
    def __init__(self, base: str, token: str, proc: subprocess.Popen, log: Path):
        self.base, self.token, self.proc, self.log = base, token, proc, log

    def request(self, path: str, method: str = "GET", body: dict | None = None, token: bool = True):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
            text = resp.read().decode()
            return resp.status, (json.loads(text) if "json" in resp.headers.get("Content-Type", "") else text)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    require("jupyterlab", "make lab opens the chapters in JupyterLab (the `lab` extra)")
    make = shutil.which("make")
    assert make, "make is not on PATH"
    home = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(24)
    args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={token}")
    cmd = [make, "--no-print-directory", "lab", f"LAB_ARGS={args}"]
    if extras := installed_extras():
        cmd.append(f"EXTRAS={extras}")
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # the server's runtime files, settings and IPython profile in a scratch directory
    env |= {"JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_CONFIG_DIR": str(home / "config"),
            "IPYTHONDIR": str(home / "ipython")}
    log = home / "lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = Lab(f"http://127.0.0.1:{port}", token, proc, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert proc.poll() is None, f"`make lab` exited with {proc.returncode}:\n{server.tail()}"
            assert time.monotonic() < deadline, f"no answer on port {port} in {START_TIMEOUT} s:\n{server.tail()}"
            try:
                if server.request("/api/status")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        yield server
    finally:
        try:
            if proc.poll() is None:
                server.request("/api/shutdown", method="POST")
                proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - whatever failed, the finally below kills it
            pass
        finally:
            _stop(proc)


def test_lab_answers_on_localhost_with_its_token(lab):
    status, info = lab.request("/api/status")
    assert status == 200 and "started" in info
    with pytest.raises(urllib.error.HTTPError) as denied:
        lab.request("/api/status", token=False)
    assert denied.value.code in (401, 403)
    status, page = lab.request(f"/lab?token={lab.token}", token=False)
    assert status == 200 and "JupyterLab" in page


def test_lab_opens_at_the_chapters(lab):
    _, listing = lab.request("/api/contents")
    names = {item["name"] for item in listing["content"]}
    chapters = {p.name for p in (ROOT / "book").glob("*.ipynb")}
    assert chapters and chapters <= names, f"the file browser shows {sorted(names)}"


def test_its_kernel_is_the_venv_python(lab):
    _, specs = lab.request("/api/kernelspecs")
    default = specs["default"]
    argv = specs["kernelspecs"][default]["spec"]["argv"]
    assert Path(argv[0]).parent == VENV / "bin", f"kernel {default!r} runs {argv[0]}, not the .venv's python"
    assert specs["kernelspecs"][default]["spec"]["language"] == "python"


async def _execute(ws_url: str, code: str, timeout: float) -> tuple[dict, str]:
    """Run ``code`` on a kernel over the server's websocket; the execute_reply and stdout."""
    from tornado.websocket import websocket_connect

    conn = await asyncio.wait_for(websocket_connect(ws_url), timeout)
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "session": session, "username": "test", "msg_type": "execute_request",
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    reply, stdout, idle = None, [], False
    deadline = time.monotonic() + timeout
    try:
        while reply is None or not idle:
            raw = await asyncio.wait_for(conn.read_message(), max(0.1, deadline - time.monotonic()))
            assert raw is not None, "the kernel's websocket closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream" and msg["content"]["name"] == "stdout":
                stdout.append(msg["content"]["text"])
            elif kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
    finally:
        conn.close()
    return reply, "".join(stdout)


def test_a_kernel_started_from_it_imports_convlab(lab):
    _, specs = lab.request("/api/kernelspecs")
    status, kernel = lab.request("/api/kernels", method="POST", body={"name": specs["default"]})
    assert status == 201
    try:
        ws = lab.base.replace("http://", "ws://") + f"/api/kernels/{kernel['id']}/channels?token={lab.token}"
        code = "import sys, convlab\nprint(sys.prefix)\nprint(convlab.__file__)"
        reply, out = asyncio.run(_execute(ws, code, timeout=120))
        assert reply["status"] == "ok", f"{reply.get('ename')}: {reply.get('evalue')}"
        prefix, module = out.splitlines()[:2]
        assert Path(prefix) == VENV
        assert Path(module) == ROOT / "convlab" / "__init__.py", "convlab is not the editable install of this tree"
    finally:
        lab.request(f"/api/kernels/{kernel['id']}", method="DELETE")


def test_it_stops_cleanly(lab):
    status, _ = lab.request("/api/shutdown", method="POST")
    assert status in (200, 202, 204)
    assert lab.proc.wait(timeout=60) == 0, f"`make lab` ended with {lab.proc.returncode}:\n{lab.tail()}"
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        lab.request("/api/status")
