"""The plugin's job actor: importing a directory's users.

The body registers with ``workers.actors.job_actor`` as core's do; the
``register_actors`` hook then declares it on the chosen broker, on the
queue of core's job actors.
"""

from core.errors import PluginError
from plugins.directory.user_import import IMPORT_USERS, run_import
from workers.actors import job_actor


@job_actor(IMPORT_USERS)
def import_directory_users(runtime, job) -> dict:
    return run_import(runtime, job)


def declare_on(broker) -> None:
    """Declare every job body not declared yet (this one included)."""
    from workers.broker import declare_actors

    declare_actors(broker, jobs_queue(broker))


def jobs_queue(broker) -> str:
    """The queue core's job actors were declared on."""
    from workers.middleware import JOB_OPTION

    for name in sorted(broker.get_declared_actors()):
        if broker.get_actor(name).options.get(JOB_OPTION):
            return broker.get_actor(name).queue_name
    raise PluginError(
        "No job actor is declared on the broker; connect it with "
        "workers.broker.connect before plugins declare their actors."
    )
