"""The one entry point: ``Assistant.ask(question, conversation_id) -> Answer``."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.agencies import Gazetteer, agency_key
from domain.deadlines import next_due
from domain.provinces import provinces_in
from domain.records import Document, TaskRecord
from domain.text import fold, vietnamese_syllable
from retrieval.answer import (
    Evidence,
    best_sentence,
    coverage,
    has_answer_type,
    names_task_number,
    trim,
    years_in,
)
from retrieval.columns import asked_columns
from retrieval.dialogue import State, Step, own_topic, passage_follow_up, resolve
from retrieval.frames import Frame
from retrieval.lexical import knows_phrase, lexicon
from retrieval.llm import ChatModel
from retrieval.query import Intent, Query, understand, with_frame
from retrieval.search import HybridRetriever
from retrieval.tables import comparison_asked, parse_row, pick_row
from retrieval.templates import Prompts
from retrieval.tuning import Tuning
from stores import ConversationStore, RecordStore, TaskQuery, VersionStore
from stores.vectors import ChunkHit

__all__ = ["Answer", "Assistant", "Source"]

Handler = Callable[[Step, "Query", "list[str] | None", "dict[str, str]", State], "Answer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """A cited piece of evidence."""

    document_id: str
    title: str
    locator: str
    text: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "title": self.title,
            "locator": self.locator,
            "text": self.text,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Answer:
    """What a chat shows: the fact first; ``found`` is False when the plans do not say."""

    answer: str
    found: bool
    sources: list[Source] = field(default_factory=list)
    tasks: list[TaskRecord] = field(default_factory=list)
    intent: str = "general"
    titles: dict[str, str] = field(default_factory=dict)
    shown: int = 0  # how many of ``tasks`` the text lists (the rest: "… và N nhiệm vụ khác")
    # how well a free-text answer's evidence supports it (0..1); None for answers read from
    # records (tasks, targets, document facts), which need no such judgement
    support: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "found": self.found,
            "support": None if self.support is None else round(self.support, 3),
            "sources": [s.to_json() for s in self.sources],
            "tasks": [t.to_json(self.titles.get(t.document_id, "")) for t in self.tasks],
        }


class Assistant:
    """Answers questions over the active plans; the API and the bots call only ``ask``."""

    def __init__(
        self,
        *,
        versions: VersionStore,
        records: RecordStore,
        conversations: ConversationStore,
        retriever: HybridRetriever,
        gazetteer: Gazetteer,
        prompts: Prompts,
        today: Callable[[], date],
        llm: ChatModel | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        self._versions = versions
        self._records = records
        self._conversations = conversations
        self._retriever = retriever
        self._gazetteer = gazetteer
        self._prompts = prompts
        self._t = prompts.answers
        self._today = today
        self._llm = llm
        self._tune = tuning or Tuning()
        self._lock = threading.Lock()
        self._known: tuple[tuple[tuple[str, int], ...], Gazetteer] = ((), gazetteer)

    # -- entry point ------------------------------------------------------------------------

    def ask(
        self, question: str, conversation_id: str | None = None, user_agency: str | None = None
    ) -> Answer:
        """Answer ``question``; within ``conversation_id`` follow-ups resolve against what
        the last turns showed (SEMANTICS §5).

        :param user_agency: the asker's own agency, which "bên mình", "đơn vị mình" mean; kept
            for the conversation once given.
        """
        documents = {d.id: d for d in self._versions.active_documents()}
        known = self._known_agencies(documents.values())
        query = understand(question, known, self._today())
        titles = {d.id: _short_title(d) for d in documents.values()}
        scope = self._document_scope(query, documents)
        stored = self._conversations.get(conversation_id) if conversation_id else None
        state = State.from_json(stored)
        if user_agency and (found := known.find(user_agency)):
            state.user_agency = found[0]
        assert query.frame is not None
        about_tasks = bool(query.frame.task_fields or query.frame.role or query.frame.status) or (
            query.frame.names_tasks or query.frame.asks_set
        )
        if query.frame.self_ref and not query.frame.agency and about_tasks:
            # "bên mình có việc gì …": the asker's agency, or a question back for it
            if state.user_agency is None:
                answer = Answer(self._t.render("ask_agency"), False, intent="clarify")
                if conversation_id:
                    self._conversations.save(conversation_id, state.to_json())
                return answer
            own = state.user_agency
            query = with_frame(query, replace(query.frame, agency=own, agencies=(own,)))
        frame = query.frame
        assert frame is not None
        own_words = own_topic(query.topic, query.task_number)
        base = query.text
        if again := passage_follow_up(frame, own_words, state, query.text):
            # "chỉ tiêu bao nhiêu?" after a passage answer: the same question, asked again
            query = understand(again[0], known, self._today())
            base = again[1]
            scope = self._document_scope(query, documents)
            frame = query.frame
            assert frame is not None
        step = resolve(
            frame,
            own_topic(query.topic, query.task_number),
            state,
            text=query.text,
            own_words=self._tune.follow_up_words,
        )
        answer = self._handlers[step.kind](step, query, scope, titles, state)
        if conversation_id:
            after = _next_state(state, step, answer, base)
            after.user_agency = state.user_agency
            self._conversations.save(conversation_id, after.to_json())
        return answer

    def set_user_agency(self, conversation_id: str, text: str) -> str | None:
        """Record who is asking in a conversation ("/donvi Sở Y tế"); the agency, if known."""
        found = self._known_agencies(self._versions.active_documents()).find(text)
        if not found:
            return None
        state = State.from_json(self._conversations.get(conversation_id))
        state.user_agency = found[0]
        self._conversations.save(conversation_id, state.to_json())
        return found[0]

    # -- one handler per kind of step ------------------------------------------------------

    @property
    def _handlers(self) -> dict[str, Handler]:
        return {
            "new": self._on_new,
            "set": self._on_set,
            "tasks": self._on_tasks,
            "page": self._on_page,
            "ask_back": self._on_ask_back,
        }

    def _on_new(
        self, step: Step, query: Query, scope: list[str] | None, titles: dict[str, str], _: State
    ) -> Answer:
        if step.frame is not query.frame:
            query = with_frame(query, step.frame)
        return self._answer(query, scope, titles)

    def _on_set(
        self, step: Step, query: Query, scope: list[str] | None, titles: dict[str, str], _: State
    ) -> Answer:
        # a list narrowed or with a slot replaced: its own words are not a topic
        return self._answer(replace(with_frame(query, step.frame), topic=()), scope, titles)

    def _on_tasks(
        self, step: Step, query: Query, scope: list[str] | None, titles: dict[str, str], _: State
    ) -> Answer:
        by_key = {(t.document_id, t.number): t for t in self._records.tasks(TaskQuery())}
        tasks = [by_key[i] for i in step.items if i in by_key]
        if not tasks:
            return self._on_ask_back(step, query, scope, titles, _)
        words = own_topic(query.topic, query.task_number)
        if len(tasks) > 1 and words:
            # "sản phẩm của việc về camera?": the words pick among the tasks shown
            lexical = self._retriever.lexical
            picked = [
                t
                for t in tasks
                if coverage(words, t.indexed_text(), lexical) >= self._tune.pick_coverage
            ]
            tasks = picked or tasks
        if len(tasks) > self._tune.max_each:
            text = self._t.render("ask_which_of", count=len(tasks))
            return Answer(text, False, intent="clarify", titles=titles)
        if not step.frame.task_fields and "confirm" not in step.frame.fields:
            return self._beyond_fields(query, tasks, titles)
        query = with_frame(query, step.frame)
        answers = [self._task_answer(query, task, None, titles) for task in tasks]
        if len(answers) == 1:
            return answers[0]
        lines = [a.answer for a in answers]
        sources = [s for a in answers for s in a.sources]
        return Answer(
            "\n".join(f"• {x}" for x in lines), True, sources, tasks, query.intent.value, titles
        )

    def _beyond_fields(
        self, query: Query, tasks: list[TaskRecord], titles: dict[str, str]
    ) -> Answer:
        """A follow-up about the tasks shown that no task field answers ("địa điểm?"): their
        own text may say it; else the plan does not (found: false)."""
        topic = own_topic(query.topic)
        for task in tasks:
            text = task.indexed_text()
            if topic and coverage(topic, text, self._retriever.lexical) >= 0.99:
                return self._task_answer(
                    with_frame(
                        query,
                        replace(query.frame or Frame(frozenset()), fields=frozenset({"other"})),
                    ),
                    task,
                    None,
                    titles,
                )
        for task in tasks:
            if extra := self._extra_answer(query, task, titles):
                return extra
        values = _task_values(tasks[0], titles)
        return Answer(
            self._t.render("not_in_task", **values), False, intent="beyond", titles=titles
        )

    def _extra_answer(
        self, query: Query, task: TaskRecord, titles: dict[str, str]
    ) -> Answer | None:
        """The task's other columns the question names ("kinh phí", "ghi chú", "nguồn vốn"
        of a task), answered from the row; None when it names none."""
        asked = asked_columns(query.text, task.extra)
        if not asked:
            return None
        fields = "; ".join(f"{name}: {value}" for name, value in asked)
        source = Source(
            task.document_id,
            titles.get(task.document_id, ""),
            task.locator,
            _task_source_text(task),
            1.0,
        )
        text = self._t.render("task_extra", fields=fields, **_task_values(task, titles))
        return Answer(text, True, [source], [task], Intent.GENERAL.value, titles)

    def _on_page(
        self,
        step: Step,
        query: Query,
        scope: list[str] | None,
        titles: dict[str, str],
        state: State,
    ) -> Answer:
        by_key = {(t.document_id, t.number): t for t in self._records.tasks(TaskQuery())}
        rest = [by_key[i] for i in state.listed[state.shown :] if i in by_key]
        if not rest:
            return Answer(self._t.render("page_end"), True, intent="page", titles=titles)
        header = self._t.render("more", count=len(rest)).lstrip("… ").capitalize()
        page = self._task_list(header, rest, with_frame(query, step.frame), titles)
        return replace(page, intent="page")

    def _on_ask_back(
        self, step: Step, query: Query, scope: list[str] | None, titles: dict[str, str], _: State
    ) -> Answer:
        return Answer(self._t.render("ask_which"), False, intent="clarify", titles=titles)

    # -- structured entry points for commands (bots) ----------------------------------------

    def resolve_agency(self, text: str) -> str | None:
        """The canonical agency a user typed ("so y te", "Sở TT&TT"), if known."""
        found = self._known_agencies(self._versions.active_documents()).find(text)
        return found[0] if found else None

    def agency_tasks(self, agency: str) -> Answer:
        """Tasks the agency leads, as a compact list."""
        query = replace(
            understand(f"{agency} chủ trì những nhiệm vụ nào", self._gazetteer, self._today()),
            agencies=(agency,),
        )
        return self._agency_tasks(query, None, self._short_titles())

    def due(
        self,
        *,
        status: str,
        within_days: int = 30,
        agency: str | None = None,
        role: str = "lead",
    ) -> Answer:
        """Tasks coming due within ``within_days`` ("upcoming") or past due ("overdue");
        with ``agency``, the tasks it leads (``role="lead"``) or takes part in ("any")."""
        query = replace(
            understand("nhiệm vụ sắp đến hạn", self._gazetteer, self._today()),
            status=status,
            within_days=within_days,
            agencies=(agency,) if agency else (),
            period=None,
            role=role,
        )
        return self._due_tasks(query, None, self._short_titles())

    # -- routing ----------------------------------------------------------------------------

    def _answer(self, query: Query, scope: list[str] | None, titles: dict[str, str]) -> Answer:
        """Route a question by the kind of answer its frame calls for (one handler each)."""
        kinds: dict[Intent, Callable[[Query, list[str] | None, dict[str, str]], Answer]] = {
            Intent.AGENCY_TASKS: self._agency_tasks,
            Intent.TASK_LIST: self._task_list_of_plans,
            Intent.DUE: self._due_tasks,
            Intent.DEADLINE: self._task_question,
            Intent.LEAD: self._task_question,
            Intent.COORDINATING: self._task_question,
            Intent.OUTPUT: self._task_question,
            Intent.DOCUMENT_FACT: self._document_facts,
        }
        if query.intent is Intent.GENERAL and query.task_number is not None:
            # "Nhiệm vụ 27 là gì?" names a task without asking one field of it
            return self._task_question(query, scope, titles)
        if query.intent is Intent.AGENCY_TASKS and not query.agencies:
            return self._free_text(query, scope, titles)
        return kinds.get(query.intent, self._free_text)(query, scope, titles)

    def _document_facts(
        self, query: Query, scope: list[str] | None, titles: dict[str, str]
    ) -> Answer:
        """A document's number, date, signer, issuer, legal bases or proposer, from what it
        says of itself; the text is searched when no document is clearly meant."""
        assert query.frame is not None
        documents = [d for d in self._versions.active_documents() if not scope or d.id in scope]
        if kinds := query.frame.document_kinds:
            # "kế hoạch … số mấy" does not mean a report: another text may cite that plan
            documents = [
                d for d in documents if any(k in fold(f"{d.kind} {d.title}") for k in kinds)
            ]
        if not documents:
            return self._free_text(query, scope, titles)
        chosen = documents if scope and len(documents) == 1 else []
        # named by its number: what it does not say, it does not say
        sure = bool(chosen) and bool(query.doc_hints)
        if not chosen:
            lexical = self._retriever.lexical
            topic = [w for w in query.topic if not w.isdigit()]
            scored = sorted(
                ((coverage(topic, f"{d.title} {d.number or ''}", lexical), d) for d in documents),
                key=lambda pair: -pair[0],
            )
            if len(documents) == 1:
                chosen = documents
            elif (
                scored
                and scored[0][0] >= self._tune.min_title_coverage
                and (len(scored) == 1 or scored[0][0] > scored[1][0])
            ):
                chosen = [scored[0][1]]
                sure = scored[0][0] >= self._tune.sure_title_coverage
        if len(chosen) != 1:
            return self._free_text(query, scope, titles)
        doc = chosen[0]
        parts, missing = [], []
        for fact in query.frame.document_facts:
            text = self._fact_text(doc, fact, asks_day="ngay" in query.folded)
            if text:
                parts.append(text)
            else:
                missing.append(self._t.fact_names.get(fact, fact))
        title = _short_title(doc)
        if missing:
            parts.append(self._t.render("fact_missing", document=title, what=", ".join(missing)))
        text = self._t.render("fact_document", document=title, facts=" ".join(parts))
        found = len(missing) < len(query.frame.document_facts)
        if not found and not sure:
            # the document does not state it of itself; another text may (a report citing
            # it), but not the document's own body, whose numbers are other papers'
            in_text = self._free_text(query, scope, titles)
            if in_text.found and in_text.sources and in_text.sources[0].document_id != doc.id:
                return in_text
        source = Source(doc.id, titles.get(doc.id, doc.title), "Phần đầu văn bản", text, 1.0)
        return Answer(
            text, found, [source] if found else [], intent=query.intent.value, titles=titles
        )

    def _fact_text(self, doc: Document, fact: str, asks_day: bool = False) -> str | None:
        """The fact as the answer states it; None when the document does not state it (a
        year alone does not answer "ngày nào")."""
        if fact == "number" and doc.number:
            return self._t.render("fact_number", number=doc.number)
        if fact == "issued" and doc.issued and (len(doc.issued) == 10 or not asks_day):
            when = _vietnamese_date(doc.issued)
            place = f", tại {doc.place}" if doc.place else ""
            return self._t.render("fact_issued", issued=when, place=place)
        if fact == "signer" and doc.signer:
            title = f" ({doc.signer_title})" if doc.signer_title else ""
            return self._t.render("fact_signer", signer=doc.signer, title=title)
        if fact == "issuer" and doc.issuer:
            return self._t.render("fact_issuer", issuer=doc.issuer)
        if fact == "legal_bases" and doc.legal_bases:
            return self._t.render("fact_legal_bases", bases="; ".join(doc.legal_bases))
        if fact == "recipients" and doc.recipients:
            shown = "; ".join(doc.recipients)
            return self._t.render("fact_recipients", recipients=shown)
        if fact == "proposer" and doc.proposer:
            return self._t.render("fact_proposer", proposer=doc.proposer)
        return None

    def _task_question(
        self, query: Query, scope: list[str] | None, titles: dict[str, str]
    ) -> Answer:
        """Fields of one task, named by its number or found by its words."""
        same_number = self._tasks_numbered(query, scope)
        if len(same_number) > 1:
            return self._each_task(query, same_number, titles)
        if same_number:
            numbered = self._task_answer(query, same_number[0], None, titles)
            if self._fits(query, same_number[0]):
                return numbered
            # another plan's text may number its own items the same way
            in_text = self._free_text(query, scope, titles)
            return in_text if in_text.found else numbered
        # a task number no record has is looked for in the text, never swapped for another
        task, hit, task_cov = (
            (None, None, 0.0) if query.task_number else self._find_task(query, scope)
        )
        if task is not None:
            prose = self._evidence(query, scope, record="prose")
            if (
                prose is None
                or hit is None
                or task_cov + self._tune.task_preference >= prose.coverage
            ):
                return self._task_answer(query, task, hit, titles)
        return self._free_text(query, scope, titles)

    # -- task questions ---------------------------------------------------------------------

    def _find_task(
        self, query: Query, scope: list[str] | None
    ) -> tuple[TaskRecord | None, ChunkHit | None, float]:
        """The task a question is about, the chunk that found it, and its topic coverage."""
        titles = self._titles()
        hits = self._retriever.search(
            query.search_text,
            k=10,
            record="task",
            documents=scope,
            dense_text=self._dense_text(query),
        )
        best: tuple[float, TaskRecord, ChunkHit, float] | None = None
        for rank, hit in enumerate(hits):
            found = self._records.task(hit.document_id, hit.number)
            if found is None:
                continue
            task = found
            # rank by the task's own words; the title only discounts "theo kế hoạch ..."
            lexical = self._retriever.lexical
            own = coverage(query.topic, f"{task.name} {task.output}", lexical, query.pairs)
            cov = coverage(
                query.topic,
                f"{titles.get(task.document_id, '')} {task.name} {task.output}",
                lexical,
                query.pairs,
            )
            if query.agencies and query.intent is Intent.COORDINATING:
                named = {agency_key(a) for a in task.lead_agencies + task.coordinating_agencies}
                own += 0.1 * sum(agency_key(a) in named for a in query.agencies)
            score = own + 0.05 / (rank + 1)
            if best is None or score > best[0]:
                best = (score, task, hit, cov)
        if best and best[3] >= self._tune.min_task_coverage:
            text = fold(best[1].indexed_text()).replace("đ", "d")
            if any(not re.search(rf"\b{re.escape(n)}\b", text) for n in self._names(query)):
                return None, None, 0.0  # a name (a system, a product) the task does not hold
            return best[1], best[2], best[3]
        return None, None, 0.0

    def _tasks_numbered(self, query: Query, scope: list[str] | None) -> list[TaskRecord]:
        """The tasks numbered as the question asks, one per plan in scope."""
        if not query.task_number:
            return []
        found = [
            t
            for t in self._records.tasks(TaskQuery())
            if t.number == query.task_number and (not scope or t.document_id in scope)
        ]
        topic = _own_topic(query)
        if len(found) > 1 and topic:
            # "nhiệm vụ 3 về số hóa điểm đến": the words pick the plan
            lexical = self._retriever.lexical
            fitting = [t for t in found if coverage(topic, f"{t.name} {t.output}", lexical) >= 0.5]
            found = fitting or found
        return found

    def _fits(self, query: Query, task: TaskRecord) -> bool:
        """The question's own words (if any) are the task's, read with its plan's title."""
        topic = _own_topic(query)
        text = f"{self._titles().get(task.document_id, '')} {task.name} {task.output}"
        return (
            not topic
            or coverage(topic, text, self._retriever.lexical) >= self._tune.min_task_coverage
        )

    def _each_task(
        self, query: Query, tasks: Sequence[TaskRecord], titles: dict[str, str]
    ) -> Answer:
        """ "Nhiệm vụ 3 hạn khi nào?" when several plans have a task 3: answer for each."""
        lines = [self._t.render("same_number_header", number=tasks[0].number, count=len(tasks))]
        sources = []
        for task in tasks:
            one = self._task_answer(query, task, None, titles)
            lines.append(f"• {one.answer}")
            sources.extend(one.sources)
        return Answer("\n".join(lines), True, sources, list(tasks), query.intent.value, titles)

    def _task_answer(
        self, query: Query, task: TaskRecord, hit: ChunkHit | None, titles: dict[str, str]
    ) -> Answer:
        if extra := self._extra_answer(query, task, titles):
            return extra  # "ghi chú của nhiệm vụ 2": a column of the row, not a field
        values = _task_values(task, titles)
        intent = query.intent
        frame = query.frame
        fields = [f for f in _FIELD_ORDER if frame is not None and f in frame.fields]
        if frame is not None and "confirm" in frame.fields:
            text = self._confirmation(frame, task, values) or self._field_text(
                fields, intent, task, values
            )
        else:
            text = self._field_text(fields, intent, task, values)
        source = Source(
            task.document_id,
            titles.get(task.document_id, ""),
            task.locator,
            hit.text if hit else _task_source_text(task),
            hit.score if hit else 1.0,
        )
        return Answer(text, True, [source], [task], intent.value, titles)

    def _field_text(
        self, fields: list[str], intent: Intent, task: TaskRecord, values: dict[str, object]
    ) -> str:
        """One field in its sentence; several in one line (SEMANTICS §4: answer each)."""
        if len(fields) > 1:
            parts = "; ".join(self._t.render(f"part_{f}", **values) for f in fields)
            return self._t.render("task_fields", parts=parts, **values)
        if intent is Intent.COORDINATING:
            name = "coordinating" if task.coordinating_agencies else "no_coordinating"
        elif intent is Intent.OUTPUT:
            name = "output" if task.output else "no_output"
        elif intent is Intent.LEAD:
            name = "lead"
        elif intent is Intent.DEADLINE:
            name = "deadline"
        else:
            name = "task"
        return self._t.render(name, **values)

    def _confirmation(
        self, frame: Frame, task: TaskRecord, values: dict[str, object]
    ) -> str | None:
        """ "Đúng"/"Không" first, then the fact that settles it; None when nothing is checked."""
        if frame.agency:
            key = agency_key(self._gazetteer.canonical(frame.agency))

            def named(pool: tuple[str, ...]) -> bool:
                return any(key in agency_key(self._gazetteer.canonical(a)) for a in pool)

            leads, coordinates = named(task.lead_agencies), named(task.coordinating_agencies)
            role = frame.role or ("lead" if "lead" in frame.fields else None)
            if role is None and "coordinating" in frame.fields:
                role = "coordinating"
            holds = {"lead": leads, "coordinating": coordinates}.get(
                role or "", leads or coordinates
            )
            if leads:
                fact = self._t.render("agency_leads", agency=frame.agency, **values)
            elif coordinates:
                fact = self._t.render("agency_coordinates", agency=frame.agency, **values)
            else:
                fact = self._t.render("agency_not_in_task", agency=frame.agency, **values)
            return self._t.render("confirm_yes" if holds else "confirm_no", fact=fact)
        if frame.status in ("open", "overdue") or "deadline" in frame.fields:
            end = task.deadline.end
            ongoing = bool(task.deadline.recurring) or end is None
            still_open = ongoing or (end is not None and end >= self._today())
            if ongoing:
                fact = self._t.render("status_ongoing", **values)
            elif still_open:
                fact = self._t.render("status_open", **values)
            else:
                fact = self._t.render("status_overdue", **values)
            if frame.status is None:
                return fact
            holds = still_open if frame.status == "open" else not still_open
            return self._t.render("confirm_yes" if holds else "confirm_no", fact=fact)
        return None

    def _agency_tasks(
        self,
        query: Query,
        scope: list[str] | None,
        titles: dict[str, str],
        *,
        leads_none: bool = False,
    ) -> Answer:
        agency = query.agencies[0]
        leads = query.role == "lead"
        tasks = self._narrow_by_topic(query, self._tasks_of(agency, query.role, scope))
        if not tasks and (related := self._related_lines(TaskQuery(agency, query.role), scope)):
            # "Sở Nông nghiệp và Môi trường …" asked of plans written before it existed
            what = f"do {agency} {_ROLE_TEXT.get(query.role, 'tham gia')}"
            text = f"{self._t.render('no_tasks', what=what)}\n{related}"
            return Answer(text, True, intent=query.intent.value, titles=titles)
        if not tasks and leads:
            # an agency that leads nothing may still take part, or be given work in the text
            if self._tasks_of(agency, "coordinating", scope):
                coordinated = replace(query, role="coordinating")
                return self._agency_tasks(coordinated, scope, titles, leads_none=True)
            in_text = replace(
                query, intent=Intent.GENERAL, topic=tuple(fold(agency).split()) + query.topic
            )
            answer = self._free_text(in_text, scope, titles)
            if answer.found:
                return answer
        if not tasks:
            what = f"do {agency} chủ trì" if leads else f"có {agency} phối hợp"
            return Answer(
                self._t.render("no_tasks", what=what),
                False,
                intent=query.intent.value,
                titles=titles,
            )
        if leads:
            kind = "agency_tasks_header"
        else:
            kind = "agency_only_coordinates_header" if leads_none else "agency_coordinates_header"
        header = self._t.render(
            kind,
            agency=agency,
            count=len(tasks),
            scope=_scope_text(tasks, titles),
        )
        answer = self._task_list(header, tasks, query, titles)
        extra = []
        if leads and not leads_none and query.frame is not None and query.frame.role is None:
            # no role said: the tasks it leads, and how many more it takes part in
            others = self._tasks_of(agency, "coordinating", scope)
            if others:
                extra.append(self._t.render("coordinates_also", agency=agency, count=len(others)))
        extra.append(self._related_lines(TaskQuery(agency=agency, role=query.role), scope))
        lines = "\n".join(x for x in extra if x)
        return replace(answer, answer=f"{answer.answer}\n{lines}") if lines else answer

    def _related_lines(self, filters: TaskQuery, scope: list[str] | None) -> str:
        """One line per agency the asked one was reorganised into or from (SEMANTICS §1):
        how many tasks the other name holds with the same filters; never in ``tasks``."""
        assert filters.agency is not None
        asked = self._gazetteer.canonical(filters.agency)
        lines = []
        for other, relation in self._gazetteer.related(asked):
            count = len(self._filtered(replace(filters, agency=other), scope))
            if count:
                lines.append(
                    self._t.render(
                        f"agency_{relation}",
                        agency=asked,
                        other=other,
                        count=count,
                        role=_ROLE_TEXT.get(filters.role, "tham gia"),
                    )
                )
        return "\n".join(lines)

    def _tasks_of(self, agency: str, role: str, scope: list[str] | None) -> list[TaskRecord]:
        tasks = self._records.tasks(TaskQuery(agency=agency, role=role))
        return [t for t in tasks if not scope or t.document_id in scope]

    def _task_list_of_plans(
        self, query: Query, scope: list[str] | None, titles: dict[str, str]
    ) -> Answer:
        """All tasks of the plans in scope: "Kế hoạch ... có bao nhiêu nhiệm vụ?"."""
        tasks = [t for t in self._records.tasks(TaskQuery()) if not scope or t.document_id in scope]
        tasks = self._narrow_by_topic(query, tasks)
        if not tasks:
            return Answer(
                self._t.render("not_found"), False, intent=query.intent.value, titles=titles
            )
        header = self._t.render(
            "plan_tasks_header", count=len(tasks), scope=_scope_text(tasks, titles)
        )
        return self._task_list(header, tasks, query, titles)

    def _due_tasks(self, query: Query, scope: list[str] | None, titles: dict[str, str]) -> Answer:
        """Tasks due in a period and/or of a status, of an agency or of all (SEMANTICS §2)."""
        role = query.role
        today = self._today()
        agency = query.agencies[0] if query.agencies else None
        start, end = query.period or (None, None)
        status = query.status
        if status is None and query.period is None:
            status = "upcoming"
        filters = TaskQuery(
            agency=agency,
            role=role,
            due_from=start,
            due_to=end,
            status=status,
            today=today,
            within_days=query.within_days or 30,
        )
        parts = []
        if status:
            parts.append(
                {
                    "overdue": "đã qua thời hạn",
                    "upcoming": f"đến hạn trong {query.within_days or 30} ngày tới",
                    "open": "còn hạn",
                    "recurring": "thực hiện thường xuyên, định kỳ",
                }[status]
            )
        if query.period:
            parts.append(_period_text(start, end))
        what = ", ".join(parts)
        if agency:
            what += f" của {agency}"
        tasks = self._filtered(filters, scope)
        tasks.sort(key=lambda t: next_due(t.deadline, today) or date.max)
        extra = ""
        if agency and role == "lead" and not (query.frame and query.frame.role):
            # no role said: the tasks it leads, and how many more it takes part in
            others = self._filtered(replace(filters, role="coordinating"), scope)
            if others:
                extra = self._t.render("coordinates_also", agency=agency, count=len(others))
        if not tasks:
            text = self._t.render("no_tasks", what=what)
            return Answer(
                f"{text}\n{extra}" if extra else text,
                True,
                intent=query.intent.value,
                titles=titles,
            )
        header = self._t.render("due_header", count=len(tasks), what=what)
        answer = self._task_list(header, tasks, query, titles)
        if agency:
            extra = "\n".join(x for x in (extra, self._related_lines(filters, scope)) if x)
        if status == "overdue":
            extra = "\n".join(x for x in (extra, self._t.render("overdue_note")) if x)
        return replace(answer, answer=f"{answer.answer}\n{extra}") if extra else answer

    def _filtered(self, task_query: TaskQuery, scope: list[str] | None) -> list[TaskRecord]:
        return [t for t in self._records.tasks(task_query) if not scope or t.document_id in scope]

    def _task_list(
        self, header: str, tasks: Sequence[TaskRecord], query: Query, titles: dict[str, str]
    ) -> Answer:
        counting = query.frame is not None and "count" in query.frame.fields
        max_lines = self._tune.count_lines if counting else len(tasks)
        lines = [header]
        shown: list[TaskRecord] = []
        several = len({t.document_id for t in tasks}) > 1
        provinces = {d.id: d.province for d in self._versions.active_documents()}
        by_province = len({provinces.get(t.document_id) for t in tasks}) > 1
        if several:
            # tasks of several plans: grouped under each plan, since numbers repeat, and the
            # plans under their province when they are of several (SEMANTICS §4)
            order = list(dict.fromkeys(t.document_id for t in tasks))
            tasks = sorted(
                tasks,
                key=lambda t: (
                    (provinces.get(t.document_id) or "") if by_province else "",
                    order.index(t.document_id),
                ),
            )
        group = None
        for task in tasks:
            new = [
                self._t.render(
                    "task_line",
                    number=task.number,
                    name=_clip(task.name, self._tune.task_name_chars),
                    deadline=task.deadline.text or "không ghi",
                )
            ]
            if several and task.document_id != group:
                title = titles.get(task.document_id, task.document_id)
                province = provinces.get(task.document_id)
                if by_province and province:
                    title = self._t.render("province_plan", province=province, title=title)
                new.insert(0, self._t.render("plan_group", title=title))
            if (
                sum(len(x) + 1 for x in lines + new) > self._tune.list_chars
                or len(shown) >= max_lines
            ):
                break
            lines.extend(new)
            shown.append(task)
            group = task.document_id
        if len(shown) < len(tasks):
            lines.append(self._t.render("more", count=len(tasks) - len(shown)))
        sources = [
            Source(
                t.document_id, titles.get(t.document_id, ""), t.locator, _task_source_text(t), 1.0
            )
            for t in shown[: self._tune.max_sources * 2]
        ]
        return Answer(
            "\n".join(lines),
            True,
            sources,
            list(tasks),
            query.intent.value,
            titles,
            shown=len(shown),
        )

    def _narrow_by_topic(self, query: Query, tasks: list[TaskRecord]) -> list[TaskRecord]:
        """Keep the tasks that match the question's own words ("những đề án nào")."""
        topic = [w for w in query.topic if w not in _SCOPE_WORDS]
        if not topic or len(tasks) <= 3:
            return tasks
        scored = [
            (coverage(topic, f"{t.name} {t.output}", self._retriever.lexical), t) for t in tasks
        ]
        kept = [t for cov, t in scored if cov >= 0.5]
        return kept or tasks

    # -- free-text questions ----------------------------------------------------------------

    def _evidence(
        self, query: Query, scope: list[str] | None, record: str | None = None
    ) -> Evidence | None:
        hits = self._candidates(query, scope, record)
        return best_sentence(query, hits, self._retriever.lexical, self._titles())

    def _candidates(
        self, query: Query, scope: list[str] | None, record: str | None = None
    ) -> list[ChunkHit]:
        """Chunks to read sentences from: the hybrid search's best, then the chunks of the
        sentences that match best on their own (after them: a chunk's rank is a prior)."""
        hits = self._retriever.search(
            query.search_text,
            k=self._tune.evidence_chunks,
            record=record,
            documents=scope,
            dense_text=self._dense_text(query),
        )
        if record not in (None, "prose"):
            return hits
        units = self._retriever.search_units(
            query.search_text, k=self._tune.evidence_units, documents=scope
        )
        merged = {hit.id: hit for hit in hits}
        for hit in units:
            merged.setdefault(hit.id, hit)
        if query.task_number:
            # "tiêu chí số 4 nhóm y tế": the rows so numbered, whatever the search found
            for hit in self._retriever.numbered_records(query.task_number, scope):
                merged.setdefault(hit.id, hit)
        return list(merged.values())

    def _free_text(self, query: Query, scope: list[str] | None, titles: dict[str, str]) -> Answer:
        hits = self._candidates(query, scope)
        compared = self._compared_row(query, scope)
        evidence = compared or best_sentence(
            query, hits, self._retriever.lexical, self._titles(), self._tune.min_support
        )
        # a row picked by comparing the rows need not hold the question's words itself
        support = self.support(query, evidence, own_words=not compared) if evidence else 0.0
        if evidence is None or support < self._tune.min_support:
            # no nearest-passage quote: the plans do not say, so nothing is cited
            return Answer(
                self._t.render("not_found"),
                False,
                [],
                intent=query.intent.value,
                titles=titles,
                support=support,
            )
        chunk = evidence.chunk
        if chunk.record == "task":
            # a task row found by its words reads as the task, not as its raw table row
            task = self._task_of(chunk)
            if task is not None and (extra := self._extra_answer(query, task, titles)):
                return extra
            if task is not None and not has_answer_type(query, chunk.text):
                # "tổng kinh phí của đề án … bao nhiêu": the task is found, the figure is not
                values = _task_values(task, titles)
                return Answer(
                    self._t.render("not_in_task", **values),
                    False,
                    intent="beyond",
                    titles=titles,
                    support=support,
                )
            if task is not None:
                intent = query.intent if query.intent in _TASK_INTENTS else Intent.GENERAL
                return self._task_answer(replace(query, intent=intent), task, chunk, titles)
        text = self._t.render("extract", sentence=trim(evidence.sentence, query.topic))
        if self._llm is not None:
            text = self._llm_answer(query, hits, text) or text
        if newer := self.superseded_by(chunk.document_id):
            text = f"{text}\n{self._t.render('superseded', number=newer.number, title=newer.title)}"
        ordered = [evidence.chunk] + [h for h in hits if h.id != evidence.chunk.id]
        return Answer(
            text,
            True,
            _sources(ordered, titles, self._tune.max_sources),
            intent=query.intent.value,
            titles=titles,
            support=support,
        )

    def _compared_row(self, query: Query, scope: list[str] | None) -> Evidence | None:
        """ "Trụ cột nào xếp hạng cao nhất năm 2022?": the rows of the first table the
        question's words cover are compared, not matched by their words."""
        asked = comparison_asked(query.folded)
        if asked is None:
            return None
        kind, phrase = asked
        # "trụ cột nào", "chỉ số nào" name what the rows are, whatever the table calls them
        which = re.findall(r"(\w+ \w+) nao\b", query.folded)
        asking = set(phrase.split()) | {w for pair in which for w in pair.split()}
        topic = [w for w in query.topic if w not in asking]
        tables = self._retriever.value_tables(scope)
        if not topic and len(tables) == 1:
            topic = [w for w in query.topic if w not in phrase.split()]  # the only table
        scored = []
        for rows in tables:
            first = rows[0]
            table = " ".join(c.text for c in rows)
            context = f"{self._titles().get(first.document_id, '')} {first.heading} {table}"
            scored.append((coverage(topic, context, self._retriever.lexical, query.pairs), rows))
        asks_province = any(
            re.search(rf"\b{phrase}\b", query.folded)
            for phrase in lexicon()["asks_province"]["phrases"]
        )
        for cov, rows in sorted(scored, key=lambda s: -s[0]):
            if cov < self._tune.min_support:
                break
            parsed = [(parse_row(c.text), c) for c in rows]
            if asks_province and not any(r and provinces_in(r.label) for r, _ in parsed):
                continue  # "tỉnh nào đứng đầu": rows of pillars do not name provinces
            picked = pick_row([r for r, _ in parsed if r], kind, query.years)
            if picked is not None:
                chunk = next(c for r, c in parsed if r is picked[0])
                return Evidence(chunk.text, chunk, cov)
        return None

    def _task_of(self, chunk: ChunkHit) -> TaskRecord | None:
        tasks = self._records.tasks(TaskQuery(document_id=chunk.document_id))
        return next((t for t in tasks if t.number == chunk.number), None)

    def support(self, query: Query, evidence: Evidence, *, own_words: bool = True) -> float:
        """How well ``evidence`` answers ``query`` (SEMANTICS §6), 0..1: the share of the
        question's topic it covers (read with its document's title and heading), lowered
        when it lacks the kind of fact asked or a year the question names, and 0 when a
        specific thing the question names (a task number, a province, a name no plan
        holds) is not there. Answers below ``Tuning.min_support`` are refusals."""
        chunk = evidence.chunk
        window = f"{evidence.sentence} {chunk.text} {chunk.heading}"
        doc = self._documents().get(chunk.document_id)
        # the document's title, number and date are the sentence's context too: a year the
        # question names may be the plan's ("kế hoạch 2021 … bao nhiêu cuộc họp")
        about = f"{doc.title} {doc.number or ''} {doc.province or ''}" if doc else ""
        context = fold(f"{about} {window}").replace("đ", "d")
        if not names_task_number(query, window):
            return 0.0
        if set(provinces_in(query.text)) - set(provinces_in(context)):
            return 0.0  # no fact crosses from one province's plan to another's
        if query.frame is not None and query.frame.agency:
            # "Sở X có trách nhiệm gì": a passage that names that agency
            known = self._known_agencies(self._versions.active_documents())
            if agency_key(query.frame.agency) not in {agency_key(a) for a in known.find(window)}:
                return 0.0
        if any(not re.search(rf"\b{re.escape(name)}\b", context) for name in self._names(query)):
            # a name the question gives (a system, a product) that this passage does not
            # hold: the passage is about something else, and if no plan holds it, none says
            return 0.0
        own = coverage(query.topic, evidence.sentence, self._retriever.lexical, query.pairs)
        if own_words and own < self._tune.min_own_coverage:
            return 0.0
        score = evidence.coverage
        if not has_answer_type(query, evidence.sentence):
            score *= self._tune.missing_type_factor
        stated = set(years_in(evidence.sentence))
        if not all(year in f"{window} {about}" for year in query.years) or (
            stated and query.years and not stated & set(query.years)
        ):
            # a sentence about 2022 does not answer "năm 2023", whatever its plan's title says
            score *= self._tune.missing_year_factor
        return score

    def _names(self, query: Query) -> list[str]:
        """Words of the question that cannot be Vietnamese syllables and that the lexicon
        does not explain, or that mix digits and letters: names of systems, products, firms,
        generations ("egov", "zalopay", "4g")."""
        letters = self._tune.unknown_word_letters
        return [
            w
            for w in own_topic(query.topic)
            if (len(w) >= letters and not knows_phrase(w) and not vietnamese_syllable(w))
            or _MODEL_NAME.fullmatch(w)
        ]

    def _llm_answer(self, query: Query, hits: Sequence[ChunkHit], fallback: str) -> str | None:
        assert self._llm is not None
        context = "\n\n".join(f"[{i + 1}] {h.locator}: {h.text}" for i, h in enumerate(hits[:4]))
        messages = self._prompts.llm_messages(question=query.text, facts=fallback, context=context)
        reply = self._llm.complete(messages)
        if reply is None or "KHÔNG_CÓ_THÔNG_TIN" in reply:
            return None
        return reply.strip()

    # -- helpers ----------------------------------------------------------------------------

    def _dense_text(self, query: Query) -> str:
        """The question's most telling words for the embedder: the model's cost grows with
        the text, and rare words carry the topic."""
        if self._tune.dense_whole_question:
            return query.search_text
        words = query.dense_text.split()
        if len(words) <= self._tune.dense_words:
            return query.dense_text
        lexical = self._retriever.lexical
        ranked = sorted(range(len(words)), key=lambda i: -lexical.idf(fold(words[i])))
        keep = sorted(ranked[: self._tune.dense_words])
        return " ".join(words[i] for i in keep)

    def _known_agencies(self, documents: Iterable[Document]) -> Gazetteer:
        """The gazetteer plus every agency the active plans' tasks name, so a question can
        name an agency no gazetteer file lists ("Bưu điện tỉnh chủ trì nhiệm vụ nào?")."""
        key = tuple(sorted((d.id, d.version) for d in documents))
        with self._lock:
            if self._known[0] != key:
                names = {
                    name
                    for task in self._records.tasks(TaskQuery())
                    for name in (*task.lead_agencies, *task.coordinating_agencies)
                }
                self._known = (key, self._gazetteer.with_names(names))
            return self._known[1]

    def warm(self) -> None:
        """Read the active versions' passages into the lexical search now (after an ingest,
        at start), so questions can be answered from it even if the vector index goes
        down before the first one."""
        self._retriever.refresh()

    def superseded_by(self, document_id: str) -> Document | None:
        """The active plan that replaces or amends this one ("thay thế Kế hoạch số …")."""
        documents = self._documents()
        doc = documents.get(document_id)
        if doc is None or not doc.number:
            return None
        key = re.sub(r"\s+", "", doc.number).upper()
        return next(
            (d for d in documents.values() if d.replaces and d.replaces.upper() == key), None
        )

    def _documents(self) -> dict[str, Document]:
        return {d.id: d for d in self._versions.active_documents()}

    def _titles(self) -> dict[str, str]:
        return {d.id: d.title for d in self._versions.active_documents()}

    def _short_titles(self) -> dict[str, str]:
        return {d.id: _short_title(d) for d in self._versions.active_documents()}

    def _document_scope(self, query: Query, documents: dict[str, Document]) -> list[str] | None:
        """Documents a question names ("NQ 57", "kế hoạch 312") or names the province of
        ("của tỉnh Gia Lai": that province's plans only, SEMANTICS §4); None means all."""
        named = self._named_scope(query, documents)
        if query.frame is not None and query.frame.revised:
            # "bản sửa đổi": the plans that replace or amend another; none, and nothing is
            revising = [d for d in documents if documents[d].replaces]
            named = [d for d in revising if named is None or d in named] or [_NO_DOCUMENT]
        provinces = set(provinces_in(query.text))
        if not provinces or not any(d.province for d in documents.values()):
            return named
        # no fact crosses from one province's plan to another's; a province no plan is of
        # leaves nothing to search, and the answer says the plans do not say
        local = [
            d.id
            for d in documents.values()
            if d.province in provinces and (named is None or d.id in named)
        ]
        return local or [_NO_DOCUMENT]

    def _named_scope(self, query: Query, documents: dict[str, Document]) -> list[str] | None:
        if not query.doc_hints:
            return None
        scope = []
        for doc in documents.values():
            words = set(re.findall(r"[0-9a-z]+", fold(f"{doc.title} {doc.number or ''} {doc.id}")))
            if any(hint in words for hint in query.doc_hints):
                scope.append(doc.id)
        # a hint that names every plan (or none) narrows nothing
        return scope if scope and len(scope) < len(documents) else None


_NO_DOCUMENT = "\x00"  # a scope that holds no document
# a word of digits and letters names a model or a generation ("5g", "h5n1", "iso27001")
_MODEL_NAME = re.compile(r"(?=\w*\d)(?=\w*[a-z])\w{2,}")
_TASK_INTENTS = (Intent.DEADLINE, Intent.LEAD, Intent.COORDINATING, Intent.OUTPUT)
_ROLE_TEXT = {"lead": "chủ trì", "coordinating": "phối hợp", "any": "tham gia"}
# The order several asked fields are answered in.
_FIELD_ORDER = ("lead", "coordinating", "output", "deadline")
# Words that name a plan or shape a list question; they narrow no list by topic.
_SCOPE_WORDS = frozenset("nghi quyet nq ke hoach kh chuong trinh xay dung nhung nao gi".split())


def _own_topic(query: Query) -> list[str]:
    """The question's topic without plan words and the task number it names."""
    return [w for w in query.topic if w not in _SCOPE_WORDS and w != query.task_number]


def _vietnamese_date(iso: str) -> str:
    """ "2026-02-03" -> "03/02/2026"; other text as it is."""
    try:
        return f"{date.fromisoformat(iso):%d/%m/%Y}"
    except ValueError:
        return iso


def _period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return f"đến hạn từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
    if end:
        return f"có hạn đến hết ngày {end:%d/%m/%Y}"
    if start:
        return f"có hạn từ ngày {start:%d/%m/%Y} trở đi"
    return "có thời hạn"


def _scope_text(tasks: Sequence[TaskRecord], titles: dict[str, str]) -> str:
    """ " (title of the plan)" when every task is from one plan."""
    docs = {t.document_id for t in tasks}
    return f" ({titles.get(next(iter(docs)), '')})" if len(docs) == 1 else ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + "…"


def _short_title(doc: Document) -> str:
    return _clip(doc.title, 70)


def _task_values(task: TaskRecord, titles: dict[str, str]) -> dict[str, object]:
    return {
        "number": task.number,
        "name": _clip(task.name.rstrip(". "), 220),
        "document": titles.get(task.document_id, task.document_id),
        "lead": ", ".join(task.lead_agencies) or "không ghi",
        "coordinating": ", ".join(task.coordinating_agencies) or "không ghi",
        "output": task.output or "không ghi",
        "deadline": task.deadline.text or "không ghi",
    }


def _task_source_text(task: TaskRecord) -> str:
    return task.indexed_text()


def _sources(hits: Sequence[ChunkHit], titles: dict[str, str], limit: int) -> list[Source]:
    return [
        Source(h.document_id, titles.get(h.document_id, ""), h.locator, h.text, h.score)
        for h in hits[:limit]
    ]


_LIST_INTENTS = frozenset({"due", "agency_tasks", "task_list", "page"})


def _next_state(state: State, step: Step, answer: Answer, question: str) -> State:
    """The conversation after this turn: a refused turn changes nothing (unless it asked
    back), a list becomes the list follow-ups refer to."""
    if not answer.found:
        if answer.intent == "clarify":
            return replace(state, pending=step.frame)
        return state
    items = [(t.document_id, t.number) for t in answer.tasks]
    if answer.intent == "page":
        return replace(state, items=items, shown=state.shown + answer.shown)
    if answer.intent in _LIST_INTENTS:
        return State(step.frame, items, step.frame, items, answer.shown or len(items))
    if step.kind == "tasks":
        return replace(state, frame=step.frame, items=items, pending=None)
    # a question of its own: a task or a passage; nothing is dragged from before
    if not items and answer.sources:
        # a passage or a row: what follow-ups of it go on from
        return State(
            step.frame, items, passage_question=question, passage_text=answer.sources[0].text
        )
    return State(step.frame, items)
