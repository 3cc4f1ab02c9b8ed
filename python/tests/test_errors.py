"""Bad arguments raise at construction; nothing raises into the measured code."""

import logging

import pytest

from codecarbon_rs import EmissionsTracker, OfflineEmissionsTracker

from conftest import OFFLINE


def test_a_bad_value_raises_value_error_naming_the_argument():
    with pytest.raises(ValueError, match=r"measure_power_secs.*argument measure_power_secs="):
        OfflineEmissionsTracker(measure_power_secs=-1, country_iso_code="FRA")
    with pytest.raises(ValueError, match="tracking_mode"):
        EmissionsTracker(tracking_mode="everything")
    with pytest.raises(ValueError, match="unknown output method `nowhere`"):
        OfflineEmissionsTracker(output_methods=["nowhere"], country_iso_code="FRA")
    with pytest.raises(ValueError, match="`api` output cannot work here"):
        OfflineEmissionsTracker(output_methods=["api"], country_iso_code="FRA")


def test_offline_without_a_place_raises_value_error():
    with pytest.raises(ValueError, match="offline mode needs a location"):
        OfflineEmissionsTracker()


def test_a_bad_value_in_a_config_file_names_the_file(workdir):
    (workdir / ".codecarbon.config").write_text("[codecarbon]\npue = lots\n")
    with pytest.raises(ValueError, match=r"pue.*\.codecarbon\.config"):
        EmissionsTracker()


def test_a_secret_never_appears_in_an_error():
    with pytest.raises(ValueError) as raised:
        EmissionsTracker(api_key="sk-secret-\x1b-value")
    assert "sk-secret" not in str(raised.value)


def test_an_unknown_argument_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        EmissionsTracker(bogus=1)


def test_an_argument_that_is_not_honoured_is_a_warning_naming_it(caplog):
    with caplog.at_level(logging.WARNING, logger="codecarbon_rs"):
        OfflineEmissionsTracker(allow_multiple_runs=True, output_handlers=[], **OFFLINE)
    named = " ".join(r.getMessage() for r in caplog.records)
    assert "`allow_multiple_runs`" in named and "`output_handlers`" in named


def test_stop_before_start_returns_none_and_logs(caplog):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    assert tracker.stop() is None
    assert tracker.flush() is None
    assert any(r.levelno == logging.ERROR and "start()" in r.getMessage() for r in caplog.records)


def test_a_failing_start_does_not_raise(workdir, caplog):
    (workdir / "not-a-dir").write_text("a file where the output directory should be")
    tracker = OfflineEmissionsTracker(output_dir=str(workdir / "not-a-dir"), **OFFLINE)
    tracker.start()  # must not raise
    assert tracker.stop() is None
    assert any(r.levelno == logging.ERROR for r in caplog.records)
