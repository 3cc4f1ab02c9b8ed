//! The tracker's own settings, declared once: each entry gives the key (the field's name), the
//! type it has in [`Config`](crate::Config), its documentation (the doc comment) and its
//! [`Spec`](crate::settings::Spec). The same list builds `Config`, the builder's setters, the
//! command-line flags, the `#[track_emissions]` parameters and the configuration reference.

/// Hands the tracker's settings to `$callback!`, one entry per setting:
/// `/// doc` then `key: Type = spec;`. The core builds [`Config`](crate::Config) from it, and the
/// facade its builder's setters, so that a setting is declared here and nowhere else.
#[doc(hidden)]
#[macro_export]
macro_rules! core_settings {
    ($callback:ident) => {
        $callback! {
            /// The name written in every row.
            project_name: ::std::string::String = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("NAME").default("codecarbon").example("training");
            /// Seconds between measurements, from 0.1 to 86400 (a day), fractions allowed: each
            /// one's energy is priced at the intensity of its time, and the outputs get the
            /// running totals (see `api_call_interval`); the CSV's crash checkpoint is saved at
            /// each one too, at most once every 5 s. Power sources are read every second
            /// whatever this is.
            measure_power_secs: ::std::time::Duration = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::MEASURE_POWER_SECS)).value_name("SECONDS").default("15");
            /// The outputs get the running totals every this many measurements, a whole number
            /// from -1 to 1000000: `-1` only at each flush and the stop, `0` counts as 1.
            /// Spares a service calls on long runs; the CSV's crash checkpoint keeps its own pace
            /// (every measurement, at most once every 5 s). CodeCarbon's default is 8.
            api_call_interval: ::std::option::Option<::std::num::NonZeroU32> = $crate::settings::Spec::of($crate::settings::ValueKind::Count($crate::config::API_CALL_INTERVAL, "-1 for only at flush and stop, 0 or 1 for every measurement")).value_name("N").default("1").example("8");
            /// Directory of the output files, created if missing.
            output_dir: ::std::path::PathBuf = $crate::settings::Spec::of($crate::settings::ValueKind::Path).value_name("DIR").default(".").example("out");
            /// The CSV's file name, in `output_dir`. The JSON Lines file takes the same name with
            /// `.jsonl`.
            output_file: ::std::string::String = $crate::settings::Spec::of($crate::settings::ValueKind::NonEmpty).value_name("FILE").default("emissions.csv");
            /// Comma-separated outputs: `csv`, `json`, `boamps`, `comet`, `prometheus`, `otlp`,
            /// `http`, `api`, `logger` (see [outputs](outputs.md)). Empty: no output (the library still
            /// returns the totals). A name this build lacks is an error that lists the ones it
            /// has. CodeCarbon's switches add to the list: see
            /// [output switches](#codecarbons-output-switches).
            output_methods: ::std::vec::Vec<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::List).value_name("METHODS").default("csv").example("csv,json");
            /// `machine`: the whole machine. `process`: this process and all its descendants.
            /// `codecarbon monitor -- CMD` and `codecarbon run` default to `process` (a config
            /// file or variable still wins).
            tracking_mode: $crate::TrackingMode = $crate::settings::Spec::of($crate::settings::ValueKind::OneOf(&["machine", "process"])).value_name("MODE").default("machine");
            /// `append`: a new row per flush and stop. `update`: replace this run's row.
            on_csv_write: $crate::CsvWriteMode = $crate::settings::Spec::of($crate::settings::ValueKind::OneOf(&["append", "update"])).value_name("MODE").default("append");
            /// Power usage effectiveness of the data centre, above 0, up to 100; multiplies
            /// energy and power.
            pue: f64 = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::PUE)).value_name("PUE").default("1.0").example("1.2");
            /// Water usage effectiveness, litres per kWh, from 0 to 100: `water_consumed` =
            /// `wue` × energy.
            wue: $crate::LitersPerKwh = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::WUE)).value_name("L_PER_KWH").default("0").example("1.8");
            /// Never use the network: no geolocation, no cloud metadata, no live intensity, and
            /// no output that sends records (`api`, `http`, `comet`, `otlp` and a Prometheus push
            /// are refused; [offline](outputs.md#offline)). Needs `country_iso_code`, or
            /// `cloud_provider` and `cloud_region`. The flag takes no value. See
            /// [offline mode](location.md#offline-mode).
            offline: bool = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).default("false").example("true");
            /// ISO 3166-1 alpha-3 (`CAN`) or alpha-2 (`CA`) code of the country where the machine
            /// runs. Set, nothing is asked of the network to find the place; unset, it is
            /// [found online](location.md#finding-the-place).
            country_iso_code: ::std::option::Option<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("CODE").example("FRA");
            /// A region of that country: US state, Canadian or Chinese province, Nordic zone;
            /// name or code.
            region: ::std::option::Option<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("REGION").example("quebec");
            /// A cloud provider with per-region data: `aws`, `azure` or `gcp`. Unset, online mode
            /// asks the instance metadata.
            cloud_provider: ::std::option::Option<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("PROVIDER").example("gcp");
            /// The provider's region, e.g. `us-central1`, `eu-west-3`, `westeurope`.
            cloud_region: ::std::option::Option<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("REGION").example("europe-west1");
            /// Which GPUs to measure, comma-separated: NVML indices or UUID prefixes (NVIDIA), or
            /// ROCm indices or UUIDs (AMD). Unset: those the visible-devices variables leave
            /// (`CUDA_VISIBLE_DEVICES`, `ROCR_VISIBLE_DEVICES`), else all.
            gpu_ids: ::std::option::Option<::std::string::String> = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("IDS").example("0,1");
            /// The CPU's power in W, from 0 to 1000000, used as its TDP instead of the table's,
            /// and instead of any measurement.
            force_cpu_power: ::std::option::Option<$crate::Watts> = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::POWER)).value_name("WATTS").example("45");
            /// A constant RAM power in W, from 0 to 1000000, instead of the DIMM model.
            force_ram_power: ::std::option::Option<$crate::Watts> = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::POWER)).value_name("WATTS").example("10");
            /// A carbon intensity in g CO2eq/kWh, from 0 to 10000, that overrides every other
            /// source; no live service is asked.
            force_carbon_intensity_g_co2e_kwh: ::std::option::Option<$crate::GramsPerKwh> = $crate::settings::Spec::of($crate::settings::ValueKind::Number($crate::config::CARBON_INTENSITY)).value_name("G_PER_KWH").example("100");
            /// Written in every row; not empty.
            experiment_id: ::std::string::String = $crate::settings::Spec::of($crate::settings::ValueKind::NonEmpty).value_name("ID").default("5b0fa12a-3dd7-45bb-9766-cc326314d9f1");
            /// Part of the task file's name, `emissions_<experiment_name>_<run_id>.csv`.
            experiment_name: ::std::string::String = $crate::settings::Spec::of($crate::settings::ValueKind::Text).value_name("NAME").default("base");
            /// `debug`, `info`, `warning` (or `warn`), `error` or `critical`: the least severe
            /// message shown on standard error. The `codecarbon` command's default is `warning`.
            log_level: ::std::string::String = $crate::settings::Spec::of($crate::settings::ValueKind::OneOf(&["debug", "info", "warning", "warn", "error", "critical"])).value_name("LEVEL").default("info").example("warning");
            /// CodeCarbon's switch for the CSV output: `false` removes `csv` from
            /// `output_methods` (see [output switches](#codecarbons-output-switches)).
            save_to_file: ::std::option::Option<bool> = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).without_flag();
            /// CodeCarbon's switch for the API output: `true` adds `api` to `output_methods`.
            save_to_api: ::std::option::Option<bool> = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).without_flag();
            /// CodeCarbon's switch for the logger output: `true` adds `logger` to
            /// `output_methods`.
            save_to_logger: ::std::option::Option<bool> = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).without_flag();
            /// CodeCarbon's switch for the Prometheus output: `true` adds `prometheus` to
            /// `output_methods`.
            save_to_prometheus: ::std::option::Option<bool> = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).without_flag();
            /// CodeCarbon's switch for its Logfire output, which this build does not have: `true`
            /// gives a warning and is ignored (the `otlp` output speaks OpenTelemetry, which
            /// Logfire accepts).
            save_to_logfire: ::std::option::Option<bool> = $crate::settings::Spec::of($crate::settings::ValueKind::Bool).without_flag();
            /// Where the kernel's process files are (`cpuinfo`, `stat`, `meminfo`,
            /// `<pid>/stat`). See [containers](troubleshooting.md#containers-and-proc_root).
            proc_root: ::std::path::PathBuf = $crate::settings::Spec::of($crate::settings::ValueKind::Path).value_name("DIR").default("/proc").without_flag();
            /// Where the cgroup v2 hierarchy is mounted: the CPU set and memory limit of this
            /// process's cgroup (named in `<proc_root>/self/cgroup`) are the run's allocation.
            /// See [allocations](methodology.md#slurm-jobs-and-cgroups).
            cgroup_root: ::std::path::PathBuf = $crate::settings::Spec::of($crate::settings::ValueKind::Path).value_name("DIR").default("/sys/fs/cgroup").without_flag();
        }
    };
}
