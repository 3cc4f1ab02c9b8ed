//! Which way RAPL is read on this machine, for the probe and the build of both plugins.
//!
//! Without `rapl_root`: the RAPL PMU through perf_event when this process may open it, else
//! powercap under `/sys/class/powercap`. With `rapl_root`: powercap under that root, nothing
//! else. Present but unreadable is [`Probe::Blocked`] with the fix; absent is
//! [`Probe::Unavailable`].

use crate::counters::{CounterSpec, Meter};
use crate::domain::{select, CpuDomain};
use crate::error::{RaplError, PERF_FIX};
use crate::files::{Files, RealFiles};
use crate::perf::{self, PerfAccess, PerfPlan, PerfStatus, PMU_DIR};
use crate::powercap::{read_energy, PowercapCounters};
use crate::settings::RaplSettings;
use crate::source::RaplSource;
use crate::zone::{discover_zones, Zone};
use codecarbon_core::settings::Settings;
use codecarbon_core::{BuildError, Component, Config, Method, Probe, SourceInfo, TrackingMode};
use std::path::PathBuf;
use std::sync::Arc;

/// Where the powercap zones are unless `rapl_root` says otherwise.
pub const DEFAULT_ROOT: &str = "/sys/class/powercap";

/// The plugin's name for a component.
fn plugin_name(component: Component) -> &'static str {
    match component {
        Component::Ram => "rapl_dram",
        _ => "rapl",
    }
}

/// What the plugins read, and where.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub(crate) files: Arc<dyn Files>,
    /// The powercap root.
    pub(crate) root: PathBuf,
    /// `rapl_root` was given: powercap under it, nothing else.
    pub(crate) explicit_root: bool,
    /// The RAPL PMU's directory.
    pub(crate) pmu_dir: PathBuf,
    /// For `perf_event_paranoid`, `self/status` and `cpuinfo`.
    pub(crate) proc_root: PathBuf,
    pub(crate) prefer_psys: bool,
    pub(crate) mode: TrackingMode,
}

impl Env {
    /// The real machine, as `config` and its already parsed `settings` say.
    pub(crate) fn new(config: &Config, settings: &RaplSettings) -> Env {
        let root = settings.rapl_root.as_deref();
        Env {
            files: Arc::new(RealFiles),
            root: PathBuf::from(root.unwrap_or(DEFAULT_ROOT)),
            explicit_root: root.is_some(),
            pmu_dir: PathBuf::from(PMU_DIR),
            proc_root: config.proc_root.clone(),
            prefer_psys: settings.rapl_prefer_psys,
            mode: config.tracking_mode,
        }
    }
}

/// How a component will be read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Backend {
    Perf(PerfPlan),
    Powercap { zones: Vec<Zone>, psys: bool },
}

/// What perf_event offers for `component` (never anything under an explicit root).
fn perf_status(env: &Env, component: Component) -> Result<PerfStatus, RaplError> {
    if env.explicit_root {
        return Ok(PerfStatus::Absent);
    }
    let wanted: &[&str] = match (component, env.prefer_psys) {
        (Component::Ram, _) => &["energy-ram"],
        (_, true) => &["energy-psys", "energy-pkg"],
        (_, false) => &["energy-pkg", "energy-psys"],
    };
    let access = PerfAccess::read(env.files.as_ref(), &env.proc_root);
    perf::plan(env.files.as_ref(), &env.pmu_dir, access, wanted)
}

/// The readable powercap zones of `component`, or why there are none. `perf` is what
/// perf_event said, for the message.
fn powercap(env: &Env, component: Component, perf: &PerfStatus) -> Result<Backend, Probe> {
    let denied = *perf == PerfStatus::Denied;
    let zones = match discover_zones(env.files.as_ref(), &env.root) {
        Ok(zones) => zones,
        Err(e) if denied => return Err(Probe::Blocked(denied_message(env, &e.to_string()))),
        Err(e) if env.explicit_root => return Err(Probe::Unavailable(format!("no RAPL: {e}"))),
        Err(_) => return Err(Probe::Unavailable(no_rapl(env))),
    };
    let selection = select(zones.clone(), env.prefer_psys);
    let (zones, psys) = match component {
        Component::Ram => (selection.dram, false),
        _ => match selection.cpu {
            Some((domain, zones)) => (zones, domain == CpuDomain::Psys),
            None => (Vec::new(), false),
        },
    };
    if zones.is_empty() {
        let what = match component {
            Component::Ram => "no dram zone",
            _ => "no package or psys zone",
        };
        return Err(if denied {
            Probe::Blocked(denied_message(env, &format!("{what} in powercap")))
        } else {
            Probe::Unavailable(format!(
                "{what} among the RAPL zones under {}{}",
                env.root.display(),
                if env.explicit_root {
                    ""
                } else {
                    " and no RAPL PMU event"
                }
            ))
        });
    }
    let fix = crate::error::powercap_fix(&env.root, !env.explicit_root && denied);
    for zone in &zones {
        if let Err(e) = read_energy(env.files.as_ref(), &zone.energy_file(), &fix) {
            return Err(Probe::Blocked(format!(
                "RAPL is present but unreadable: {e}. Until then {}",
                fallback(component)
            )));
        }
    }
    Ok(Backend::Powercap { zones, psys })
}

fn fallback(component: Component) -> &'static str {
    match component {
        Component::Ram => "the RAM power is estimated (DIMM model)",
        _ => "the CPU power is estimated (TDP model)",
    }
}

fn no_rapl(env: &Env) -> String {
    format!(
        "no RAPL: no powercap zones under {} and no RAPL PMU at {}",
        env.root.display(),
        env.pmu_dir.display()
    )
}

fn denied_message(env: &Env, powercap: &str) -> String {
    format!(
        "the RAPL PMU is present but this process may not open system-wide perf events \
         (kernel.perf_event_paranoid > 0, no CAP_PERFMON), and powercap under {} cannot be \
         used ({powercap}). {PERF_FIX}",
        env.root.display()
    )
}

/// The plan for `component`, or the probe's answer when there is none.
pub(crate) fn plan(env: &Env, component: Component) -> Result<Backend, Probe> {
    let perf = match perf_status(env, component) {
        Ok(PerfStatus::Ready(plan)) => return Ok(Backend::Perf(plan)),
        Ok(status) => status,
        // A PMU the kernel describes oddly: try powercap.
        Err(_) => PerfStatus::Absent,
    };
    powercap(env, component, &perf)
}

/// Why a setting rules a plugin out: a `force_*_power`, or CodeCarbon's `force_mode_cpu_load`
/// (the TDP and load model even where RAPL works).
fn forced(config: &Config, settings: &RaplSettings, component: Component) -> Option<&'static str> {
    match component {
        Component::Ram => config
            .force_ram_power
            .map(|_| "force_ram_power disables measured RAM power"),
        _ if config.force_cpu_power.is_some() => {
            Some("force_cpu_power disables measured CPU power")
        }
        _ if settings.force_mode_cpu_load => {
            Some("force_mode_cpu_load asks for the TDP and load model")
        }
        _ => None,
    }
}

/// Whether RAPL can measure `component` with this configuration; its settings are parsed
/// here, as the registry's glue parses them for [`probe_parsed`].
pub fn probe(config: &Config, component: Component) -> Probe {
    match RaplSettings::from_config(config) {
        Ok(settings) => probe_parsed(config, &settings, component),
        Err(e) => Probe::unavailable(e.to_string()),
    }
}

/// Whether RAPL can measure `component` with this configuration and its parsed settings.
pub fn probe_parsed(config: &Config, settings: &RaplSettings, component: Component) -> Probe {
    if let Some(reason) = forced(config, settings, component) {
        return Probe::Unavailable(reason.into());
    }
    probe_with(&Env::new(config, settings), component)
}

pub(crate) fn probe_with(env: &Env, component: Component) -> Probe {
    match plan(env, component) {
        Ok(_) => Probe::Available,
        Err(probe) => probe,
    }
}

/// The RAPL source of `component` with this configuration; its settings are parsed here, as
/// the registry's glue parses them for [`build_parsed`].
pub fn build_source(config: &Config, component: Component) -> Result<RaplSource, BuildError> {
    let settings = RaplSettings::from_config(config)
        .map_err(|e| BuildError::invalid(plugin_name(component), e))?;
    build_parsed(config, &settings, component)
}

/// The RAPL source of `component` with this configuration and its parsed settings.
pub fn build_parsed(
    config: &Config,
    settings: &RaplSettings,
    component: Component,
) -> Result<RaplSource, BuildError> {
    if let Some(reason) = forced(config, settings, component) {
        return Err(BuildError::unavailable(plugin_name(component), reason));
    }
    build_with(&Env::new(config, settings), component)
}

pub(crate) fn build_with(env: &Env, component: Component) -> Result<RaplSource, BuildError> {
    let plugin = plugin_name(component);
    let unavailable = |message: String| BuildError::Unavailable { plugin, message };
    match plan(env, component).map_err(|p| unavailable(probe_text(p)))? {
        Backend::Perf(plan) => match plan.open() {
            Ok(counters) => {
                let specs = plan.specs();
                let detail = plan.describe();
                Ok(assemble(env, component, Box::new(counters), specs, detail))
            }
            // perf_event refused after all (a security module, a hypervisor): try powercap.
            Err(e) => match powercap(env, component, &PerfStatus::Denied) {
                Ok(backend) => Ok(powercap_source(env, component, backend)),
                Err(_) => Err(unavailable(e.to_string())),
            },
        },
        backend => Ok(powercap_source(env, component, backend)),
    }
}

fn probe_text(probe: Probe) -> String {
    probe.reason().unwrap_or("available").to_string()
}

fn powercap_source(env: &Env, component: Component, backend: Backend) -> RaplSource {
    let (zones, psys) = match backend {
        Backend::Powercap { zones, psys } => (zones, psys),
        Backend::Perf(_) => (Vec::new(), false),
    };
    let specs: Vec<CounterSpec> = zones.iter().map(CounterSpec::powercap).collect();
    let names: Vec<&str> = specs.iter().map(|s| s.label.as_str()).collect();
    let mut detail = format!("powercap at {}: {}", env.root.display(), names.join(" + "));
    if component == Component::Cpu && !psys {
        detail.push_str("; core and uncore are inside the packages, not added");
    }
    let reader = PowercapCounters::new(env.files.clone(), &env.root, &zones, false);
    assemble(env, component, Box::new(reader), specs, detail)
}

fn assemble(
    env: &Env,
    component: Component,
    reader: Box<dyn crate::counters::RawCounters>,
    specs: Vec<CounterSpec>,
    mut detail: String,
) -> RaplSource {
    let meter = Meter::new(specs, component == Component::Cpu);
    let every = meter.max_interval();
    if every < crate::counters::MAX_READ_INTERVAL {
        detail.push_str(&format!(
            "; read every {:.0} ms so no counter wraps twice unseen",
            every.as_secs_f64() * 1000.0
        ));
    }
    if env.mode == TrackingMode::Process {
        detail.push_str(
            "; process mode: the tracked processes' share of the machine's busy CPU time",
        );
    }
    let model = match component {
        Component::Ram => None,
        _ => cpu_model(env),
    };
    let info = SourceInfo::new(component, plugin_name(component), Method::Measured, detail)
        .with_model_opt(model)
        .with_count(meter.specs().len());
    RaplSource::new(info, reader, meter)
}

/// The CPU model of `<proc_root>/cpuinfo` (its first `model name`), for the CSV's `cpu_model`.
///
/// Read through [`Files`], so tests give a fake file; parsed by
/// `codecarbon-system`, the one parser of cpuinfo.
fn cpu_model(env: &Env) -> Option<String> {
    let text = env
        .files
        .read_to_string(&env.proc_root.join("cpuinfo"))
        .ok()?;
    codecarbon_system::parse_cpuinfo(&text).model
}
