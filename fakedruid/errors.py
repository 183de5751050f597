"""The fakedruid exception hierarchy: domain errors with no HTTP knowledge.

Layer: shared by the model and the API; imports only the stdlib. Each class also inherits the nearest builtin
(attrs style), so callers can catch ``ValueError`` or ``LookupError``. ``fakedruid.api.errors`` alone turns
these into Druid's status codes and bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FakeDruidError(Exception):
    """Base class of every error fakedruid raises on purpose."""

    #: The Java exception class Druid would report for this failure (used in 500 bodies).
    java_class: str = "org.apache.druid.error.DruidException"

    @property
    def message(self) -> str:
        """The message without the class name."""
        return str(self.args[0]) if self.args else ""

    def java_string(self) -> str:
        """The failure as Java's ``Throwable.toString()`` prints it: ``<class>: <message>``."""
        return f"{self.java_class}: {self.message}"


class InvalidInterval(FakeDruidError, ValueError):
    """An interval string Druid cannot parse. The message is Druid's ``Invalid interval[<s>]: [<reason>]``."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"Invalid interval[{text}]: [{reason}]")
        self.text = text
        self.reason = reason

    def worded(self, prefix: str) -> str:
        """The message with another release's wording (profile switch ``interval_error_prefix``)."""
        return f"{prefix}[{self.text}]: [{self.reason}]"


class InvalidInstant(FakeDruidError, ValueError):
    """A date-time string Druid cannot parse (Joda's wording)."""

    java_class = "java.lang.IllegalArgumentException"


class InvalidPeriod(FakeDruidError, ValueError):
    """An ISO-8601 period string Druid cannot parse (Joda's wording)."""

    java_class = "java.lang.IllegalArgumentException"


class InvalidSegmentId(FakeDruidError, ValueError):
    """A segment id string that does not parse, or does not belong to the datasource."""


class SegmentIdIndexError(FakeDruidError, IndexError):
    """Druid's ``StringIndexOutOfBoundsException``: a segment id equal to the datasource name (semantics 5.2)."""

    java_class = "java.lang.StringIndexOutOfBoundsException"


class InvalidSegment(FakeDruidError, ValueError):
    """DataSegment JSON that is malformed or misses a required field."""


class DuplicateSegment(FakeDruidError, ValueError):
    """A segment whose id is already in the store."""


class SegmentConflict(FakeDruidError, ValueError):
    """Two segments of one datasource and version whose intervals overlap but differ (semantics 10.8)."""

    def __init__(self, new_id: str, existing_id: str, version: str) -> None:
        super().__init__(
            f"Segment [{new_id}] overlaps segment [{existing_id}] with the same version [{version}] but a "
            "different interval; Druid's timeline cannot hold both (pass conflict_mode='druid' to reproduce "
            "Druid's failure instead)"
        )
        self.new_id = new_id
        self.existing_id = existing_id
        self.version = version


class TimelineConflict(FakeDruidError, RuntimeError):
    """Druid's ``UnsupportedOperationException`` from ``VersionedIntervalTimeline`` (conflict mode only)."""

    java_class = "java.lang.UnsupportedOperationException"


class UnknownSegmentIds(FakeDruidError, LookupError):
    """Segment ids that name no segment of the datasource; nothing was changed."""

    def __init__(self, datasource: str, ids: Sequence[str]) -> None:
        super().__init__(f"Cannot find segment ids [{', '.join(ids)}]")
        self.datasource = datasource
        self.ids = list(ids)


class UnparseableSegmentIds(FakeDruidError, ValueError):
    """Segment ids that do not parse for the datasource (profile "latest" markUsed); nothing was changed."""

    def __init__(self, datasource: str, ids: Sequence[str]) -> None:
        super().__init__(f"Could not parse segment IDs[[{', '.join(ids)}]] for datasource[{datasource}]")
        self.datasource = datasource
        self.ids = list(ids)


class JavaNullPointer(FakeDruidError, TypeError):
    """Java's ``NullPointerException`` (no message): a null where Druid dereferences a value."""

    java_class = "java.lang.NullPointerException"

    def java_string(self) -> str:
        """``NullPointerException.toString()`` with a null message is the bare class name."""
        return self.java_class


@dataclass(frozen=True, slots=True)
class JsonAt:
    """Where Jackson's parser stood in the request body when it raised a mapping error: the token whose location
    Druid 28 to 31 print (``\\n at [Source: ...; line: L, column: C]``, see :func:`fakedruid.api.jackson.locate`).

    ``path`` leads to a value of the body (object keys and array indexes; ``()`` is the body itself).
    ``anchor``: ``"start"``, the value's first token (a value of the wrong type); ``"end"``, its closing ``}`` or
    ``]`` (a missing type id, a constructor that failed after the whole object was read); ``"next"``, the token
    after the value (a constructor run as soon as its last creator property was read); ``"after"``, just past the
    value's last character (the parser's own error on a number it read).
    """

    path: tuple[str | int, ...] = ()
    anchor: str = "start"


class JacksonMappingProblem(FakeDruidError):
    """A Jackson ``JsonMappingException``: ``head``, the parser location (when ``at`` is set) and ``chain``.

    ``message`` is ``head + chain``, the text without a location. Jackson puts the location between them;
    exceptions a deserializer threw (Joda's ``IllegalArgumentException``) are wrapped without one (``at`` None).
    """

    def __init__(self, head: str, *, chain: str = "", at: JsonAt | None = None) -> None:
        super().__init__(head + chain)
        self.head = head
        self.chain = chain
        self.at = at


class InvalidRule(JacksonMappingProblem, ValueError):
    """A retention rule or rule list that Druid rejects.

    ``kind`` tells the HTTP layer which answer Druid gives: ``"null_list"``, ``"empty_default"``, ``"limit"``
    or ``"mapping"`` (a Jackson mapping error).
    """

    def __init__(self, message: str, kind: str = "mapping", *, chain: str = "", at: JsonAt | None = None) -> None:
        super().__init__(message, chain=chain, at=at)
        self.kind = kind


class InvalidTask(JacksonMappingProblem, ValueError):
    """A task payload that Druid rejects."""


class TaskAlreadyExists(FakeDruidError, ValueError):
    """A task id that is already taken."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Task[{task_id}] already exists")
        self.task_id = task_id


class UnknownTask(FakeDruidError, LookupError):
    """A task id the fake has never seen."""


class InvalidInput(FakeDruidError, ValueError):
    """Druid's ``InvalidInput`` DruidException (for example a bad ``limit`` or ``lastSegmentId``)."""


class InvalidConfig(FakeDruidError, ValueError):
    """A fakedruid option (profile name, clock value, tier layout) that is not valid."""


class NotImplementedByFake(FakeDruidError, NotImplementedError):
    """A Druid feature that fakedruid knows exists but does not implement."""


class DatasourceNotServed(FakeDruidError, LookupError):
    """No server serves the datasource (profile "29" markUsed/markUnused check the served inventory first)."""

    def __init__(self, datasource: str) -> None:
        super().__init__(f"Datasource [{datasource}] is not served")
        self.datasource = datasource


class OverlordUnavailable(FakeDruidError, ConnectionError):
    """Fault injection (semantics 10.9): the Overlord is ``missing``, too ``old`` or ``unreachable``."""

    def __init__(self, mode: str) -> None:
        super().__init__(f"The Overlord is {mode}")
        self.mode = mode


class JsonMappingError(JacksonMappingProblem, ValueError):
    """Jackson could not map the request body onto Druid's class (``CustomExceptionMapper``)."""


class InvalidRequestPayload(FakeDruidError, ValueError):
    """The body was read but fails the payload's own validity rule; the message is Druid's."""


class Uncaught(FakeDruidError):
    """A failure Druid does not catch where it happens: it escapes the resource method (Jetty's 500 page).

    :ivar cause: the error as raised; its ``java_string()`` names it on the page.
    """

    def __init__(self, cause: FakeDruidError) -> None:
        super().__init__(cause.message)
        self.cause = cause

    def java_string(self) -> str:
        """The cause, as Java prints it."""
        return self.cause.java_string()


class NoIndexingService(FakeDruidError, LookupError):
    """Fault injection ``overlord_mode="missing"``: the Coordinator has no Overlord client (profile "29")."""


class KillSubmissionFailed(FakeDruidError, ConnectionError):
    """The Coordinator could not submit a kill task to the Overlord; the message is the root cause."""


class InvalidSqlInput(FakeDruidError, ValueError):
    """A SQL statement Druid's SQL layer rejects (``InvalidSqlInput``): 400 with the DruidException
    ``invalidInput`` inside a ``SqlTaskStatus`` (``{"taskId": <sqlQueryId>, "state": "FAILED", "error": ...}``).

    :ivar query_id: the ``sqlQueryId`` Druid names in the answer (set by the translation).
    """

    query_id: str | None = None


class SqlParseError(InvalidSqlInput):
    """A SQL statement that does not parse (Druid answers it as invalid SQL input too)."""
