"""CodeCarbon's ``EmissionsTracker``, ``OfflineEmissionsTracker`` and ``track_emissions``, on
codecarbon's Rust engine.

What CodeCarbon's users count on holds here too:

- A bad argument raises ``ValueError`` at construction, naming it; an argument CodeCarbon has
  and this package does not honour is a warning naming it.
- ``start``, ``flush``, ``stop`` and the task methods never raise into the code they measure: a
  failure is a record of the ``codecarbon_rs`` logger, and the method returns ``None``.
- A started tracker is stopped at interpreter exit, so its run gets its row.
"""

from __future__ import annotations

import atexit
import enum
import functools
import json
import logging
import os
import platform
import uuid
import weakref
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, TypeVar

from . import _native
from ._arguments import PYTHON_OBJECTS, DecoratorArguments, TrackerArguments
from ._data import EmissionsData

if TYPE_CHECKING:
    from typing_extensions import Unpack

logger = logging.getLogger("codecarbon_rs")

_F = TypeVar("_F", bound=Callable[..., Any])

#: CodeCarbon's ``log_level`` words, by ``logging`` level.
_LEVEL_WORDS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warning",
    logging.ERROR: "error",
    logging.CRITICAL: "critical",
}

#: The trackers that are running, stopped at exit (weakly: a tracker that is collected stops
#: itself).
_running: "weakref.WeakSet[EmissionsTracker]" = weakref.WeakSet()


def _stop_running() -> None:
    for tracker in list(_running):
        tracker.stop()


atexit.register(_stop_running)
if hasattr(os, "register_at_fork"):
    # A forked child (a DataLoader worker) copies the parent's trackers but not their runs: it
    # must not stop them at its exit.
    os.register_at_fork(after_in_child=_running.clear)


def _text(value: Any) -> str:
    """A Python value as the text a config file would hold (a dict, CodeCarbon's ``metadata``,
    as JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, enum.Enum):
        return _text(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_text(v) for v in value)
    return str(value)


def _level(value: Any) -> Tuple[int, str]:
    """CodeCarbon's ``log_level`` (a word or a ``logging`` number) as both."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, _LEVEL_WORDS.get(value, str(value))
    word = str(value).strip().lower()
    number = logging.getLevelName(word.upper())
    if isinstance(number, int):
        return number, word
    # Not a level: the engine refuses it with a ValueError naming the argument.
    return logging.NOTSET, word


def _records_destination(value: Any) -> Tuple[Any, int]:
    """Where the ``logger`` output's records go: a ``logging.Logger``, or CodeCarbon's
    ``LoggerOutput`` (its ``logger`` at its ``logging_severity``)."""
    inner = getattr(value, "logger", None)
    if inner is not None and hasattr(inner, "log"):
        return inner, int(getattr(value, "logging_severity", logging.INFO))
    if hasattr(value, "log"):
        return value, logging.INFO
    raise ValueError(
        "logging_logger: expected a logging.Logger or CodeCarbon's LoggerOutput, got "
        f"{type(value).__name__}"
    )


class EmissionsTracker:
    """Measures the energy and emissions of the code between ``start()`` and ``stop()``.

    Takes CodeCarbon's keyword arguments (``project_name``, ``measure_power_secs``,
    ``output_dir``, ``output_methods``, ``tracking_mode``, ``pue``, ...); the config files
    (``~/.codecarbon.config``, ``./.codecarbon.config``) and ``CODECARBON_*`` variables are read
    as CodeCarbon reads them, below the arguments.
    """

    _offline = False

    def __init__(self, *args: Any, **arguments: "Unpack[TrackerArguments]") -> None:
        given = _given(type(self).__name__, args, dict(arguments))
        settings: List[Tuple[str, str, str]] = []
        records_logger, records_level = None, logging.INFO
        if "country_2letter_iso_code" in given and "country_iso_code" not in given:
            # The engine takes alpha-2 codes too: CodeCarbon's alias is honoured, not ignored.
            given["country_iso_code"] = given.pop("country_2letter_iso_code")
        for name, value in given.items():
            origin = f"argument {name}= of {type(self).__name__}"
            if name == "logging_logger":
                records_logger, records_level = _records_destination(value)
                continue
            if name in PYTHON_OBJECTS or _native.key_status(name) != "setting":
                logger.warning(
                    "%s() does not honour CodeCarbon's argument `%s` yet: it is ignored",
                    type(self).__name__,
                    name,
                )
                continue
            if name == "log_level":
                number, word = _level(value)
                if number != logging.NOTSET:
                    # CodeCarbon sets its own logger's level from this argument; so does this
                    # package, for its logger.
                    logger.setLevel(number)
                value = word
            settings.append((name, _text(value), origin))
        if self._offline:
            settings.append(("offline", "true", type(self).__name__))
        self._tracker = _native.Tracker(
            settings, platform.python_version(), records_logger, records_level
        )
        #: The totals of the last ``stop()``, as CodeCarbon's attribute.
        self.final_emissions_data: Optional[EmissionsData] = None
        #: The emissions of the last ``stop()``, kg CO2eq.
        self.final_emissions: Optional[float] = None

    def start(self) -> None:
        """Starts measuring. A failure is logged, never raised."""
        if _attempt("start", self._tracker.start) is not _FAILED:
            _running.add(self)

    def flush(self) -> Optional[float]:
        """Writes a row of the totals so far; returns the emissions so far in kg CO2eq."""
        fields = _attempt("flush", self._tracker.flush)
        return None if fields is _FAILED else fields["emissions"]

    def stop(self) -> Optional[float]:
        """Stops measuring, writes the run's row, and returns its emissions in kg CO2eq
        (``None`` if nothing was measured)."""
        _running.discard(self)
        fields = _attempt("stop", self._tracker.stop)
        if fields is _FAILED:
            return None
        data = _data("stop", fields)
        if data is None:
            return None
        self.final_emissions_data = data
        self.final_emissions = data.emissions
        return data.emissions

    def start_task(self, task_name: Optional[str] = None) -> None:
        """Starts a task inside the run (a name is made up when none is given)."""
        name = task_name if task_name else uuid.uuid4().hex[:8]
        _attempt("start_task", lambda: self._tracker.start_task(name))

    def stop_task(self, task_name: Optional[str] = None) -> Optional[EmissionsData]:
        """Ends the task ``task_name`` (the last one started, by default) and returns its
        totals; its row goes to ``emissions_<experiment_id>_<run_id>.csv``."""
        fields = _attempt("stop_task", lambda: self._tracker.stop_task(task_name))
        return None if fields is _FAILED else _data("stop_task", fields)

    @property
    def run_id(self) -> Optional[str]:
        """The current run's id (``None`` between runs)."""
        found = _attempt("run_id", self._tracker.run_id)
        return None if found is _FAILED else found

    def output_errors(self) -> List[Tuple[str, str]]:
        """The outputs that could not take the row of the last flush or stop, with why."""
        found = _attempt("output_errors", self._tracker.output_errors)
        return [] if found is _FAILED else found

    def __enter__(self) -> "EmissionsTracker":
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()


class OfflineEmissionsTracker(EmissionsTracker):
    """A tracker that never uses the network: the place comes from ``country_iso_code`` (and
    ``region``) or from ``cloud_provider`` and ``cloud_region``."""

    _offline = True


def track_emissions(
    fn: Optional[_F] = None, **arguments: "Unpack[DecoratorArguments]"
) -> Any:
    """Measures each call of the decorated function, as CodeCarbon's decorator:
    ``@track_emissions`` or ``@track_emissions(project_name=..., offline=True, ...)``.

    Each call runs under a tracker of its own, started before and stopped after it (also when
    it raises), so each call writes a row. The function's value is returned unchanged.
    """
    offline = bool(arguments.pop("offline", False))
    kind = OfflineEmissionsTracker if offline else EmissionsTracker
    # Names are checked now, as Python checks a call's keywords; values when it runs.
    _given("track_emissions", (), dict(arguments))

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def measured(*args: Any, **kwargs: Any) -> Any:
            tracker = kind(**arguments)
            tracker.start()
            try:
                return function(*args, **kwargs)
            finally:
                tracker.stop()

        return measured  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


def _given(who: str, args: Tuple[Any, ...], arguments: Dict[str, Any]) -> Dict[str, Any]:
    """The arguments a caller gave, positional ones named in CodeCarbon's order; ``None`` counts
    as not given, as in CodeCarbon. A name CodeCarbon does not have is a ``TypeError``."""
    names = list(TrackerArguments.__annotations__)
    if len(args) > len(names):
        raise TypeError(f"{who}() takes at most {len(names)} positional arguments")
    for name, value in zip(names, args):
        if name in arguments:
            raise TypeError(f"{who}() got multiple values for argument '{name}'")
        arguments[name] = value
    for name in arguments:
        if name not in names:
            raise TypeError(f"{who}() got an unexpected keyword argument '{name}'")
    return {name: value for name, value in arguments.items() if value is not None}


class _Failed:
    """What ``_attempt`` returns for a call that failed (``None`` is a real answer)."""


_FAILED: Any = _Failed()


def _attempt(what: str, call: Callable[[], Any]) -> Any:
    """``call()``, or ``_FAILED`` with the failure logged: measuring must never stop the work
    it measures."""
    try:
        return call()
    except Exception as error:  # noqa: BLE001 — every failure becomes a log record
        logger.error("%s() failed: %s", what, error)
        return _FAILED


def _data(what: str, fields: Dict[str, Any]) -> Optional[EmissionsData]:
    try:
        return EmissionsData._from_native(fields)
    except Exception as error:  # noqa: BLE001
        logger.error("%s(): the engine's record does not fit EmissionsData: %s", what, error)
        return None
