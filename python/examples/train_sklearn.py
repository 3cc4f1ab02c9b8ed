"""Trains a small classifier on the CPU and measures each epoch as a task.

    pip install codecarbon-rs scikit-learn
    python train_sklearn.py [--epochs N] [--output-dir DIR]

The run's row goes to DIR/emissions.csv and each epoch's to
DIR/emissions_<experiment_name>_<run_id>.csv, as CodeCarbon writes them. The data set is made
on the spot (scikit-learn's make_classification), so nothing is downloaded.
"""

import argparse

from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

from codecarbon_rs import OfflineEmissionsTracker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--output-dir", default=".")
    parser.add_argument("--country-iso-code", default="FRA")
    args = parser.parse_args()

    features, labels = make_classification(
        n_samples=100_000, n_features=60, n_informative=20, random_state=0
    )
    x_train, x_test, y_train, y_test = train_test_split(features, labels, random_state=0)
    model = SGDClassifier(loss="log_loss", random_state=0)

    tracker = OfflineEmissionsTracker(
        project_name="sklearn-sgd",
        experiment_name="epochs",
        country_iso_code=args.country_iso_code,
        output_dir=args.output_dir,
        measure_power_secs=1,
    )
    with tracker:
        for epoch in range(args.epochs):
            tracker.start_task(f"epoch-{epoch + 1}")
            model.partial_fit(x_train, y_train, classes=[0, 1])
            task = tracker.stop_task()
            accuracy = model.score(x_test, y_test)
            print(
                f"epoch {epoch + 1}: accuracy {accuracy:.3f}, "
                f"{task.energy_consumed * 3.6e6:.1f} J, {task.emissions * 1e6:.3f} mg CO2eq"
            )
    data = tracker.final_emissions_data
    print(
        f"training: {data.duration:.2f} s, {data.energy_consumed * 1000:.4f} Wh, "
        f"{data.emissions * 1000:.4f} g CO2eq in {data.country_name}"
    )


if __name__ == "__main__":
    main()
