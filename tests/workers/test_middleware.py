"""The job middleware: failures recorded, cancellations honoured, plugins' actors."""

import threading
import time
import types

import dramatiq
import pytest

import workers.actors
from core.db import session_scope
from core.errors import InvalidInput
from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.runtime import build_runtime
from core.services.jobs import cancel_job, create_job, save_progress
from tests.workers.conftest import broker_config
from tests.workers.support import read_job, system_admin, wait_for_job
from workers.actors import job_actor
from workers.embedded import start_jobs


@pytest.fixture
def stub_jobs(runtime):
    broker_config(runtime, "stub")
    jobs = start_jobs(runtime)
    yield jobs
    jobs.stop()


@pytest.fixture
def test_bodies(monkeypatch):
    """Job bodies for this test only, registered like a plugin's."""
    bodies = dict(workers.actors._bodies)
    monkeypatch.setattr(workers.actors, "_bodies", bodies)
    return bodies


def _start(runtime, kind: str) -> int:
    with session_scope(runtime.engine) as session:
        return create_job(session, runtime, system_admin(runtime), kind, {}).id


def _restart(runtime):
    """Connect again, so that the bodies registered now are declared."""
    runtime.extras.pop("job_queue").stop()
    return start_jobs(runtime)


def test_failing_actor_records_its_error_code(runtime, stub_jobs, test_bodies):
    def refuse(runtime, job):
        raise InvalidInput("No.", field="domain", code="NOPE")

    job_actor("test_refuse")(refuse)
    jobs = _restart(runtime)

    job = wait_for_job(runtime, _start(runtime, "test_refuse"))

    assert job.state == "failed"
    assert job.errors == [{"field": "domain", "code": "NOPE", "message": "No."}]
    jobs.stop()


def test_unexpected_error_is_recorded_without_details(runtime, stub_jobs, test_bodies):
    def crash(runtime, job):
        raise RuntimeError("/secret/path")

    job_actor("test_crash")(crash)
    jobs = _restart(runtime)

    job = wait_for_job(runtime, _start(runtime, "test_crash"))

    assert job.errors[0]["code"] == "INTERNAL_ERROR"
    assert "secret" not in job.errors[0]["message"]
    jobs.stop()


def test_cancel_job_stops_a_running_actor(runtime, stub_jobs, test_bodies):
    started = threading.Event()

    def endless(runtime, job):
        for done in range(10_000):
            save_progress(runtime.engine, job.id, done=done + 1)
            started.set()
            time.sleep(0.01)
        return {}

    job_actor("test_endless")(endless)
    jobs = _restart(runtime)
    job_id = _start(runtime, "test_endless")
    assert started.wait(10)

    with session_scope(runtime.engine) as session:
        cancel_job(session, system_admin(runtime), job_id)

    jobs.stop()
    job = read_job(runtime, job_id)
    assert job.state == "cancelled" and job.errors == []
    assert 0 < job.done < 10_000


def test_plugin_declares_actors_on_the_chosen_broker(runtime):
    declared = []
    module = types.ModuleType("actor_plugin")
    module.PLUGIN_INFO = PluginInfo("actor_plugin", "1.0", "Declares an actor.")

    @hookimpl
    def register_actors(broker) -> None:
        declared.append(dramatiq.actor(lambda: None, broker=broker, actor_name="ping"))

    module.register_actors = register_actors
    with_plugin = build_runtime(runtime.config, plugin_modules=[module])
    broker_config(with_plugin, "stub")

    jobs = start_jobs(with_plugin)

    assert jobs.broker.get_actor("ping") is declared[0]
    assert declared[0].broker is jobs.broker is dramatiq.get_broker()
    jobs.stop()
    with_plugin.engine.dispose()


def test_stopping_worker_leaves_its_job_to_resume(runtime, stub_jobs, test_bodies):
    started = threading.Event()

    def resumable(runtime, job):
        if job.attempts == 1:
            started.set()
            while True:
                time.sleep(0.01)
        return {"resumed_at_attempt": job.attempts}

    job_actor("test_resumable")(resumable)
    jobs = _restart(runtime)
    job_id = _start(runtime, "test_resumable")
    assert started.wait(10)

    jobs.stop(grace_ms=0)
    interrupted = read_job(runtime, job_id)
    resumed = start_jobs(runtime)
    job = wait_for_job(runtime, job_id)

    resumed.stop()
    assert interrupted.state == "running" and interrupted.errors == []
    assert job.state == "succeeded" and job.result == {"resumed_at_attempt": 2}
