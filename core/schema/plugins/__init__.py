"""The plugins and license queries, installLicense, and the types that
plugins with counted per-user access (EAS, MAPI/EWS) share."""

OPERATION_RULES = {
    "plugins": {"SYSTEM_ADMIN"},
    "license": {"SYSTEM_ADMIN"},
    "installLicense": {"SYSTEM_ADMIN"},
}
