"""One tracker used from several threads, and a forked child that must not touch the run."""

import os
import threading
import time

from codecarbon_rs import OfflineEmissionsTracker

from conftest import OFFLINE, rows


def test_threads_run_tasks_on_one_tracker(workdir):
    tracker = OfflineEmissionsTracker(experiment_name="threads", **OFFLINE)
    tracker.start()
    results = {}

    def worker(n):
        name = f"worker-{n}"
        tracker.start_task(name)
        time.sleep(0.05)
        results[name] = tracker.stop_task(name)
        tracker.flush()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_id = tracker.run_id
    tracker.stop()
    assert all(data is not None and data.duration >= 0.05 for data in results.values())
    assert len(results) == 8
    assert len(rows(workdir / f"emissions_threads_{run_id}.csv")) == 8
    assert len(rows(workdir / "emissions.csv")) == 9  # eight flushes and the stop


def test_a_forked_child_leaves_the_parents_run_alone(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    time.sleep(0.2)
    pid = os.fork()
    if pid == 0:  # the child: what a DataLoader worker might do by accident
        code = 0
        try:
            if tracker.flush() is not None or tracker.stop() is not None:
                code = 3
            del tracker  # dropping its copy must not stop the parent's run
        except BaseException:
            code = 4
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    time.sleep(0.2)
    emissions = tracker.stop()
    assert emissions is not None and emissions > 0
    written = rows(workdir / "emissions.csv")
    assert len(written) == 1  # the parent's stop only
    assert tracker.final_emissions_data.duration >= 0.4
