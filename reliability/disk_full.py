"""Disk full and an upload cut off: a clear error and nothing half-written.

Amity served by gunicorn with its uploads (``AMITY_VAR_DIR/media``) on a 1 MB tmpfs; a CRM
export larger than that uploaded through the API answers 507 naming the problem, and leaves
no file (not even a partial one) and no import row. Then a multipart upload whose
Content-Length promises more than is sent, the socket closed half-way: nothing is stored.
Needs permission to mount a tmpfs (root or CAP_SYS_ADMIN); without it the disk-full half is
skipped and said so.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability.common import Result, base_env, django_eval, free_port, prepare, scenario_main, start_server
from reliability.worker_kill import accounts_csv

COUNT = """
import json
from amity.pipeline.models import ImportJob
print(json.dumps({"jobs": ImportJob.objects.count()}))
"""


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


def mount_tmpfs(path: Path, size: str = "1m") -> str | None:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
    )
    return None if done.returncode == 0 else (done.stderr.strip() or "mount failed")


def cut_upload(port: int, token: str) -> str:
    """Send a multipart POST that stops half-way and close the socket."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\naccounts\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + accounts_csv(3000)[:100_000]
    request = (
        f"POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body) + 500_000}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request + body)
        time.sleep(0.5)
        sock.shutdown(socket.SHUT_WR)
        try:
            answer = sock.recv(200).decode(errors="replace").splitlines()
        except OSError:
            answer = []
    return answer[0] if answer else "(no answer)"


def run(*, quick: bool = False, work_dir: Path | None = None) -> Result:
    import requests

    result = Result("disk full / upload cut off")
    started = time.monotonic()
    work = Path(work_dir or tempfile.mkdtemp(prefix="amity-rel-disk-"))
    media = work / "var" / "media"
    problem = mount_tmpfs(media)
    mounted = problem is None
    env = base_env(work / "var", f"sqlite:///{work / 'amity.sqlite3'}")
    server = None
    try:
        token = prepare(env)[0]
        port = free_port()
        server = start_server(env, port, work / "gunicorn.log", workers=2)
        base = f"http://127.0.0.1:{port}"
        if mounted:
            data = accounts_csv(30000)  # ~3 MB on a 1 MB disk
            response = requests.post(
                base + "/api/v1/imports",
                headers={"Authorization": f"Bearer {token}"},
                data={"kind": "accounts", "format": "salesforce"},
                files={"file": ("big.csv", data, "text/csv")},
                timeout=60,
            )
            result.operations += 1
            left = files_under(media)
            jobs = django_eval(env, COUNT)["jobs"]
            clear = response.status_code == 507 and "disk is full" in response.text
            result.details["disk_full"] = {
                "bytes": len(data),
                "status": response.status_code,
                "answer": response.text[:300],
                "files_left": left,
                "import_rows": jobs,
            }
            if clear:
                result.explained += 1
            else:
                result.errors += 1
            result.lost_writes += len(left) + jobs  # anything half-written counts
            result.notes.append(
                f"disk full: {response.status_code}, {len(left)} files left, {jobs} import rows"
            )
            # The disk is still usable afterwards: a small upload works.
            small = requests.post(
                base + "/api/v1/imports",
                headers={"Authorization": f"Bearer {token}"},
                data={"kind": "accounts", "format": "salesforce"},
                files={"file": ("small.csv", accounts_csv(50), "text/csv")},
                timeout=60,
            )
            result.operations += 1
            if small.status_code != 201:
                result.errors += 1
                result.notes.append(
                    f"a small upload afterwards answered {small.status_code}: {small.text[:200]}"
                )
            result.details["small_upload_after"] = small.status_code
        else:
            result.notes.append(f"disk-full half skipped: cannot mount a tmpfs ({problem})")
        before_files, before_jobs = files_under(media), django_eval(env, COUNT)["jobs"]
        rounds = 2 if quick else 5
        answers = [cut_upload(port, token) for _ in range(rounds)]
        time.sleep(1)
        after_files, after_jobs = files_under(media), django_eval(env, COUNT)["jobs"]
        result.operations += rounds
        stored = (len(after_files) - len(before_files)) + (after_jobs - before_jobs)
        result.lost_writes += max(stored, 0)
        result.explained += rounds
        result.details["cut_upload"] = {
            "answers": answers,
            "new_files": after_files[len(before_files) :],
            "new_rows": after_jobs - before_jobs,
        }
        result.notes.append(f"{rounds} cut-off uploads: {stored} things stored (first answer: {answers[0]})")
        if server.process.poll() is not None:
            result.errors += 1
            result.notes.append("gunicorn died")
    finally:
        if server is not None:
            server.stop()
        if mounted:
            subprocess.run(["umount", "-l", str(media)], capture_output=True)
        result.seconds = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    scenario_main(__doc__, run)


if __name__ == "__main__":
    main()
