"""``codecarbon-rs`` and ``python -m codecarbon_rs``: the ``codecarbon`` command line
(``monitor -- python train.py``, ``detect``, ``intensity``, ``board``), the same Rust code as
the ``codecarbon`` binary."""

import sys

from . import _native


def main() -> None:
    """Runs the command line with this process's arguments and exits with its code."""
    # The command writes to the process's standard streams directly: what Python buffered
    # must come first.
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(_native.run_cli(["codecarbon-rs", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
