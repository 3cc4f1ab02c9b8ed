//! The tracker's command-line options: each flag `--x-y` sets the config key `x_y`, and only
//! when given, so a config file's value is never hidden by a default of the command line.

use clap::Args;
use codecarbon::config::Setting;

/// Options shared by `monitor`, `run` and `detect`.
#[derive(Debug, Clone, Default, Args)]
pub struct TrackerArgs {
    /// Never use the network; needs --country-iso-code, or --cloud-provider and --cloud-region.
    #[arg(long)]
    pub offline: bool,
    /// ISO 3166 alpha-3 (or alpha-2) code of the country where the machine runs, e.g. CAN.
    #[arg(long, value_name = "CODE")]
    pub country_iso_code: Option<String>,
    /// A region of that country: a US state, Canadian or Chinese province, Nordic zone.
    #[arg(long)]
    pub region: Option<String>,
    /// A cloud provider, e.g. gcp.
    #[arg(long, value_name = "PROVIDER")]
    pub cloud_provider: Option<String>,
    /// The provider's region, e.g. us-central1.
    #[arg(long, value_name = "REGION")]
    pub cloud_region: Option<String>,
    /// Seconds between totals handed to the outputs [config default: 15].
    #[arg(long, value_name = "SECONDS")]
    pub measure_power_secs: Option<String>,
    /// The outputs get the running totals every N measurements; -1: only at the end
    /// [config default: 1].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub api_call_interval: Option<String>,
    /// Directory of the output files, created if missing [config default: .].
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<String>,
    /// The CSV file's name [config default: emissions.csv].
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<String>,
    /// Comma-separated outputs: csv, json, comet, prometheus, otlp, http, api, logger
    /// [config default: csv].
    #[arg(long, value_name = "METHODS")]
    pub output_methods: Option<String>,
    /// The project name written in every row.
    #[arg(long, value_name = "NAME")]
    pub project_name: Option<String>,
    /// The experiment's id.
    #[arg(long, value_name = "ID")]
    pub experiment_id: Option<String>,
    /// The experiment's name.
    #[arg(long, value_name = "NAME")]
    pub experiment_name: Option<String>,
    /// machine (the whole machine) or process (the command and its children).
    #[arg(long, value_name = "MODE")]
    pub tracking_mode: Option<String>,
    /// append a row per run, or update the run's row.
    #[arg(long, value_name = "MODE")]
    pub on_csv_write: Option<String>,
    /// Power usage effectiveness of the data centre [config default: 1.0].
    #[arg(long)]
    pub pue: Option<String>,
    /// Water usage effectiveness, litres per kWh [config default: 0].
    #[arg(long)]
    pub wue: Option<String>,
    /// The CPU's power in watts, instead of its TDP or any measurement.
    #[arg(long, value_name = "WATTS")]
    pub force_cpu_power: Option<String>,
    /// A constant RAM power in watts.
    #[arg(long, value_name = "WATTS")]
    pub force_ram_power: Option<String>,
    /// A carbon intensity in g CO2eq/kWh that overrides every other source.
    #[arg(long, value_name = "G_PER_KWH")]
    pub force_carbon_intensity_g_co2e_kwh: Option<String>,
    /// Where the Linux powercap (RAPL) zones are; given, only powercap under it is read
    /// [default: perf_event, else /sys/class/powercap].
    #[arg(long, value_name = "DIR")]
    pub rapl_root: Option<String>,
    /// The GeoJS-format geolocation service asked first when no country is set
    /// [default: https://get.geojs.io/v1/ip/geo.json].
    #[arg(long, value_name = "URL")]
    pub geolocation_url: Option<String>,
    /// The ipinfo-format service asked when the first fails [default: https://ipinfo.io/json].
    #[arg(long, value_name = "URL")]
    pub geolocation_backup_url: Option<String>,
    /// A local MaxMind-format database (GeoLite2, DB-IP): the public IP is looked up there,
    /// never sent to a geolocation service.
    #[arg(long, value_name = "PATH")]
    pub geoip_db: Option<String>,
    /// The machine's public IP for --geoip-db [default: asked from --public-ip-url].
    #[arg(long, value_name = "IP")]
    pub public_ip: Option<String>,
    /// The "what is my IP" service for --geoip-db [default: https://api.ipify.org].
    #[arg(long, value_name = "URL")]
    pub public_ip_url: Option<String>,
    /// Base URL of the cloud instance metadata service [default: http://169.254.169.254].
    #[arg(long, value_name = "URL")]
    pub cloud_metadata_url: Option<String>,
    /// Electricity Maps API token for live intensity (better in the environment:
    /// CODECARBON_ELECTRICITYMAPS_API_TOKEN).
    #[arg(long, value_name = "TOKEN")]
    pub electricitymaps_api_token: Option<String>,
    /// Electricity Maps API base URL [default: https://api.electricitymaps.com/v3].
    #[arg(long, value_name = "URL")]
    pub electricitymaps_url: Option<String>,
    /// Electricity Maps zone, e.g. FR or US-CAL-CISO [default: from the location].
    #[arg(long, value_name = "ZONE")]
    pub electricitymaps_zone: Option<String>,
    /// Pushgateway to push metrics to (output prometheus) [default: http://localhost:9091].
    #[arg(long, value_name = "URL")]
    pub prometheus_url: Option<String>,
    /// Serve /metrics on this address for Prometheus to scrape, e.g. 127.0.0.1:9464
    /// (turns the prometheus output on).
    #[arg(long, value_name = "ADDR")]
    pub prometheus_listen: Option<String>,
    /// POST each row as JSON to this URL (output http).
    #[arg(long, value_name = "URL")]
    pub emissions_endpoint: Option<String>,
    /// debug, info, warning, error or critical; wins over RUST_LOG [default here: warning].
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
}

impl TrackerArgs {
    /// The flags given, as settings with their flag as origin.
    pub fn settings(&self) -> Vec<Setting> {
        let given = [
            ("country_iso_code", &self.country_iso_code),
            ("region", &self.region),
            ("cloud_provider", &self.cloud_provider),
            ("cloud_region", &self.cloud_region),
            ("measure_power_secs", &self.measure_power_secs),
            ("api_call_interval", &self.api_call_interval),
            ("output_dir", &self.output_dir),
            ("output_file", &self.output_file),
            ("output_methods", &self.output_methods),
            ("project_name", &self.project_name),
            ("experiment_id", &self.experiment_id),
            ("experiment_name", &self.experiment_name),
            ("tracking_mode", &self.tracking_mode),
            ("on_csv_write", &self.on_csv_write),
            ("pue", &self.pue),
            ("wue", &self.wue),
            ("force_cpu_power", &self.force_cpu_power),
            ("force_ram_power", &self.force_ram_power),
            (
                "force_carbon_intensity_g_co2e_kwh",
                &self.force_carbon_intensity_g_co2e_kwh,
            ),
            ("log_level", &self.log_level),
            ("rapl_root", &self.rapl_root),
            ("geolocation_url", &self.geolocation_url),
            ("geolocation_backup_url", &self.geolocation_backup_url),
            ("geoip_db", &self.geoip_db),
            ("public_ip", &self.public_ip),
            ("public_ip_url", &self.public_ip_url),
            ("cloud_metadata_url", &self.cloud_metadata_url),
            ("electricitymaps_api_token", &self.electricitymaps_api_token),
            ("electricitymaps_url", &self.electricitymaps_url),
            ("electricitymaps_zone", &self.electricitymaps_zone),
            ("prometheus_url", &self.prometheus_url),
            ("prometheus_listen", &self.prometheus_listen),
            ("emissions_endpoint", &self.emissions_endpoint),
        ];
        let offline = self.offline.then(|| "true".to_string());
        given
            .into_iter()
            .chain([("offline", &offline)])
            .filter_map(|(key, value)| {
                Some(Setting {
                    key: key.to_string(),
                    value: value.clone()?,
                    origin: format!("--{}", key.replace('_', "-")),
                })
            })
            .collect()
    }

    /// Installs the process's `tracing` subscriber for a tracker of `builder`, at its
    /// `log_level` (see [`crate::diagnostics`]), so that the tracker's first message, a warning
    /// about the settings at `build()`, is already shown as the settings ask.
    pub(crate) fn console(&self, builder: &codecarbon::TrackerBuilder) {
        // Settings that cannot be resolved are `build()`'s error to report: the default here.
        let resolved = builder.resolve().ok();
        let config = resolved.as_ref().map(|r| &r.config);
        crate::diagnostics::install(crate::diagnostics::Console {
            log_level: config.map_or(crate::diagnostics::DEFAULT_LEVEL, |c| &c.log_level),
            flag: self.log_level.is_some(),
            logger_records: config.is_some_and(|c| c.output_methods.iter().any(|m| m == "logger")),
        });
    }

    /// A tracker builder with the config layers and these flags, below which `defaults` sit.
    pub fn builder(&self, defaults: &[(&str, &str)]) -> codecarbon::TrackerBuilder {
        // A command-line tool talks only when something needs attention, unless asked.
        let mut builder = codecarbon::EmissionsTracker::builder()
            .default_value("log_level", crate::diagnostics::DEFAULT_LEVEL);
        for (key, value) in defaults {
            builder = builder.default_value(key, value);
        }
        self.settings()
            .into_iter()
            .fold(builder, |b, setting| b.setting(setting))
    }
}
