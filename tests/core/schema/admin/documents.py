"""GraphQL documents the admin tools' tests share."""

PASSWORD = "pw-123456"

CREATE_KEY = """
mutation Create($input: ApiKeyCreateInput!) {
  createApiKey(input: $input) {
    apiKey { id name prefix role domains expiresAt lastUsedAt revokedAt }
    secret
    errors { field code }
  }
}
"""

REVOKE_KEY = """
mutation Revoke($input: ApiKeyRevokeInput!) {
  revokeApiKey(input: $input) { apiKey { id revokedAt } errors { field code } }
}
"""

API_KEYS = """
query Keys($includeRevoked: Boolean! = false) {
  apiKeys(includeRevoked: $includeRevoked) {
    totalCount
    nodes { id name prefix role domains lastUsedAt revokedAt }
  }
}
"""

IMPERSONATE = """
mutation Impersonate($input: DomainImpersonateInput!) {
  impersonateDomain(input: $input) { token expiresAt admin errors { field code } }
}
"""

END_IMPERSONATION = """
mutation End($input: ImpersonationEndInput) {
  endImpersonation(input: $input) { admin errors { field code } }
}
"""

ME = "query { me { role name domain impersonatedBy } }"

AUDIT_LOG = """
query Audit($filter: AuditLogFilterInput, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      action outcome errorCode actor actorKind onBehalfOf targetKind target
      domain address at
      changes { object field before after redacted }
    }
  }
}
"""

DOMAINS = "query { domains { totalCount nodes { name } } }"

CREATE_DOMAIN = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) { domain { name } errors { field code } }
}
"""
