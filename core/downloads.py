"""``GET /downloads/<job id>``: a finished export, for the job's owner only.

The caller sends its bearer token as for the API. Anyone but the owner
(other administrators included) gets 404, as for a job that does not
exist, so job ids reveal nothing.
"""

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from core.db import session_scope
from core.models import Job
from core.principal import Principal
from core.services.auth import authenticate
from core.services.exports import download_name, is_downloadable
from core.services.exports import export_path as path_of_export
from core.services.jobs import is_owner

logger = logging.getLogger(__name__)


async def download_export(request: Request) -> Response:
    runtime = request.app.state.runtime
    found = await run_in_threadpool(
        _find_export, runtime, _bearer(request), request.path_params["job_id"]
    )
    if found is None:
        return JSONResponse(
            {"error": "UNAUTHENTICATED"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if found is False:
        return JSONResponse({"error": "NOT_FOUND"}, status_code=404)
    job, path = found
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=download_name(job),
        headers={"Cache-Control": "no-store"},
    )


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _find_export(runtime, token: str | None, job_id: int):
    """(job, path) for its owner; None without valid credentials; else False."""
    if token is None:
        return None
    with session_scope(runtime.engine, write=False) as session:
        principal: Principal | None = authenticate(session, token)
        # A session restricted to setting up two-step may not fetch files.
        if principal is None or principal.restricted_to:
            return None
        job = session.get(Job, job_id)
    if job is None or not is_downloadable(job) or not is_owner(principal, job):
        return False
    path = path_of_export(runtime.config, job.id)
    if not path.is_file():
        logger.warning("The file of export job %d is missing.", job.id)
        return False
    return job, path


ROUTE = Route("/downloads/{job_id:int}", download_export, methods=["GET"])
