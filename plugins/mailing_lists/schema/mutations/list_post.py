"""postToList: send a raw message to a list's subscribers, as a job."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.schema.jobs.types import Job, to_job
from plugins.mailing_lists.posting import post_message


@strawberry.input(description="A message for a list.")
class ListPostInput:
    list: str = strawberry.field(description="The list's address.")
    raw_message: str = strawberry.field(
        description="The whole message (RFC 5322); its From is the sender whose "
        "right to post is checked."
    )


@strawberry.type(description="The result of postToList.")
class ListPostPayload:
    job: Job | None = strawberry.field(
        default=None,
        description="The delivery job; its result counts delivered and skipped "
        "subscribers.",
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class ListPostMutation:
    @strawberry.mutation(
        description="Post a raw message to a list, as the mail transport would "
        "(administrators of the domain): the sender's right to post and the "
        "size limit are checked, List-Id, List-Post, List-Help, "
        "List-Subscribe, List-Unsubscribe and the domain's list priority are "
        "added, and a job delivers it to every subscriber. The list may be "
        "named under a domain alias; a disabled domain's lists take no posts."
    )
    def post_to_list(
        self,
        info: Info,
        input: Annotated[ListPostInput, strawberry.argument(description="The post.")],
    ) -> ListPostPayload:
        def act(session, ctx):
            job, _post = post_message(
                session,
                ctx.runtime,
                input.list,
                input.raw_message.encode("utf-8"),
                principal=ctx.principal,
            )
            return {"job": to_job(job)}

        return run_mutation(info, ListPostPayload, act)
