"""Answer templates and LLM prompts kept as data in ``prompts/``."""

from __future__ import annotations

import json
import string
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from domain.errors import ConfigurationError

__all__ = ["AnswerTemplates", "MissingVariables", "Prompts", "load_prompts"]


class MissingVariables(ConfigurationError):
    """A template names a variable the caller did not give."""


def _render(template: str, values: dict[str, object]) -> str:
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    missing = names - values.keys()
    if missing:
        raise MissingVariables(f"template needs {sorted(missing)}: {template[:60]}")
    return template.format(**values)


class AnswerTemplates(BaseModel):
    """The Vietnamese sentences answers are built from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    deadline: str
    lead: str
    coordinating: str
    output: str
    task: str
    agency_tasks_header: str
    agency_coordinates_header: str
    agency_only_coordinates_header: str
    plan_tasks_header: str
    due_header: str
    task_line: str
    more: str
    plan_group: str
    province_plan: str
    superseded: str
    same_number_header: str
    extract: str
    no_coordinating: str
    no_output: str
    not_found: str
    no_tasks: str
    task_fields: str
    part_lead: str
    part_coordinating: str
    part_output: str
    part_deadline: str
    confirm_yes: str
    confirm_no: str
    agency_leads: str
    agency_coordinates: str
    agency_not_in_task: str
    status_open: str
    status_ongoing: str
    status_overdue: str
    ask_which: str
    ask_which_of: str
    coordinates_also: str
    page_end: str
    count_header: str
    not_in_task: str
    task_extra: str
    overdue_note: str
    ask_agency: str
    agency_predecessor: str
    agency_successor: str
    fact_number: str
    fact_issued: str
    fact_signer: str
    fact_issuer: str
    fact_legal_bases: str
    fact_proposer: str
    fact_recipients: str
    fact_missing: str
    fact_document: str
    fact_names: dict[str, str]

    def render(self, template: str, **values: object) -> str:
        """Fill ``template``; :raises MissingVariables: a placeholder has no value."""
        return _render(getattr(self, template), values)


class Prompts(BaseModel):
    """Answer templates plus the optional LLM's system and user prompts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: AnswerTemplates
    llm_system: str
    llm_user: str

    def llm_messages(self, **values: object) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.llm_system},
            {"role": "user", "content": _render(self.llm_user, values)},
        ]


def load_prompts(folder: Path) -> Prompts:
    """Read ``answers.json``, ``llm_system.md`` and ``llm_user.md`` from ``folder``.

    :raises ConfigurationError: a file is missing or a template field is unknown/missing.
    """
    try:
        answers = json.loads((folder / "answers.json").read_text("utf-8"))
        return Prompts(
            answers=AnswerTemplates(**answers),
            llm_system=(folder / "llm_system.md").read_text("utf-8").strip(),
            llm_user=(folder / "llm_user.md").read_text("utf-8").strip(),
        )
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"prompts in {folder}: {exc}") from exc
