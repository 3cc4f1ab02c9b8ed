"""@track_emissions, as CodeCarbon's decorator."""

import pytest

from codecarbon_rs import track_emissions

from conftest import rows


def test_each_call_is_a_run_with_a_row_and_the_value_is_returned(workdir):
    @track_emissions(offline=True, country_iso_code="FRA", project_name="decorated")
    def double(x):
        return 2 * x

    assert double(21) == 42
    assert double(1) == 2
    written = rows(workdir / "emissions.csv")
    assert [row["project_name"] for row in written] == ["decorated", "decorated"]
    assert written[0]["run_id"] != written[1]["run_id"]
    assert double.__name__ == "double"


def test_a_function_that_raises_still_gets_its_row(workdir):
    @track_emissions(offline=True, country_iso_code="FRA")
    def fails():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    assert len(rows(workdir / "emissions.csv")) == 1


def test_the_bare_decorator_reads_the_place_from_the_environment(workdir, monkeypatch):
    monkeypatch.setenv("CODECARBON_COUNTRY_ISO_CODE", "CAN")
    monkeypatch.setenv("CODECARBON_OFFLINE", "true")

    @track_emissions
    def work():
        return "done"

    assert work() == "done"
    assert rows(workdir / "emissions.csv")[0]["country_iso_code"] == "CAN"


def test_an_argument_codecarbon_lacks_is_refused_when_decorating():
    with pytest.raises(TypeError, match="no_such_argument"):
        track_emissions(no_such_argument=1)
