"""The plugin's job actors: delivering posts, importing and exporting subscribers.

The bodies register with ``workers.actors.job_actor`` as core's do; the
``register_actors`` hook then declares them on the chosen broker, on the
queue of core's job actors and with their options.
"""

from core.errors import PluginError
from plugins.mailing_lists.delivery import run_delivery
from plugins.mailing_lists.posting import DELIVER_POST
from plugins.mailing_lists.subscriber_export import (
    EXPORT_SUBSCRIBERS,
    run_subscribers_export,
)
from plugins.mailing_lists.subscriber_import import IMPORT_SUBSCRIBERS, run_import
from workers.actors import job_actor


@job_actor(DELIVER_POST)
def deliver_list_post(runtime, job) -> dict:
    return run_delivery(runtime, job)


@job_actor(IMPORT_SUBSCRIBERS)
def import_list_subscribers(runtime, job) -> dict:
    return run_import(runtime, job)


@job_actor(EXPORT_SUBSCRIBERS)
def export_list_subscribers(runtime, job) -> dict:
    return run_subscribers_export(runtime, job)


def declare_on(broker) -> None:
    """Declare every job body (these included) on the broker's job queue.

    Core declared its own before plugins were asked; declaring them again
    replaces each with an equal actor, which is harmless before the worker
    starts.
    """
    from workers.broker import declare_actors

    declare_actors(broker, jobs_queue(broker))


def jobs_queue(broker) -> str:
    """The queue core's job actors were declared on."""
    from workers.middleware import JOB_OPTION

    for name in sorted(broker.get_declared_actors()):
        actor = broker.get_actor(name)
        if actor.options.get(JOB_OPTION):
            return actor.queue_name
    raise PluginError(
        "No job actor is declared on the broker; connect it with "
        "workers.broker.connect before plugins declare their actors."
    )
