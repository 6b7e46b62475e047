"""Background work on dramatiq: broker selection, job middleware and actors.

``workers.broker`` chooses the broker from the configuration before any
actor module is imported; ``workers.embedded`` runs jobs inside the server
when no broker is configured; ``workers.worker`` is ``mailplane worker``.
"""
