"""The engine's messages are records of Python's `codecarbon_rs` logger."""

import json
import logging

from codecarbon_rs import OfflineEmissionsTracker

from conftest import OFFLINE


def test_a_warning_of_the_engine_reaches_the_logger(workdir, caplog):
    (workdir / ".codecarbon.config").write_text("[codecarbon]\nno_such_key = 1\n")
    with caplog.at_level(logging.WARNING, logger="codecarbon_rs"):
        OfflineEmissionsTracker(**OFFLINE)
    record = next(r for r in caplog.records if "no_such_key" in r.getMessage())
    assert record.name == "codecarbon_rs.config"
    assert record.levelno == logging.WARNING


def test_set_level_silences_the_engine(workdir, caplog):
    (workdir / ".codecarbon.config").write_text("[codecarbon]\nno_such_key = 1\n")
    logging.getLogger("codecarbon_rs").setLevel(logging.ERROR)
    with caplog.at_level(logging.DEBUG):  # the root logger takes everything it is given
        logging.getLogger("codecarbon_rs").setLevel(logging.ERROR)
        OfflineEmissionsTracker(**OFFLINE)
    assert not [r for r in caplog.records if r.name.startswith("codecarbon_rs")]


def test_debug_records_of_a_run_come_from_its_threads_when_asked_for(caplog):
    with caplog.at_level(logging.DEBUG, logger="codecarbon_rs"):
        tracker = OfflineEmissionsTracker(**OFFLINE)
        tracker.start()
        tracker.stop()
    names = {r.name for r in caplog.records}
    assert any(name.startswith("codecarbon_rs.") for name in names), names


def test_the_log_level_argument_sets_the_loggers_level():
    OfflineEmissionsTracker(log_level="error", **OFFLINE)
    assert logging.getLogger("codecarbon_rs").level == logging.ERROR
    OfflineEmissionsTracker(log_level=logging.DEBUG, **OFFLINE)
    assert logging.getLogger("codecarbon_rs").level == logging.DEBUG


def test_the_logger_output_sends_each_record_to_logging_logger(workdir):
    seen = []

    class Collect(logging.Handler):
        def emit(self, record):
            seen.append(record)

    mine = logging.getLogger("my-emissions")
    mine.setLevel(logging.INFO)
    handler = Collect()
    mine.addHandler(handler)
    try:
        tracker = OfflineEmissionsTracker(
            output_methods=["logger"], logging_logger=mine, **OFFLINE
        )
        tracker.start()
        tracker.stop()
    finally:
        mine.removeHandler(handler)
    assert seen, "no record reached the logger"
    last = json.loads(seen[-1].getMessage())
    assert last["emissions"] == tracker.final_emissions
    assert last["country_iso_code"] == "FRA"
