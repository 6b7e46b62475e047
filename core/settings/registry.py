"""The settings registry: every section of domains and users, core's and plugins'.

The registry alone drives GraphQL types, storage, templates, propagation and
export columns. Stored settings are JSON documents keyed by section name, each
section stored as its model's JSON dump; a section missing from a document
(say, a plugin enabled after the domain was made) reads as its defaults.
"""

from collections.abc import Iterable
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from core.errors import InvalidInput, InvalidInputs, PluginError
from core.settings.section import Scope, SectionModel, SectionSpec, field_type
from core.text import quoted, to_camel, to_snake


class SettingsRegistry:
    """Sections by scope, in registration order."""

    def __init__(self, specs: Iterable[SectionSpec] = ()) -> None:
        self._specs: dict[Scope, dict[str, SectionSpec]] = {"domain": {}, "user": {}}
        for spec in specs:
            self.register(spec)

    def register(self, spec: SectionSpec) -> None:
        """Add a section; a name taken in its scope stops start-up."""
        taken = self._specs[spec.scope].get(spec.name)
        if taken is not None:
            raise PluginError(
                f"The {spec.scope} settings section {spec.name!r} of plugin "
                f"{spec.plugin!r} clashes with the one of plugin {taken.plugin!r}; "
                "rename one of them or disable a plugin."
            )
        self._specs[spec.scope][spec.name] = spec

    def sections(self, scope: Scope) -> list[SectionSpec]:
        return list(self._specs[scope].values())

    def get(self, scope: Scope, name: str) -> SectionSpec | None:
        return self._specs[scope].get(name)

    def defaults(self, scope: Scope) -> dict[str, dict[str, Any]]:
        """Every section's defaults, as stored."""
        return {
            name: spec.model().model_dump(mode="json")
            for name, spec in self._specs[scope].items()
        }

    def read(self, scope: Scope, stored: dict | None, name: str) -> SectionModel:
        """One section of a stored document, defaults filling the gaps."""
        spec = self._specs[scope][name]
        raw = (stored or {}).get(name) or {}
        if not isinstance(raw, dict):
            # Not an object (written outside the API): defaults, as missing.
            raw = {}
        try:
            return spec.model.model_validate(raw)
        except ValidationError:
            # A stored value that no longer validates (a plugin tightened a
            # rule) must not break reads: fall back field by field.
            return _read_leniently(spec.model, raw)

    def read_all(self, scope: Scope, stored: dict | None) -> dict[str, SectionModel]:
        return {name: self.read(scope, stored, name) for name in self._specs[scope]}

    def apply_patch(
        self, scope: Scope, stored: dict | None, patch: dict[str, dict], *, prefix: str
    ) -> dict[str, dict]:
        """Merge a partial patch into a document, validating every section.

        ``patch`` maps section names to field-value dicts (snake_case keys;
        nested sections as nested dicts). Returns the new document; raises
        ``InvalidInputs`` naming every bad field as ``<prefix>.<section>.<field>``
        and changes nothing.
        """
        document = dict(stored or {})
        errors: list[InvalidInput] = []
        for name, changes in patch.items():
            spec = self._require(scope, name, prefix)
            if not isinstance(changes, dict):
                errors.append(
                    InvalidInput(
                        f"{prefix}.{name}: give the fields to change, not null.",
                        field=f"{prefix}.{name}",
                    )
                )
                continue
            current = self.read(scope, stored, name).model_dump(mode="json")
            merged = _deep_merge(current, _to_json(changes))
            try:
                model = spec.model.model_validate(merged)
            except ValidationError as exc:
                errors.extend(field_errors(exc, f"{prefix}.{name}", spec.model))
                continue
            document[name] = model.model_dump(mode="json")
        if errors:
            raise InvalidInputs(errors)
        return document

    def resolve_path(self, scope: Scope, path: str) -> tuple[str, str | None]:
        """Split a setting path into its section and snake_case field path.

        ``limits.diskSpaceMb`` gives ``("limits", "disk_space_mb")``; a path
        into a nested model, ``autodiscover.imap.port``, gives
        ``("autodiscover", "imap.port")`` (snake names hold no dots); a bare
        section name gives ``(section, None)``. Raises ``InvalidInput`` with
        code ``UNKNOWN_SETTING`` for anything else.
        """
        section, *keys = path.split(".")
        spec = self._specs[scope].get(section)
        if spec is None:
            raise _unknown(path)
        model: type[SectionModel] | None = spec.model
        fields = []
        for key in keys:
            snake = to_snake(key)
            if model is None or snake not in model.model_fields:
                raise _unknown(path)
            fields.append(snake)
            model = _nested_model(model.model_fields[snake].annotation)
        # Paths are spelled as the API spells the fields; another spelling
        # would be refused everywhere else, so it is here too, with the name.
        canonical = ".".join([section, *(to_camel(name) for name in fields)])
        if canonical != path:
            raise _unknown(path, canonical)
        return section, ".".join(fields) or None

    def _require(self, scope: Scope, name: str, prefix: str) -> SectionSpec:
        spec = self._specs[scope].get(name)
        if spec is None:
            raise InvalidInput(
                f"Unknown settings section {quoted(name)}.",
                field=f"{prefix}.{name}",
                code="UNKNOWN_SETTING",
            )
        return spec


def _nested_model(annotation: Any) -> type[SectionModel] | None:
    """The model a field holds, when a path may go on into it."""
    if isinstance(annotation, type) and issubclass(annotation, SectionModel):
        return annotation
    return None


def _unknown(path: str, meant: str | None = None) -> InvalidInput:
    hint = f" Did you mean {quoted(meant)}?" if meant else ""
    return InvalidInput(
        f"Unknown setting {quoted(path)}.{hint}",
        field="settings",
        code="UNKNOWN_SETTING",
    )


def _to_json(changes: dict) -> dict:
    return {key: getattr(value, "value", value) for key, value in changes.items()}


def _deep_merge(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = _deep_merge(base[key], value)
        else:
            merged[key] = value
    return merged


def field_errors(
    exc: ValidationError, prefix: str, model: type[BaseModel] | None = None
) -> list[InvalidInput]:
    """One ``InvalidInput`` per error, its field named as the API names it.

    With the ``model`` that raised, an enum's choices are named as the API
    spells them (``EXTERNAL_HOST``), not as they are stored.
    """
    errors = []
    for detail in exc.errors():
        path = ".".join(to_camel(str(part)) for part in detail["loc"])
        field = f"{prefix}.{path}" if path else prefix
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] == "enum" and model is not None:
            message = _enum_message(model, detail["loc"]) or message
        errors.append(InvalidInput(f"{field}: {message}.", field=field))
    return errors


def _enum_message(model: type[BaseModel], loc: tuple) -> str | None:
    annotation: Any = model
    for part in loc:
        fields = getattr(annotation, "model_fields", None)
        if not isinstance(part, str) or not fields or part not in fields:
            return None
        annotation = field_type(fields[part].annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "expected one of " + ", ".join(member.name for member in annotation)
    return None


def _read_leniently(model: type[SectionModel], raw: dict) -> SectionModel:
    # Each stored value is kept only if it validates beside those kept so
    # far, so rules spanning fields (two-step FORCED while off) can't fail
    # the final read: a value breaking one falls back to its default.
    values: dict = {}
    for name in model.model_fields:
        if name in raw:
            try:
                model.model_validate({**values, name: raw[name]})
            except ValidationError:
                continue
            values[name] = raw[name]
    return model.model_validate(values)
