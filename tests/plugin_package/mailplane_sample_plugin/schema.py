"""The sample plugin's one GraphQL field."""

import strawberry


@strawberry.type
class SampleQueries:
    @strawberry.field(description="A greeting from the sample plugin.")
    def sample_greeting(self) -> str:
        return "hello from a plugin"
