"""A `mailplane worker` killed mid-job on Redis: another one finishes the job.

The first worker is SIGKILLed once the job has recorded progress. Redis
hands the unacknowledged message to the second worker once the first one's
heartbeat is older than the (short) heartbeat timeout; the second worker
resumes from the job's checkpoint, and message keys keep the deliveries
the first one made after that checkpoint from being repeated.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.services.mass_mail import request_mass_email
from core.services.recipients import RecipientGroup
from tests.conftest import ADMIN_PASSWORD
from tests.workers.conftest import broker_config, remove_namespace
from tests.workers.support import (
    inbox_messages,
    make_domain,
    read_job,
    request_job,
    system_admin,
    wait_for_job,
)
from workers.broker import connect

USERS = 600
MAILPLANE = Path(sys.executable).with_name("mailplane")


def _worker(runtime, log: Path) -> subprocess.Popen:
    config = runtime.config
    env = os.environ | {
        "MAILPLANE_DATA_DIR": str(config.data_dir),
        "MAILPLANE_DATABASE_URL": config.database_url,
        "MAILPLANE_BROKER_URL": config.broker_url,
        "MAILPLANE_BROKER_NAMESPACE": config.broker_namespace,
        "MAILPLANE_BROKER_HEARTBEAT_MS": str(config.broker_heartbeat_ms),
        "MAILPLANE_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MAILPLANE_PLUGINS": "",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(MAILPLANE), "worker", "--threads", "1"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _log_tail(log: Path) -> str:
    lines = [line for line in log.read_text().splitlines() if "Indexed" not in line]
    return "\n".join(lines[-40:])


def _wait_for_progress(runtime, job_id: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = read_job(runtime, job_id)
        if job.done > 0:
            return job.done
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} made no progress in {timeout}s")


def _mass_email(runtime) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime,
        lambda session: request_mass_email(
            session,
            runtime,
            admin,
            group=RecipientGroup.ALL_USERS,
            domain=None,
            user=None,
            sender=None,
            friendly_name=None,
            subject="Hello",
            body="Hello, everyone.",
            html=False,
        ),
    )


def test_killed_worker_leaves_job_to_another(runtime, tmp_path):
    namespace = broker_config(runtime, "redis")
    domain = make_domain(runtime, "a.test", users=USERS)
    jobs = connect(runtime)
    job_id = _mass_email(runtime)
    log = tmp_path / "workers.log"

    first = _worker(runtime, log)
    try:
        progress = _wait_for_progress(runtime, job_id)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        cut_short = read_job(runtime, job_id)
        second = _worker(runtime, log)
        try:
            job = wait_for_job(runtime, job_id, timeout=60)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{_log_tail(log)}") from None
        finally:
            second.terminate()
            second.wait(20)
    finally:
        first.kill()
        jobs.stop()
        remove_namespace("redis", namespace)

    local_parts = ["boss", *(f"user{n:05d}" for n in range(USERS))]
    counts = [len(inbox_messages(domain, local)) for local in local_parts]
    assert progress > 0 and cut_short.state == "running"
    assert cut_short.done < USERS + 1
    assert job.state == "succeeded", _log_tail(log)
    assert job.attempts == 2
    assert counts == [1] * (USERS + 1), (job.result, sorted(set(counts)))
    assert job.result["delivered"] == USERS + 1, job.result
