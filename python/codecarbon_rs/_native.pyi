"""Types of the Rust extension module (python/rust/lib.rs)."""

from typing import Any, Dict, List, Optional, Sequence, Tuple

#: The 38 columns of emissions.csv, in order.
COLUMNS: List[str]
#: The engine's version.
VERSION: str

def key_status(key: str) -> str:
    """``"setting"``, ``"ignored"`` or ``"unknown"``: what this build does with a CodeCarbon key."""

def run_cli(argv: Sequence[str]) -> int:
    """Runs the ``codecarbon`` command line; returns its exit code."""

class Tracker:
    def __init__(
        self,
        settings: Sequence[Tuple[str, str, str]],
        python_version: str,
        records_logger: Optional[Any] = None,
        records_level: int = 20,
    ) -> None: ...
    def start(self) -> None: ...
    def flush(self) -> Dict[str, Any]: ...
    def stop(self) -> Dict[str, Any]: ...
    def start_task(self, name: str) -> None: ...
    def stop_task(self, name: Optional[str] = None) -> Dict[str, Any]: ...
    def is_running(self) -> bool: ...
    def run_id(self) -> Optional[str]: ...
    def output_errors(self) -> List[Tuple[str, str]]: ...
