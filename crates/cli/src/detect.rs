//! `codecarbon detect`: the hardware found and the power source each component will use.

use crate::args::TrackerArgs;
use crate::console::{stdout_failed, stdout_line};
use codecarbon::core::{Allocation, Component, SourceInfo};
use codecarbon::system::MemInfo;
use codecarbon::{power_sources, ChosenSource, TrackerError};
use serde_json::{json, Value};

fn source_json(chosen: &ChosenSource) -> Value {
    let skipped: Vec<Value> = chosen
        .decisions
        .iter()
        .filter(|d| !d.taken)
        .map(|d| json!({"plugin": d.plugin, "reason": d.reason}))
        .collect();
    let sources: Vec<Value> = chosen
        .sources
        .iter()
        .map(|source| {
            let info = source.info();
            json!({
                "plugin": info.source,
                "method": info.method,
                "model": info.model,
                "count": info.count,
                "detail": info.detail,
            })
        })
        .collect();
    // The first (for the CPU and RAM, the only) source's fields at the top, for a quick look;
    // `sources` has every one (GPUs of several vendors).
    let mut entry = sources
        .first()
        .cloned()
        .unwrap_or_else(|| json!({"plugin": null}));
    entry["skipped"] = Value::Array(skipped);
    entry["sources"] = Value::Array(sources);
    entry
}

/// How long `detect` watches a measuring source's counters move before trusting them: real
/// counters move within milliseconds, so only a machine whose counters stand still waits it out.
const CONFIRM_PATIENCE: std::time::Duration = std::time::Duration::from_millis(1_500);

/// What `codecarbon detect` found: the JSON report, and CodeCarbon's lines.
struct Detected {
    report: Value,
    /// CodeCarbon's `detect` lines, under its heading.
    hardware: Hardware,
}

/// What CodeCarbon's `detect` prints (`codecarbon/cli/main.py`), spelled as the row spells it.
struct Hardware {
    ram_total_gb: f64,
    threads: usize,
    sockets: usize,
    cpu_model: String,
    gpu_count: usize,
    gpu_model: String,
    /// The GPU ids asked for (`gpu_ids`, else `CUDA_VISIBLE_DEVICES`, else
    /// `ROCR_VISIBLE_DEVICES`), as CodeCarbon lists them.
    gpu_ids: Vec<String>,
}

impl Hardware {
    fn lines(&self) -> Vec<String> {
        let mut gpu_model = self.gpu_model.clone();
        if !self.gpu_ids.is_empty() {
            let ids: Vec<String> = self.gpu_ids.iter().map(|id| format!("'{id}'")).collect();
            gpu_model.push_str(&format!(
                " BUT only tracking these GPU ids : [{}]",
                ids.join(", ")
            ));
        }
        vec![
            "Detected Hardware and System Information:".to_string(),
            format!("- Available RAM: {:.3} GB", self.ram_total_gb),
            format!(
                "- CPU count: {} thread(s) in {} physical CPU(s)",
                self.threads, self.sockets
            ),
            format!("- CPU model: {}", self.cpu_model),
            format!("- GPU count: {}", self.gpu_count),
            format!("- GPU model: {gpu_model}"),
        ]
    }
}

/// CodeCarbon's `parse_gpu_ids`: letters, digits, `-` and `,` kept, split at `,`, empty ids
/// dropped.
fn gpu_ids(text: &str) -> Vec<String> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ',')
        .collect();
    kept.split(',')
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

fn gather(args: &TrackerArgs) -> Result<Detected, TrackerError> {
    let builder = args.builder(&[]);
    args.console(&builder);
    let tracker = builder.build()?;
    let mut config = tracker.config().clone();
    let cpu = codecarbon::tdp::cpu_spec(&config)
        .map_err(|e| TrackerError::System(std::io::Error::other(e.to_string())))?;
    // As a run finds it, before its sources are built.
    let allocation = codecarbon::allocation(&config)?;
    config.allocation = Some(allocation.clone());
    let config = &config;
    let ram = MemInfo::read(&config.proc_root)?;
    let mut chosen = power_sources(config)?;
    for part in &mut chosen {
        // Longer than RAPL's one second of stillness, which a run would take to give up on it.
        part.confirm(config, CONFIRM_PATIENCE)?;
    }
    let infos = |component: Component| -> Vec<SourceInfo> {
        chosen
            .iter()
            .filter(|c| c.component == component)
            .flat_map(|c| c.sources.iter())
            .map(|s| s.info())
            .collect()
    };
    let (cpu_infos, gpu_infos) = (infos(Component::Cpu), infos(Component::Gpu));
    let gpus: Vec<Value> = gpu_infos
        .iter()
        .map(|info| {
            json!({
                "plugin": info.source,
                "model": info.model,
                "count": info.count,
                "method": info.method,
                "detail": info.detail,
            })
        })
        .collect();
    let sources: serde_json::Map<String, Value> = chosen
        .iter()
        .map(|c| (c.component.name().to_string(), source_json(c)))
        .collect();
    let gpu_model = codecarbon::gpu_model(&gpu_infos);
    let gpu_count: usize = gpu_infos.iter().map(|i| i.count).sum();
    let report = json!({
        "cpu": {
            "model": cpu.model,
            "logical_cpus": cpu.logical_cpus,
            "sockets": cpu.sockets,
            "tdp_w": cpu.tdp.value(),
            "tdp_source": cpu.describe(),
        },
        "ram_total_gb": ram.total.value(),
        "gpus": gpus,
        "gpu_count": gpu_count,
        "gpu_model": gpu_model,
        "allocation": allocation_json(&allocation),
        "power_sources": sources,
    });
    let asked = [
        config.gpu_ids.clone().filter(|ids| !ids.trim().is_empty()),
        std::env::var("CUDA_VISIBLE_DEVICES").ok(),
        std::env::var("ROCR_VISIBLE_DEVICES").ok(),
    ];
    let hardware = Hardware {
        ram_total_gb: ram.total.value(),
        threads: cpu.logical_cpus,
        sockets: cpu.sockets,
        // The row's `cpu_model`: the CPU source's, as CodeCarbon's `detect` shows its own.
        cpu_model: cpu_infos
            .iter()
            .find_map(|i| i.model.clone())
            .or(cpu.model)
            .unwrap_or_default(),
        gpu_count,
        gpu_model: gpu_model.unwrap_or_default(),
        gpu_ids: asked
            .into_iter()
            .flatten()
            .next()
            .map(|ids| gpu_ids(&ids))
            .unwrap_or_default(),
    };
    Ok(Detected { report, hardware })
}

/// The CPUs and memory a run may use, and who set each (as in the `json` output's provenance);
/// `summary` is the line of the text form.
fn allocation_json(a: &Allocation) -> Value {
    json!({
        "cpus": a.cpus,
        "cpus_from": a.cpus_from.to_string(),
        "machine_cpus": a.machine_cpus,
        "ram_gb": a.memory.value(),
        "ram_from": a.memory_from.to_string(),
        "machine_ram_gb": a.machine_memory.value(),
        "summary": a.to_string(),
    })
}

/// CodeCarbon's lines, then the run's allocation and which power source each component uses
/// and why.
fn text(detected: &Detected) -> String {
    let report = &detected.report;
    let mut lines = detected.hardware.lines();
    lines.push(String::new());
    lines.push(format!(
        "Allocation: {}",
        report["allocation"]["summary"].as_str().unwrap_or_default()
    ));
    lines.push("Power sources:".to_string());
    if let Some(sources) = report["power_sources"].as_object() {
        for (component, s) in sources {
            let line = match s["plugin"].as_str() {
                Some(plugin) => format!(
                    "  {component}: {plugin} ({}): {}",
                    s["method"].as_str().unwrap_or_default(),
                    s["detail"].as_str().unwrap_or_default()
                ),
                None => format!("  {component}: none"),
            };
            lines.push(line);
            for skipped in s["skipped"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "      skipped {}: {}",
                    skipped["plugin"].as_str().unwrap_or_default(),
                    skipped["reason"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    lines.join("\n")
}

/// Prints what was detected, as text (CodeCarbon's, then the power sources) or JSON.
pub fn detect(args: &TrackerArgs, as_json: bool) -> u8 {
    if !as_json {
        // CodeCarbon's first line, before the search, which may take a second or two.
        if let Err(e) = stdout_line("Detecting hardware...\n") {
            return stdout_failed(&e);
        }
    }
    match gather(args) {
        Ok(detected) => {
            let shown = if as_json {
                format!("{:#}", detected.report)
            } else {
                text(&detected)
            };
            match stdout_line(&shown) {
                Ok(()) => 0,
                Err(e) => stdout_failed(&e),
            }
        }
        Err(e) => crate::fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_ids_are_listed_as_codecarbon_lists_them() {
        assert_eq!(gpu_ids(" 0, 1,,GPU-5e6f; "), ["0", "1", "GPU-5e6f"]);
        let hardware = Hardware {
            ram_total_gb: 23.54029,
            threads: 2,
            sockets: 1,
            cpu_model: "AMD EPYC".into(),
            gpu_count: 2,
            gpu_model: "2 x NVIDIA A100".into(),
            gpu_ids: gpu_ids("0,1"),
        };
        assert_eq!(
            hardware.lines(),
            [
                "Detected Hardware and System Information:",
                "- Available RAM: 23.540 GB",
                "- CPU count: 2 thread(s) in 1 physical CPU(s)",
                "- CPU model: AMD EPYC",
                "- GPU count: 2",
                "- GPU model: 2 x NVIDIA A100 BUT only tracking these GPU ids : ['0', '1']",
            ]
        );
    }
}
