"""Model steps of a run: `run.model_call(...)` records one that ended;
`with run.model_step(model) as step:` times one and records it on exit.
The core reads the arguments, prices the call and applies the budgets;
this module only gathers the arguments."""

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

if TYPE_CHECKING:
    from . import Run

#: A requested tool: its name, or an object with `name` (or
#: `function.name`) and `call_id` (or `id`); arguments are never stored.
ToolCallLike = Union[str, "dict[str, Any]"]


#: The largest integer every language holds exactly.
_MAX_SAFE = 2**53 - 1


def _as_numbers(usage: Any) -> Any:
    """`usage` with integers beyond ±(2^53-1) as floats, as a JS number
    holds them: a usage object is read, never hashed, so such a count is
    unknown in both languages instead of an error in Python alone."""
    if isinstance(usage, dict):
        return {k: _as_numbers(v) for k, v in usage.items()}
    if isinstance(usage, (list, tuple)):
        return [_as_numbers(v) for v in usage]
    if isinstance(usage, int) and not isinstance(usage, bool) and not -_MAX_SAFE <= usage <= _MAX_SAFE:
        return float(usage)
    return usage


def model_args(
    model: str,
    provider: Optional[str],
    usage: "dict[str, Any]",
) -> "dict[str, Any]":
    args: dict[str, Any] = {"model": model, "provider": provider}
    args.update(usage)
    return args


def model_call(
    run: "Run",
    model: str,
    *,
    provider: Optional[str] = None,
    input_tokens: Optional[int] = None,
    output_tokens: Optional[int] = None,
    latency_ms: Optional[float] = None,
    ok: bool = True,
    error_class: Optional[str] = None,
    finish_reason: Optional[str] = None,
    cost_usd: Optional[float] = None,
    cached_input_tokens: Optional[int] = None,
    reasoning_tokens: Optional[int] = None,
    tool_calls: Optional[Sequence[ToolCallLike]] = None,
    usage: Optional["dict[str, Any]"] = None,
) -> None:
    """`run.model_call(model, ...)`: records a model step that ended
    (`model_call`). `usage`: the provider's or framework's usage object as
    a dict (OpenAI Chat Completions or Responses, LangChain's
    `usage_metadata`, the AI SDK's); the token counts are read from it, and
    those given by name win. Its cost is `cost_usd`, else priced from `pricing` and
    the shipped table, else null (counted as unpriced). Tokens and cost add
    to the run's budgets; raises BudgetExceededError (after recording) if
    the run was already over one."""
    given = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cached_input_tokens": cached_input_tokens,
        "reasoning_tokens": reasoning_tokens,
        "latency_ms": latency_ms,
        "ok": ok,
        "error_class": error_class,
        "finish_reason": finish_reason,
        "cost_usd": cost_usd,
        "tool_calls": list(tool_calls) if tool_calls is not None else None,
        "usage": _as_numbers(usage) if usage is not None else None,
    }
    run._gateway._model_call(run.run_id, model_args(model, provider, given))


class ModelStep:
    """A timed model call: `with run.model_step("gpt-4o-mini") as step:` makes
    the call, `step.set(input_tokens=…, output_tokens=…, …)` reports its
    usage, and leaving the block records the `model_call` event with the
    measured latency (a raised exception: `ok: false` with its error class,
    and it propagates). Entering raises BudgetExceededError when the run is
    over its spend, token or duration budget: the call is never made."""

    def __init__(self, run: "Run", model: str, provider: Optional[str]) -> None:
        self._run = run
        self._model = model
        self._provider = provider
        self._usage: dict[str, Any] = {}
        self._started: Optional[int] = None

    def set(
        self,
        *,
        input_tokens: Optional[int] = None,
        output_tokens: Optional[int] = None,
        cached_input_tokens: Optional[int] = None,
        reasoning_tokens: Optional[int] = None,
        finish_reason: Optional[str] = None,
        tool_calls: Optional[Sequence[ToolCallLike]] = None,
        cost_usd: Optional[float] = None,
        ok: Optional[bool] = None,
        error_class: Optional[str] = None,
    ) -> None:
        """Reports what the provider returned (members given replace earlier ones)."""
        given = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cached_input_tokens": cached_input_tokens,
            "reasoning_tokens": reasoning_tokens,
            "finish_reason": finish_reason,
            "tool_calls": list(tool_calls) if tool_calls is not None else None,
            "cost_usd": cost_usd,
            "ok": ok,
            "error_class": error_class,
        }
        self._usage.update({k: v for k, v in given.items() if v is not None})

    def __enter__(self) -> "ModelStep":
        self._started = self._run._gateway._model_begin(self._run.run_id)
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Literal[False]:
        args = model_args(self._model, self._provider, self._usage)
        self._run._gateway._model_call(self._run.run_id, args, self._started, exc)
        return False

    async def __aenter__(self) -> "ModelStep":
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> Literal[False]:
        return self.__exit__(exc_type, exc, tb)
