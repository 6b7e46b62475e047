"""The plugin's actors are declared through register_actors on every broker."""

import pytest

from core.db import session_scope
from plugins.mailing_lists.posting import DELIVER_POST, post_message
from plugins.mailing_lists.subscriber_import import IMPORT_SUBSCRIBERS
from tests.plugins.mailing_lists.conftest import (
    inbox,
    make_domain,
    make_list,
    raw_message,
)
from tests.workers.conftest import BROKERS, broker_config, remove_namespace
from tests.workers.support import wait_for_job


@pytest.fixture(params=list(BROKERS))
def jobs(request, lists_runtime):
    """The plugin's runtime on each broker, with a worker running."""
    from workers.embedded import start_jobs

    namespace = broker_config(lists_runtime, request.param)
    broker = start_jobs(lists_runtime)
    if not broker.embedded:
        broker.start_worker(2)
    yield broker
    broker.stop()
    remove_namespace(request.param, namespace)


def test_post_is_delivered_through_each_broker(lists_runtime, jobs):
    # Given a list with a local subscriber, on a connected broker
    domain = make_domain(lists_runtime, "a.test", users=("ann",))
    make_list(lists_runtime, "news@a.test", subscribers=("ann@a.test",))

    # When ann posts (as the mail transport hands it over)
    with session_scope(lists_runtime.engine) as session:
        job, _post = post_message(
            session, lists_runtime, "news@a.test", raw_message("ann@a.test", "x")
        )

    # Then a worker runs the plugin's actor and the copy arrives
    done = wait_for_job(lists_runtime, job.id)
    assert (done.state, done.result["delivered"]) == ("succeeded", 1)
    assert len(inbox(domain, "ann")) == 1
    declared = set(jobs.broker.get_declared_actors())
    assert {DELIVER_POST, IMPORT_SUBSCRIBERS} <= declared
