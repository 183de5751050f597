"""Kill tasks and the Overlord's task store (semantics.md sections 8 and 10.5; http-api.md sections 2.6, 5.1 to 5.3).

Layer: model; imports only the stdlib, ``fakedruid.errors`` and the rest of ``fakedruid.model``. The deletion
itself is :meth:`fakedruid.model.cluster.Cluster.kill_unused_segments`; this module adds what the Overlord keeps
around it: task ids, statuses, payloads and report numbers, the synchronous run (or a hold until released), and
the validation Druid performs while it reads a kill task's JSON (``KillUnusedSegmentsTask`` ~29 @ ``94f17b01`` and
~master). The store only keeps records and never imports the cluster: :class:`~fakedruid.model.cluster.Cluster`
runs the kills, holding its lock, and is the only caller.
"""

from __future__ import annotations

import builtins
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fakedruid.errors import (
    FakeDruidError,
    InvalidInstant,
    InvalidInterval,
    InvalidTask,
    JacksonMappingProblem,
    JsonAt,
    NotImplementedByFake,
    TaskAlreadyExists,
    UnknownTask,
)
from fakedruid.model.intervals import (
    ETERNITY,
    MS_PER_HOUR,
    Interval,
    format_instant,
    parse_instant,
    parse_interval,
)
from fakedruid.model.json_text import bean_from_non_object, cannot_deserialize, jackson_token
from fakedruid.model.segments import DataSegment, data_segment_from_json, data_segment_java_string, data_segment_to_json
from fakedruid.model.type_ids import Wrapped, read_wrapper


@dataclass(frozen=True, slots=True)
class KillResult:
    """What a kill run did (the task report of semantics 8.2 and 8.3)."""

    killed: int
    batches: int
    marked_unused: int
    killed_ids: tuple[str, ...]
    #: The task's lock version (``TaskLocks`` checks each batch against it); None when nothing was checked.
    lock_version: str | None = None
    #: The batch the lock could not cover (a version sorting after ``lock_version``): the run stopped there,
    #: having killed the batches before it, and the task fails. Empty when every batch was covered.
    uncovered: tuple[DataSegment, ...] = ()



KILL = "kill"

RUNNING = "RUNNING"
SUCCESS = "SUCCESS"
FAILED = "FAILED"

#: ``OverlordResource.doShutdown``: the failure message of a task shut down by a user.
SHUTDOWN_MESSAGE = "Shutdown request from user"

#: The ``state`` values of ``GET /druid/indexer/v1/tasks`` (``OverlordResource.API_TASK_STATES``).
TASK_STATES = ("pending", "waiting", "running", "complete")

#: ``druid.indexer.storage.recentlyFinishedThreshold`` (default PT24H): without ``createdTimeInterval``, task
#: lists show only complete tasks created this recently (``TaskStorageUtils.processTaskLookups``).
RECENTLY_FINISHED_THRESHOLD_MS = 24 * MS_PER_HOUR

#: Task types a Druid Overlord knows besides ``kill`` (core ``Task`` subtypes and the usual extensions): the kill
#: reader answers one of them with a fake limitation (501), any other type with Druid's 400 "unknown type".
#: ``index`` and ``index_parallel`` never reach it: ``POST /task`` reads them as ingestion specs.
OTHER_TASK_TYPES = frozenset(
    {
        "index",
        "index_parallel",
        "index_hadoop",
        "index_kafka",
        "index_kinesis",
        "index_realtime",
        "index_realtime_appenderator",
        "compact",
        "noop",
        "archive",
        "move",
        "restore",
        "single_phase_sub_task",
        "index_sub",
        "partial_index_generate",
        "partial_range_index_generate",
        "partial_dimension_cardinality",
        "partial_dimension_distribution",
        "partial_index_generic_merge",
        "query_controller",
        "query_worker",
    }
)

_TASK_CLASS = "org.apache.druid.indexing.common.task.Task"
_KILL_CLASS = "org.apache.druid.indexing.common.task.KillUnusedSegmentsTask"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_ID_LETTERS = "abcdefghijklmnop"
# IdUtils.INVALIDCHARS `(?s).*[^\S ].*`: Java's \s is ASCII whitespace; any of it but a plain space is refused.
_ILLEGAL_WHITESPACE = re.compile("[\t\n\x0b\f\r]")


@dataclass(slots=True)
class Task:
    """One Overlord task (a kill or an ingestion task) and what its run reported.

    ``status`` is ``RUNNING``, ``SUCCESS`` or ``FAILED``; ``duration`` is milliseconds, -1 while running (and for a
    task shut down by a user, as Druid stores ``TaskStatus.failure`` with no duration). ``payload`` is the task
    JSON Druid echoes on ``GET /task/{id}``. The report numbers are ``KillTaskReport.Stats``.
    """

    id: str
    group_id: str
    type: str
    datasource: str
    interval: Interval
    created_time: int
    status: str = RUNNING
    duration: int = -1
    error_msg: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    num_segments_killed: int = 0
    num_batches_processed: int = 0
    num_segments_marked_unused: int = 0
    killed_ids: tuple[str, ...] = ()
    #: Keyword arguments of ``Cluster.kill_unused_segments`` for the run (kept for a held task).
    kill_args: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The ``errorMsg`` a held task will fail with when released (``TaskStore.fail_with`` at submission).
    planned_error: str | None = None
    #: Submission order, to order tasks created in the same millisecond (newest first).
    sequence: int = 0
    #: An ingestion task's job (``fakedruid.model.ingestion.IngestionJob``), kept for a held task.
    job: Any = field(default=None, repr=False)
    #: An ingestion task's report (``GET /task/{id}/reports``), set when it ends.
    report: dict[str, Any] | None = field(default=None, repr=False)
    #: The ids of the segments (and tombstones) an ingestion task published.
    published_ids: tuple[str, ...] = ()
    #: The ingestion task failed before it wrote a report (``GET /task/{id}/reports`` is a 404).
    no_report: bool = False
    #: The Overlord failed the task because its ``isReady`` threw: ``error_msg`` is the cause, which the API
    #: wraps in the release's ``TaskQueue`` message; the duration stays -1.
    ready_failure: bool = False
    #: A kill task's lock version (its start time as Druid prints it), once it ran.
    lock_version: str | None = None
    #: The batch a kill task's lock could not cover (its ``errorMsg`` names them, :func:`lock_failure_message`).
    uncovered: tuple[DataSegment, ...] = field(default=(), repr=False)

    def finish_ingestion(
        self,
        error: str | None,
        report: dict[str, Any] | None,
        published: tuple[str, ...],
        now: int,
        *,
        no_report: bool = False,
        ready_failure: bool = False,
    ) -> None:
        """End an ingestion task: ``FAILED`` with ``error``, or ``SUCCESS`` having published ``published``."""
        self.status, self.error_msg = (FAILED, error) if error is not None else (SUCCESS, None)
        self.report = report
        self.published_ids = published
        self.no_report = no_report
        self.ready_failure = ready_failure
        self.duration = -1 if ready_failure else max(0, now - self.created_time)

    def finish(self, result: KillResult | None, now: int) -> None:
        """End the task: ``FAILED`` as planned (``result`` is None then), ``FAILED`` when its lock could not cover
        a batch (``result.uncovered``: Druid's ISE, no report), or ``SUCCESS`` with the kill's report."""
        if result is None:
            self.status, self.error_msg = FAILED, self.planned_error
        else:
            self.num_segments_killed = result.killed
            self.num_batches_processed = result.batches
            self.num_segments_marked_unused = result.marked_unused
            self.killed_ids = result.killed_ids
            self.lock_version = result.lock_version
            self.uncovered = result.uncovered
            if result.uncovered:
                self.status, self.error_msg = FAILED, lock_failure_message(self, fields_37=True)
            else:
                self.status = SUCCESS
        self.duration = max(0, now - self.created_time)

    @property
    def is_complete(self) -> bool:
        """The task has finished (``SUCCESS`` or ``FAILED``)."""
        return self.status != RUNNING

    def to_state(self) -> dict[str, Any]:
        """JSON-friendly data for the state file (:meth:`from_state` rebuilds the task)."""
        return {
            "id": self.id,
            "group_id": self.group_id,
            "type": self.type,
            "datasource": self.datasource,
            "interval": [self.interval.start, self.interval.end],
            "created_time": self.created_time,
            "status": self.status,
            "duration": self.duration,
            "error_msg": self.error_msg,
            "payload": self.payload,
            "num_segments_killed": self.num_segments_killed,
            "num_batches_processed": self.num_batches_processed,
            "num_segments_marked_unused": self.num_segments_marked_unused,
            "killed_ids": list(self.killed_ids),
            "kill_args": self.kill_args,
            "planned_error": self.planned_error,
            "sequence": self.sequence,
            "no_report": self.no_report,
            "ready_failure": self.ready_failure,
            "lock_version": self.lock_version,
            "uncovered": [data_segment_to_json(seg, projections=True) for seg in self.uncovered],
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Task:
        """Rebuild a task from :meth:`to_state` output.

        :raises InvalidTask: a field is missing or of the wrong kind.
        """
        try:
            start, end = state["interval"]
            return cls(
                id=str(state["id"]),
                group_id=str(state["group_id"]),
                type=str(state["type"]),
                datasource=str(state["datasource"]),
                interval=Interval(int(start), int(end)),
                created_time=int(state["created_time"]),
                status=str(state["status"]),
                duration=int(state["duration"]),
                error_msg=state["error_msg"],
                payload=dict(state["payload"]),
                num_segments_killed=int(state["num_segments_killed"]),
                num_batches_processed=int(state["num_batches_processed"]),
                num_segments_marked_unused=int(state["num_segments_marked_unused"]),
                killed_ids=tuple(str(i) for i in state["killed_ids"]),
                kill_args=dict(state["kill_args"]),
                planned_error=state["planned_error"],
                sequence=int(state["sequence"]),
                no_report=bool(state.get("no_report", False)),
                ready_failure=bool(state.get("ready_failure", False)),
                lock_version=state.get("lock_version"),
                uncovered=tuple(data_segment_from_json(obj) for obj in state.get("uncovered", ())),
            )
        except (KeyError, TypeError, ValueError, FakeDruidError) as exc:
            raise InvalidTask(f"malformed task in a state document: {exc!r}") from exc


def lock_failure_message(task: Task, *, fields_37: bool) -> str:
    """The ``errorMsg`` of a kill task whose lock cannot cover a batch of unused segments.

    ``KillUnusedSegmentsTask.runTask`` throws ``ISE("Locks[%s] for task[%s] can't cover segments[%s]")`` when
    ``TaskLocks.isLockCoversSegments`` is false; the peon's runner stores ``e.toString()``. The lock is the task's
    one ``TimeChunkLock`` over its interval (EXCLUSIVE, priority 0, measured on Druid 28.0.0, 33.0.0 and 37.0.0);
    Druid 28 cuts the message to 100 characters (the API does, per profile).

    :param fields_37: write the segments as Druid 37 does (:func:`~fakedruid.model.segments.data_segment_java_string`).
    """
    context = task.payload.get("context")
    priority = context.get("priority", 0) if isinstance(context, dict) else 0  # AbstractTask.getPriority
    lock = (
        f"TimeChunkLock{{type=EXCLUSIVE, groupId='{task.group_id}', dataSource='{task.datasource}', "
        f"interval={task.interval}, version='{task.lock_version}', priority={priority}, revoked=false}}"
    )
    segments = ", ".join(data_segment_java_string(seg, fields_37=fields_37) for seg in task.uncovered)
    return (
        f"org.apache.druid.java.util.common.ISE: Locks[[{lock}]] for task[{task.id}] "
        f"can't cover segments[[{segments}]]"
    )


class TaskStore:
    """The Overlord's tasks, by id, plus the switches of semantics 10.5.

    :param seed: seeds :attr:`random`, which draws the 8 letters of generated task ids.
    """

    def __init__(self, *, seed: int | None = None) -> None:
        #: New tasks stay ``RUNNING`` until :meth:`release`.
        self.hold: bool = False
        #: New tasks end ``FAILED`` with this ``errorMsg`` and delete nothing.
        self.fail_with: str | None = None
        #: Source of the random part of generated ids (seed it for repeatable ids).
        self.random = random.Random(seed)
        self._tasks: dict[str, Task] = {}
        self._sequence = 0
        #: The highest lock version an ingestion task got (see :meth:`kill_lock_version`).
        self.last_lock_version: str | None = None

    def reset(self) -> None:
        """Forget every task; ``hold`` and ``fail_with`` return to their defaults."""
        self._tasks.clear()
        self._sequence = 0
        self.hold = False
        self.fail_with = None
        self.last_lock_version = None

    def note_lock_version(self, version: str) -> None:
        """Remember the lock version an ingestion task got (the floor of later kill tasks' versions)."""
        if self.last_lock_version is None or version > self.last_lock_version:
            self.last_lock_version = version

    def kill_lock_version(self, now: int) -> str:
        """The version of a kill task's lock: ``DateTimes.nowUtc()`` when it takes the lock, as Druid prints it.

        Druid's clock always moves on, so a kill task's lock sorts after every version an earlier task wrote; with
        a frozen clock an ingestion task's version may have been moved past "now" (see
        :func:`fakedruid.model.ingestion.lock_version`), so the kill's is then one millisecond after the highest
        such version (the same fake-only rule, listed in the README's Known differences).
        """
        version = format_instant(now)
        last = self.last_lock_version
        if last is not None and version <= last:
            try:
                version = format_instant(parse_instant(last) + 1)
            except (FakeDruidError, ValueError):
                version = last
        return version

    def to_state(self) -> dict[str, Any]:
        """The tasks and switches as JSON-friendly data (the random id generator is not kept)."""
        return {
            "tasks": [t.to_state() for t in self._tasks.values()],
            "sequence": self._sequence,
            "hold": self.hold,
            "fail_with": self.fail_with,
            "last_lock_version": self.last_lock_version,
        }

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Replace the tasks and switches with :meth:`to_state` output, all or nothing.

        :raises InvalidTask: the state is malformed.
        """
        if not isinstance(state, Mapping) or not isinstance(state.get("tasks"), list):
            raise InvalidTask("malformed task state: expected an object with a [tasks] array")
        tasks = [Task.from_state(t) for t in state["tasks"]]
        self._tasks = {t.id: t for t in tasks}
        self._sequence = int(state.get("sequence", len(tasks)))
        self.hold = bool(state.get("hold", False))
        fail_with = state.get("fail_with")
        self.fail_with = None if fail_with is None else str(fail_with)
        last = state.get("last_lock_version")
        self.last_lock_version = None if last is None else str(last)

    # ------------------------------------------------------------------ ids

    def random_suffix(self) -> str:
        """``IdUtils.getRandomId()``: 8 letters ``a`` to ``p`` (one per random nibble)."""
        return "".join(_ID_LETTERS[self.random.getrandbits(4)] for _ in range(8))

    def new_task_id(self, id_prefix: str | None, datasource: str, interval: Interval, now: int) -> str:
        """``IdUtils.newTaskId``: ``[<prefix>_]kill_<ds>_<8 letters>_<start>_<end>_<now>``."""
        parts = [] if id_prefix is None else [id_prefix]
        parts += [KILL, datasource, self.random_suffix(), format_instant(interval.start), format_instant(interval.end)]
        parts.append(format_instant(now))
        return "_".join(parts)

    # ------------------------------------------------------------------ submission

    def create_kill(
        self,
        *,
        now: int,
        datasource: str,
        interval: Interval,
        task_id: str | None = None,
        id_prefix: str | None = "api-issued",
        batch_size: int = 100,
        limit: int | None = None,
        max_used_status_last_updated: int | None = None,
        mark_as_unused: bool = False,
        versions: list[str] | None = None,
        count_killable_only: bool = False,
        context: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Task:
        """Record a new kill task, RUNNING; :meth:`fakedruid.model.cluster.Cluster.submit_kill` runs it.

        With :attr:`fail_with` set the task is planned to end ``FAILED`` with that ``errorMsg``.

        :param now: the creation time.

        :param task_id: the id to use; None generates ``<id_prefix>_kill_...`` (``kill_...`` when ``id_prefix`` is
            None, as for a user's POST without ``id``).
        :param count_killable_only: the profile "latest" loop of semantics 8.3 (else 8.2).
        :param payload: the task JSON to echo on ``GET /task/{id}`` (from :func:`kill_task_from_json`; its
            ``id``, ``groupId`` and ``resource`` are filled in here); None builds the Coordinator's form.
        :returns: the task.
        :raises InvalidTask: the generated or given id is not a valid Druid task id.
        :raises TaskAlreadyExists: a task with this id exists (running or complete).
        """
        tid = task_id if task_id is not None else self.new_task_id(id_prefix, datasource, interval, now)
        problem = _id_problem(tid)
        if problem is not None:
            raise InvalidTask(_construct_error(problem))
        if tid in self._tasks:
            raise TaskAlreadyExists(tid)
        if payload is None:
            payload = _payload_template(
                datasource,
                interval,
                context=context,
                batch_size=batch_size,
                limit=limit,
                max_used_status_last_updated=max_used_status_last_updated,
                mark_as_unused=mark_as_unused,
                versions=versions,
                versions_field=count_killable_only,
            )
        self._sequence += 1
        task = Task(
            id=tid,
            group_id=tid,
            type=KILL,
            datasource=datasource,
            interval=interval,
            created_time=now,
            payload=_with_ids(payload, tid),
            kill_args={
                "versions": None if versions is None else list(versions),
                "limit": limit,
                "batch_size": batch_size,
                "max_used_status_last_updated": max_used_status_last_updated,
                "mark_as_unused": mark_as_unused,
                "count_killable_only": count_killable_only,
            },
            planned_error=self.fail_with,
            sequence=self._sequence,
        )
        self._tasks[tid] = task
        return task

    def create_ingestion(
        self,
        *,
        now: int,
        task_type: str,
        datasource: str,
        payload: dict[str, Any],
        job: Any,
        task_id: str | None = None,
        java_class: str | None = None,
        group_id: str | None = None,
    ) -> Task:
        """Record a new ingestion task, RUNNING; :meth:`fakedruid.model.cluster.Cluster.submit_ingestion` runs it.

        :param group_id: the task's groupId (None: its id).

        :param task_id: the id to use; None generates ``IdUtils.newTaskId(type, datasource, null)``:
            ``<type>_<ds>_<8 letters>_<now>``.
        :param payload: the task JSON to echo on ``GET /task/{id}``; ``id``, ``groupId`` and ``resource`` are
            filled in here.
        :param java_class: the task's Java class, for the id check's message.
        :raises InvalidTask: the id is not a valid Druid task id.
        :raises TaskAlreadyExists: a task with this id exists.
        """
        tid = (
            task_id
            if task_id is not None
            else "_".join([task_type, datasource, self.random_suffix(), format_instant(now)])
        )
        problem = _id_problem(tid)
        if problem is not None:
            raise InvalidTask(_construct_error(problem, java_class or _KILL_CLASS))
        if tid in self._tasks:
            raise TaskAlreadyExists(tid)
        self._sequence += 1
        task = Task(
            id=tid,
            group_id=group_id or tid,
            type=task_type,
            datasource=datasource,
            interval=ETERNITY,
            created_time=now,
            payload=_with_ids(payload, tid, group_id),
            planned_error=self.fail_with,
            sequence=self._sequence,
            job=job,
        )
        self._tasks[tid] = task
        return task

    def random_uuid(self) -> str:
        """A random (version 4) UUID from :attr:`random` (Druid's ``UUID.randomUUID()``, e.g. a SQL query id)."""
        bits = self.random.getrandbits(128)
        bits = (bits & ~(0xF000 << 64)) | (0x4000 << 64)
        bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    # ------------------------------------------------------------------ reading

    def get(self, task_id: str) -> Task | None:
        """The task with this id, or None."""
        return self._tasks.get(task_id)

    def list(
        self,
        now: int,
        *,
        state: str | None = None,
        datasource: str | None = None,
        task_type: str | None = None,
        created_within: int | None = None,
        max_complete: int | None = None,
    ) -> list[Task]:
        """Tasks as ``GET /druid/indexer/v1/tasks`` lists them (``TaskQueryTool.getTaskStatusPlusList``).

        Active tasks first, then complete ones, each newest ``createdTime`` first (Druid's order is not
        defined; see http-api.md 5.3). Every held task counts as ``running`` in the fake's runner, so
        ``pending`` and ``waiting`` are always empty.

        :param state: one of :data:`TASK_STATES` in any letter case, or None for all.
        :param created_within: ``createdTimeInterval``'s length: Druid keeps only its *duration* and lists
            complete tasks created at most that long before ``now``; None means
            :data:`RECENTLY_FINISHED_THRESHOLD_MS`. Active tasks are not filtered by it.
        :param max_complete: at most this many complete tasks (newest first); 0 or less lists none.
        :raises ValueError: for another ``state``.
        """
        lookup = None if state is None else state.lower()
        if lookup is not None and lookup not in TASK_STATES:
            raise ValueError(f"Invalid task state[{state}]")
        ordered = sorted(self._tasks.values(), key=lambda t: (t.created_time, t.sequence), reverse=True)
        matching = [
            t
            for t in ordered
            if (datasource is None or t.datasource == datasource) and (task_type is None or t.type == task_type)
        ]
        active = [t for t in matching if not t.is_complete] if lookup in (None, "running") else []
        complete: list[Task] = []
        if lookup in (None, "complete"):
            window = RECENTLY_FINISHED_THRESHOLD_MS if created_within is None else created_within
            complete = [t for t in matching if t.is_complete and t.created_time >= now - window]
            if max_complete is not None:
                complete = complete[: max(0, max_complete)]
        return active + complete

    # ------------------------------------------------------------------ test controls

    def releasable(self, task_id: str | None = None) -> builtins.list[Task]:
        """The held tasks to run now (all, or the one named), oldest first.

        :returns: the tasks (a complete task named by ``task_id`` is not released again).
        :raises UnknownTask: ``task_id`` names no task.
        """
        if task_id is not None:
            task = self._tasks.get(task_id)
            if task is None:
                raise UnknownTask(f"No task with id [{task_id}]")
            todo: builtins.list[Task] = [] if task.is_complete else [task]
        else:
            todo = sorted((t for t in self._tasks.values() if not t.is_complete), key=lambda t: t.sequence)
        return todo

    def shutdown(self, task_id: str) -> Task:
        """``TaskQueue.shutdown``: a running task ends ``FAILED`` with :data:`SHUTDOWN_MESSAGE`, deleting
        nothing; a complete task is left as it is.

        :raises UnknownTask: ``task_id`` names no task.
        """
        task = self._tasks.get(task_id)
        if task is None:
            raise UnknownTask(f"No task with id [{task_id}]")
        if not task.is_complete:
            # TaskStatus.failure(id, msg) carries no duration; the Overlord stores it as is (TaskQueue.notifyStatus).
            task.status, task.error_msg, task.duration = FAILED, SHUTDOWN_MESSAGE, -1
        return task


# ---------------------------------------------------------------------- task JSON


def kill_task_from_json(
    obj: Any,
    *,
    mark_as_unused_allowed: bool,
    versions_allowed: bool,
    known_type_ids: Iterable[str] = (),
    jackson_220: bool = False,
) -> dict[str, Any]:
    """Read a task submitted to ``POST /druid/indexer/v1/task`` as Druid's Jackson mapper does (http-api 5.1).

    Fields are read in document order (the first bad one fails), then ``KillUnusedSegmentsTask``'s constructor
    checks run: the task id (``IdUtils.validateId``), ``dataSource``, ``interval``, ``batchSize``, ``limit``, and
    (profile "29") ``limit`` with ``markAsUnused``. Unknown fields are ignored, so ``markAsUnused`` in profile
    "latest" and ``versions`` in profile "29" have no effect.

    :param mark_as_unused_allowed: the task has the deprecated ``markAsUnused`` (profile "29").
    :param versions_allowed: the task has ``versions`` (profile "latest").
    :param known_type_ids: the ``Task`` type ids the unknown-type message lists (profile ``task_type_ids``).
    :param jackson_220: profile switch ``jackson_220_wording``.
    :returns: keyword arguments for :meth:`TaskStore.submit_kill` (without ``count_killable_only``).
    :raises InvalidTask: with the message Druid puts in its 400 ``{"error": ...}``.
    :raises NotImplementedByFake: for a Druid task type other than ``kill``.
    """
    if not isinstance(obj, dict):
        raise InvalidTask(_missing_type_id(), at=JsonAt())
    task_type = obj.get("type")
    if task_type is None or isinstance(task_type, (dict, list)):
        raise InvalidTask(_missing_type_id(), at=JsonAt((), "end"))
    task_type = _scalar_text(task_type)
    if task_type != KILL:
        if task_type in OTHER_TASK_TYPES:
            raise NotImplementedByFake(f"task type [{task_type}]: only 'kill' tasks are implemented")
        raise InvalidTask(_unknown_task_type(task_type, known_type_ids), at=JsonAt(("type",)))

    fields: dict[str, Any] = {}
    readers = dict(_READERS)
    if jackson_220:
        readers["batchSize"] = readers["limit"] = lambda key, value: _read_int(key, value, jackson_220=True)
    if mark_as_unused_allowed:
        readers["markAsUnused"] = _read_bool
    if versions_allowed:
        readers["versions"] = _read_versions
    for key, value in obj.items():
        reader = readers.get(key)
        if reader is not None:
            fields[key] = reader(key, value)

    task_id = fields.get("id")
    datasource = fields.get("dataSource")
    interval = fields.get("interval")
    batch_size = fields.get("batchSize")
    limit = fields.get("limit")
    mark_as_unused = fields.get("markAsUnused")
    # Constructor order: AbstractTask validates the id and dataSource, AbstractFixedIntervalTask the interval,
    # then KillUnusedSegmentsTask its own fields.
    at = _creator_location(obj)
    if task_id is not None:
        problem = _id_problem(task_id)
        if problem is not None:
            raise InvalidTask(_construct_error(problem), at=at)
    if datasource is None:
        raise InvalidTask(_construct_error("dataSource"), at=at)
    if interval is None:
        raise InvalidTask(_construct_error("interval"), at=at)
    if interval.duration == 0:
        # AbstractFixedIntervalTask: checkArgument(interval.toDurationMillis() > 0, "interval empty") (measured
        # on 28.0.0 and 33.0.0: a zero-length kill interval is a 400 naming it).
        raise InvalidTask(_construct_error("interval empty"), at=at)
    effective_batch = 100 if batch_size is None else batch_size
    if effective_batch <= 0:
        raise InvalidTask(_construct_error(f"batchSize[{_java_int(batch_size)}] must be a positive integer."), at=at)
    if limit is not None and limit <= 0:
        raise InvalidTask(_construct_error(f"limit[{limit}] must be a positive integer."), at=at)
    if limit is not None and mark_as_unused is True:
        raise InvalidTask(_construct_error(f"limit[{limit}] cannot be provided when markAsUnused is enabled."), at=at)

    versions = fields.get("versions")
    context = fields.get("context")
    max_updated = fields.get("maxUsedStatusLastUpdatedTime")
    payload = _payload_template(
        datasource,
        interval,
        context=context,
        batch_size=effective_batch,
        limit=limit,
        max_used_status_last_updated=max_updated,
        mark_as_unused=bool(mark_as_unused),
        versions=versions,
        versions_field=versions_allowed,
    )
    return {
        "datasource": datasource,
        "interval": interval,
        "task_id": task_id,
        "id_prefix": None,
        "batch_size": effective_batch,
        "limit": limit,
        "max_used_status_last_updated": max_updated,
        "mark_as_unused": bool(mark_as_unused),
        "versions": versions,
        "context": context,
        "payload": payload,
    }


def _payload_template(
    datasource: str,
    interval: Interval,
    *,
    context: dict[str, Any] | None,
    batch_size: int,
    limit: int | None,
    max_used_status_last_updated: int | None,
    mark_as_unused: bool,
    versions: list[str] | None,
    versions_field: bool,
) -> dict[str, Any]:
    """The task JSON as Druid serialises ``KillUnusedSegmentsTask``, ids left to :func:`_with_ids`.

    Jackson writes the type id, then the creator properties in constructor order, then the other getters
    (``groupId``, ``resource``). ``markAsUnused`` is ``NON_DEFAULT`` (absent unless true; profile "29" only),
    ``versions`` exists only in profile "latest". The Overlord adds ``forceTimeChunkLock`` and
    ``useLineageBasedSegmentAllocation`` to the context when absent (``TaskQueue.add``).
    """
    ctx = dict(context or {})
    ctx.setdefault("forceTimeChunkLock", True)
    ctx.setdefault("useLineageBasedSegmentAllocation", True)
    body: dict[str, Any] = {"type": KILL, "id": None, "dataSource": datasource, "interval": str(interval)}
    if versions_field:
        body["versions"] = None if versions is None else list(versions)
    body["context"] = ctx
    if mark_as_unused:
        body["markAsUnused"] = True
    body["batchSize"] = batch_size
    body["limit"] = limit
    body["maxUsedStatusLastUpdatedTime"] = (
        None if max_used_status_last_updated is None else format_instant(max_used_status_last_updated)
    )
    body["groupId"] = None
    body["resource"] = None
    return body


def _with_ids(template: dict[str, Any], task_id: str, group_id: str | None = None) -> dict[str, Any]:
    """A copy of a payload template with ``id``, ``groupId`` (default: the id) and ``resource``
    (``TaskResource(id, 1)``) set."""
    body = dict(template)
    body["id"] = task_id
    body["groupId"] = group_id or task_id
    body["resource"] = {"availabilityGroup": task_id, "requiredCapacity": 1}
    return body


# ---------------------------------------------------------------------- Jackson-style field readers


def _construct_error(problem: str, java_class: str = _KILL_CLASS) -> str:
    """Jackson's ``ValueInstantiationException`` text for an exception thrown by the task's constructor."""
    return f"Cannot construct instance of `{java_class}`, problem: {problem}"


#: The ``@JsonCreator`` properties of Druid 29.0.1's ``KillUnusedSegmentsTask`` (read from its class file; 28.0.0's
#: lack ``maxUsedStatusLastUpdatedTime``). Only profile "29" prints the location they decide.
_KILL_CREATOR_PROPERTIES = (
    "id",
    "dataSource",
    "interval",
    "context",
    "markAsUnused",
    "batchSize",
    "limit",
    "maxUsedStatusLastUpdatedTime",
)


def _creator_location(obj: Mapping[str, Any]) -> JsonAt:
    """Where Jackson's parser stands when it runs the kill task's constructor (``BeanDeserializer
    ._deserializeUsingPropertyBased``): once the last creator property is read, on the token after it; else, when
    the object ends, on its ``}`` (measured on 28.0.0: ``"limit":null, "x":1`` after the others puts the location
    on ``"x"``)."""
    if all(key in obj for key in _KILL_CREATOR_PROPERTIES):
        last = [key for key in obj if key in _KILL_CREATOR_PROPERTIES][-1]
        return JsonAt((last,), "next")
    return JsonAt((), "end")


def _unknown_task_type(task_type: str, known_type_ids: Iterable[str]) -> str:
    # DefaultObjectMapper's problem handler, then Jackson's list of the registered subtypes (sorted).
    return (
        f"Please make sure to load all the necessary extensions and jars with type '{task_type}' on "
        f"'druid/overlord' service. Could not resolve type id '{task_type}' as a subtype of `{_TASK_CLASS}` "
        f"known type ids = [{', '.join(sorted(known_type_ids))}]"
    )


#: The classes of the task types the fake runs, for Jackson's messages (``["index", 1]`` names ``IndexTask``).
_TASK_CLASSES = {
    KILL: _KILL_CLASS,
    "index": "org.apache.druid.indexing.common.task.IndexTask",
    "index_parallel": "org.apache.druid.indexing.common.task.batch.parallel.ParallelIndexSupervisorTask",
}


def unwrap_task(
    array: list[Any], *, jackson_220: bool, known_type_ids: Iterable[str]
) -> tuple[dict[str, Any] | None, Wrapped]:
    """The task object that a wrapper array ``[type, {...}]`` stands for (:mod:`fakedruid.model.type_ids`).

    The object's own ``type`` is ignored (measured: ``["kill", {"type": "nope", ...}]`` is a kill task); the
    returned object has the array's type id as ``type``. ``None``: a null task (``["kill"]``; Druid's resource
    then fails on it). Errors the caller raises while reading the object belong at element 1
    (:func:`fakedruid.model.type_ids.within`); after it, ``Wrapped.check_end``.

    :param jackson_220: profile switch ``jackson_220_wording``.
    :param known_type_ids: as for :func:`kill_task_from_json`.
    :raises InvalidTask: an empty array, a type id Jackson refuses or does not know, a value that is not an object.
    :raises NotImplementedByFake: a known task type other than kill, index and index_parallel.
    """
    try:
        wrapped = read_wrapper(array, _TASK_CLASS, jackson_220=jackson_220)
    except JacksonMappingProblem as exc:
        raise InvalidTask(exc.head, at=exc.at) from exc
    task_type = wrapped.type_id
    if task_type != KILL and task_type not in OTHER_TASK_TYPES:
        raise InvalidTask(_unknown_task_type(task_type, known_type_ids), at=wrapped.after_type_id())
    java_class = _TASK_CLASSES.get(task_type)
    if java_class is None:
        raise NotImplementedByFake(
            f"task type [{task_type}]: only 'kill', 'index' and 'index_parallel' tasks are implemented"
        )
    if not wrapped.has_value:
        return None, wrapped
    value = wrapped.value
    if not isinstance(value, dict):
        message = (
            cannot_deserialize(java_class, value)
            if value is None or isinstance(value, list)
            else bean_from_non_object(java_class, value)
        )
        raise InvalidTask(message, at=JsonAt((1,)))
    return {"type": task_type, **{k: v for k, v in value.items() if k != "type"}}, wrapped


def _missing_type_id() -> str:
    return f"Could not resolve subtype of [simple type, class {_TASK_CLASS}]: missing type id property 'type'"


def _chain(message: str, key: str) -> str:
    return f'{message} (through reference chain: {_KILL_CLASS}["{key}"])'


def _type_error(java_type: str, key: str, value: Any) -> InvalidTask:
    # Raised by Jackson on the value's token: located there.
    return InvalidTask(
        f"Cannot deserialize value of type `{java_type}` from {jackson_token(value)}",
        chain=_chain("", key),
        at=JsonAt((key,)),
    )


def _scalar_text(value: Any) -> str:
    """Jackson's scalar-to-String coercion (``true``, ``5``, ``1.5``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _read_string(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise _type_error("java.lang.String", key, value)
    return _scalar_text(value)


def _read_int(key: str, value: Any, *, jackson_220: bool = False) -> int | None:
    """An ``Integer``: JSON integers in range, integral strings and (truncated) floats, as Jackson coerces them.

    Measured on 28.0.0 (Jackson 2.12, which names the type ``int``) and 37.0.0 (2.20, ``java.lang.Integer``): a
    string is located on its token, a number out of range after it.
    """
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        raise _type_error("java.lang.Integer", key, value)
    java = "java.lang.Integer" if jackson_220 else "int"
    if isinstance(value, float):
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            number = int(text)
        except ValueError:
            raise InvalidTask(
                f'Cannot deserialize value of type `{java}` from String "{value}": not a valid `{java}` value',
                chain=_chain("", key),
                at=JsonAt((key,)),
            ) from None
        if not _INT_MIN <= number <= _INT_MAX:
            raise InvalidTask(
                f'Cannot deserialize value of type `{java}` from String "{value}": Overflow: numeric value ({text}) '
                f"out of range of {'`java.lang.Integer`' if jackson_220 else 'int'} ({_INT_MIN} -{_INT_MAX})",
                chain=_chain("", key),
                at=JsonAt((key,)),
            )
        return number
    if not _INT_MIN <= value <= _INT_MAX:
        raise InvalidTask(
            f"Numeric value ({value}) out of range of int ({_INT_MIN} - {_INT_MAX})",
            chain=_chain("", key),
            at=JsonAt((key,), "next"),
        )
    return int(value)


def _read_bool(key: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, str) and value.strip() == "":
        return None
    raise _type_error("java.lang.Boolean", key, value)


def _read_interval(key: str, value: Any) -> Interval | None:
    """Druid's Interval deserializer: ``Intervals.of(text)`` (no ``_`` replacement in a body)."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise _type_error("org.joda.time.Interval", key, value)
    try:
        return parse_interval(_scalar_text(value))
    except InvalidInterval as exc:
        raise InvalidTask(_chain(exc.message, key)) from exc


def _read_instant(key: str, value: Any) -> int | None:
    """Druid's DateTime deserializer: a number is epoch milliseconds, an empty string null, else ISO-8601."""
    if value is None:
        return None
    if isinstance(value, (bool, dict, list, float)):
        raise _type_error("org.joda.time.DateTime", key, value)
    if isinstance(value, int):
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise InvalidTask(_chain(f"Numeric value ({value}) out of range of long", key))
        return value
    text = value.strip()
    if text == "":
        return None
    try:
        return parse_instant(text)
    except InvalidInstant as exc:
        raise InvalidTask(_chain(exc.message, key)) from None


def _read_context(key: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _type_error("java.util.Map<java.lang.String,java.lang.Object>", key, value)
    return dict(value)


def _read_versions(key: str, value: Any) -> list[str | None] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _type_error("java.util.List<java.lang.String>", key, value)
    out: list[str | None] = []
    for item in value:
        if isinstance(item, (dict, list)):
            raise _type_error("java.lang.String", key, item)
        out.append(None if item is None else _scalar_text(item))
    return out


_READERS: dict[str, Any] = {
    "id": _read_string,
    "dataSource": _read_string,
    "interval": _read_interval,
    "context": _read_context,
    "batchSize": _read_int,
    "limit": _read_int,
    "maxUsedStatusLastUpdatedTime": _read_instant,
}


def _java_int(value: int | None) -> str:
    """``%d`` of a Java ``Integer``: ``null`` when absent."""
    return "null" if value is None else str(value)


def _id_problem(task_id: str) -> str | None:
    """``IdUtils.validateId("task ID", id)``: the InvalidInput message, or None when the id is valid."""
    return id_problem(task_id, "task ID")


def id_problem(task_id: str, field_name: str) -> str | None:
    """``IdUtils.validateId(field_name, value)``: the InvalidInput message, or None when the value is valid."""
    what = f"Invalid value for field [{field_name}]"
    if task_id == "":
        return f"{what}: must not be null"
    if task_id.startswith("."):
        return f"{what}: Value [{task_id}] cannot start with '.'."
    if "/" in task_id:
        return f"{what}: Value [{task_id}] cannot contain '/'."
    if _ILLEGAL_WHITESPACE.search(task_id):
        return f"{what}: Value [{task_id}] contains illegal whitespace characters.  Only space is allowed."
    # Java walks UTF-16 code units: a character outside the BMP is a surrogate pair, and its high half is refused.
    data = task_id.encode("utf-16-le", "surrogatepass")
    for position in range(len(data) // 2):
        c = int.from_bytes(data[2 * position : 2 * position + 2], "little")
        if 0 < c < 31 or 127 < c < 159 or 0xD800 < c < 0xF8FF or 0xFFF0 < c < 0xFFFF:
            return f"{what}: Value [{task_id}] contains illegal UTF8 character [#{c}] at position [{position}]"
    return None
