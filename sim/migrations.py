"""Scenario keys that were renamed or removed: old files keep working, or say why they cannot.

Every key path that leaves the scenario format is listed here, with where it went or why it went.
A renamed key (or a whole renamed section) is read under its new name, with a
:class:`RenamedKeyWarning` saying so; a removed key is an error that says why it was removed. The
same holds for scenario files, ``extends`` parents, experiment parameters and key-path overrides.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

RENAMED: dict[str, str] = {
    # 'deliberation' meant two things: owners and company bargaining (behaviour) and residents' councils (lever).
    "behaviour.deliberation": "behaviour.bargaining",
    "levers.deliberation": "levers.deliberation_council",
    # 'escalation' meant the ladder's deadlines (lever) and residents' grievance and patience (behaviour).
    "behaviour.escalation": "behaviour.grievance",
}
"""Old key path (a leaf or a whole section) -> new key path."""

REMOVED: dict[str, str] = {
    "levers.cross_appointment.quality_bonus":
        "red property no longer adds a fixed quality: the company's party organisation brokers information in "
        "owners-company talks and the company answers to the community at accountability reviews "
        "(organisations.property.accountability_interval_days)",
    "levers.cross_appointment.confidence_bonus":
        "cross-appointment no longer widens the confidence bound by a fixed amount: it acts through who convenes "
        "and brokers the talks (a branch secretary on the owners' committee; the company's party organisation) "
        "and through residents' trust (links.trust_to_cooperation, links.broker_information)",
    "levers.cross_appointment.commitment_bonus":
        "the big party committee no longer adds a fixed commitment: its units are asked every month and their "
        "officials hold posts (organisations.co_building.engagement_gain, official_post_share)",
    "levers.cross_appointment.committee_activeness_bonus":
        "cross-appointment into owners' committees now means the branch secretary convenes the committee's talks, "
        "as often as the branch's strength allows",
    "levers.cross_appointment.big_party_committee_people_share":
        "replaced by organisations.co_building.official_post_share: a unit gives people for the post its official "
        "holds on the big party committee",
    "levers.deliberation_council.acceptance_bonus":
        "a deliberation council no longer adds a fixed acceptance: the resident who raised the issue takes part "
        "(links.participation_to_trust, links.participation_to_ties) and the community brokers information",
    "levers.deliberation_council.confidence_bonus":
        "a deliberation council no longer widens the confidence bound by a fixed amount: the community party "
        "organisation brokers information at its meetings (links.broker_information)",
    "levers.three_party_linkage.confidence_bonus":
        "three-party linkage no longer widens the confidence bound by a fixed amount: at its joint meetings the "
        "community party organisation brokers information (links.broker_information)",
    "service.no_property_quality_factor":
        "model version 3 replaced the assumed multiplier on fixes in compounds without a company by a mechanism: in a "
        "compound nobody keeps, a fixed property matter comes back (service.unkept_recurrence, "
        "service.unkept_recurrence_days)",
}
"""Old key path -> why it was removed (shown to the user)."""


class RenamedKeyWarning(UserWarning):
    """A scenario or experiment used a key under its old name; it was read under the new one."""


class RemovedKeyError(ValueError):
    """A scenario or experiment used a key that no longer exists; ``problems`` say why, one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def renamed_path(path: str) -> str | None:
    """The current name of ``path`` if it (or a section above it) was renamed, else None."""
    for old, new in RENAMED.items():
        if path == old or path.startswith(old + "."):
            return new + path[len(old):]
    return None


def removed_reason(path: str) -> str | None:
    """Why ``path`` (or a section above it) was removed, or None if it was not."""
    for old, why in REMOVED.items():
        if path == old or path.startswith(old + "."):
            return f"{path}: removed because {why}"
    return None


def migrate_path(path: str, source: str) -> str:
    """The key path to use for ``path``: its new name (with a warning) if renamed; an error if removed."""
    reason = removed_reason(path)
    if reason is not None:
        raise RemovedKeyError([reason])
    new = renamed_path(path)
    if new is None:
        return path
    _warn(source, path, new)
    return new


def migrate_tree(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A copy of a parsed scenario (nested tables) with renamed keys moved to their new names.

    Raises :class:`RemovedKeyError` listing every removed key present, and for a key given under both
    its old and its new name.
    """
    tree = _copy(data)
    problems = [reason for path in _paths(tree) if (reason := removed_reason(path)) is not None]
    for old, new in RENAMED.items():
        value = _pop(tree, old.split("."))
        if value is _MISSING:
            continue
        if _get(tree, new.split(".")) is not _MISSING:
            problems.append(f"{old}: renamed to {new}, and both names are set; keep only {new}")
            continue
        _put(tree, new.split("."), value)
        _warn(source, old, new)
    if problems:
        raise RemovedKeyError(problems)
    return tree


_MISSING = object()


def _warn(source: str, old: str, new: str) -> None:
    warnings.warn(f"{source}: {old}: renamed to {new}; read as {new} (update the file to silence this)",
                  RenamedKeyWarning, stacklevel=4)


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _copy(v) if isinstance(v, Mapping) else v for k, v in data.items()}


def _paths(tree: Mapping[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in tree.items():
        path = f"{prefix}{key}"
        out.append(path)
        if isinstance(value, Mapping):
            out += _paths(value, path + ".")
    return out


def _get(tree: Mapping[str, Any], parts: list[str]) -> Any:
    node: Any = tree
    for part in parts:
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _pop(tree: dict[str, Any], parts: list[str]) -> Any:
    parent = _get(tree, parts[:-1])
    if not isinstance(parent, dict) or parts[-1] not in parent:
        return _MISSING
    return parent.pop(parts[-1])


def _put(tree: dict[str, Any], parts: list[str], value: Any) -> None:
    node = tree
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
