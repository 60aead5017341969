# Stubs for the native module (hand-written; drift-tested in tests/python/test_errors.py).
from os import PathLike
from typing import Any, Dict, Literal, Optional, Tuple, TypedDict, Union

ErrorKind = Literal[
    "non_finite",
    "integer_out_of_range",
    "lone_surrogate",
    "duplicate_key",
    "non_string_key",
    "unsupported_type",
    "depth_exceeded",
    "invalid_json",
]

ERROR_KINDS: Tuple[ErrorKind, ...]
__version__: str

JsonValue = Union[None, bool, int, float, str, list, tuple, dict]

class TooltrailError(Exception):
    error_class: str

class CanonicalError(TooltrailError):
    kind: ErrorKind
    path: str
    detail: str

class CanonicalValueError(CanonicalError, ValueError): ...
class CanonicalTypeError(CanonicalError, TypeError): ...
class WriterError(TooltrailError, OSError): ...

class ConfigError(TooltrailError, ValueError):
    key: str

def stable_hash(obj: Any, key: Optional[Union[str, bytes]] = None) -> str: ...
def stable_hash_json(text: Union[str, bytes], key: Optional[Union[str, bytes]] = None) -> str: ...
def canonical_json(obj: Any) -> str: ...
def canonical_json_text(text: Union[str, bytes]) -> str: ...

class DroppedStats(TypedDict):
    queue_full: int
    sink_error: int
    closed: int

class WriterStats(TypedDict):
    accepted: int
    written: int
    dropped: DroppedStats
    write_errors: int
    drop_reports: int
    queued: int
    queued_bytes: int

class EventWriter:
    def __init__(
        self,
        path: Optional[Union[str, "PathLike[str]"]] = None,
        *,
        sink: Optional[Literal["file", "stdout"]] = None,
        queue_events: Optional[int] = None,
        queue_bytes: Optional[int] = None,
        batch_events: Optional[int] = None,
        batch_bytes: Optional[int] = None,
        flush_interval: Optional[float] = None,
        overflow: Optional[Literal["drop", "block"]] = None,
        block_timeout: Optional[float] = None,
        close_timeout: Optional[float] = None,
        max_file_bytes: Optional[int] = None,
        max_files: Optional[int] = None,
    ) -> None: ...
    def event(self, name: str, fields: Optional[Dict[str, Any]] = None) -> bool: ...
    def flush(self, timeout: float = 5.0) -> bool: ...
    def close(self, timeout: Optional[float] = None) -> bool: ...
    @property
    def closed(self) -> bool: ...
    def stats(self) -> WriterStats: ...
    def __enter__(self) -> "EventWriter": ...
    def __exit__(self, *exc: object) -> bool: ...
