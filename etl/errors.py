"""Error types: every failure a user can meet is one of these, with the file and stage named."""


class EtlError(Exception):
    """Base class for errors the CLI reports without a traceback."""


class ConfigError(EtlError):
    """A setting (flag, environment variable) has a value etl cannot use."""


class DatabaseError(EtlError):
    """The database refused a statement or could not be reached; the message is its own words."""


class DatabaseUnavailable(DatabaseError):
    """The connection to the database was lost: the run stops, a re-run picks up where it ended."""


class RunFailed(EtlError):
    """The run stopped part-way: the database stopped taking writes (a full disk, a lost
    connection) or the worker processes could not be started. `summary` (etl.recording.RunSummary)
    holds what the run had committed, and its status is `failed`."""

    def __init__(self, message: str, summary: object) -> None:
        super().__init__(message)
        self.summary = summary


class WorkersUnavailable(EtlError):
    """The worker processes could not be started (out of memory or processes, a broken install)."""


class RunLocked(EtlError):
    """Another run is loading the same input into the same database; this one did not start."""


class RunNotFound(EtlError):
    """A run id was asked for that the database does not hold."""


class FileError(EtlError):
    """A single input file could not be processed; the run records it and goes on."""

    stage = "unknown"

    def __init__(self, source_path: str, message: str) -> None:
        super().__init__(f"{source_path}: {message}")
        self.source_path = source_path
        self.message = message

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # errors travel back from worker processes
        return (type(self), (self.source_path, self.message))


class ExtractError(FileError):
    """The file could not be read, decoded or split into front matter and body."""

    stage = "extract"


class TransformError(FileError):
    """The document could not be turned into an article record."""

    stage = "transform"


class LoadError(FileError):
    """The database refused the article."""

    stage = "load"
