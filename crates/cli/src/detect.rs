//! `codecarbon detect`: the hardware found and the power source each component will use.

use crate::args::TrackerArgs;
use crate::console::{stdout_failed, stdout_line};
use codecarbon::core::Allocation;
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

fn gather(args: &TrackerArgs) -> Result<Value, TrackerError> {
    let builder = args.builder(&[]);
    args.console(&builder);
    let tracker = builder.build()?;
    let mut config = tracker.config().clone();
    let cpu = codecarbon::tdp::cpu_spec(&config)
        .map_err(|e| TrackerError::System(std::io::Error::other(e.to_string())))?;
    let ram = MemInfo::read(&config.proc_root)?;
    // As a run finds it, before its sources are built.
    let allocation = codecarbon::allocation(&config)?;
    config.allocation = Some(allocation.clone());
    let config = &config;
    let mut chosen = power_sources(config)?;
    for part in &mut chosen {
        // Longer than RAPL's one second of stillness, which a run would take to give up on it.
        part.confirm(config, CONFIRM_PATIENCE)?;
    }
    let gpus: Vec<Value> = chosen
        .iter()
        .filter(|c| c.component == codecarbon::Component::Gpu)
        .flat_map(|c| c.sources.iter())
        .map(|s| {
            let info = s.info();
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
    Ok(json!({
        "cpu": {
            "model": cpu.model,
            "logical_cpus": cpu.logical_cpus,
            "sockets": cpu.sockets,
            "tdp_w": cpu.tdp.value(),
            "tdp_source": cpu.describe(),
        },
        "ram_total_gb": ram.total.value(),
        "allocation": allocation_json(&allocation),
        "gpus": gpus,
        "power_sources": sources,
    }))
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

fn text(report: &Value) -> String {
    let cpu = &report["cpu"];
    let mut lines = vec![
        format!(
            "CPU:  {} ({} logical CPUs, {} socket(s))",
            cpu["model"].as_str().unwrap_or("unknown model"),
            cpu["logical_cpus"],
            cpu["sockets"]
        ),
        format!("      {}", cpu["tdp_source"].as_str().unwrap_or_default()),
        format!(
            "RAM:  {:.2} GB",
            report["ram_total_gb"].as_f64().unwrap_or_default()
        ),
        format!(
            "Allocation: {}",
            report["allocation"]["summary"].as_str().unwrap_or_default()
        ),
    ];
    let gpus = report["gpus"].as_array().map(Vec::len).unwrap_or(0);
    if gpus == 0 {
        lines.push("GPU:  none found".to_string());
    }
    for gpu in report["gpus"].as_array().into_iter().flatten() {
        lines.push(format!(
            "GPU:  {} x {} ({}, {}): {}",
            gpu["count"],
            gpu["model"].as_str().unwrap_or("unknown model"),
            gpu["plugin"].as_str().unwrap_or_default(),
            gpu["method"].as_str().unwrap_or_default(),
            gpu["detail"].as_str().unwrap_or_default()
        ));
    }
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

/// Prints what was detected, as text or JSON.
pub fn detect(args: &TrackerArgs, as_json: bool) -> u8 {
    match gather(args) {
        Ok(report) => {
            let shown = if as_json {
                format!("{report:#}")
            } else {
                text(&report)
            };
            match stdout_line(&shown) {
                Ok(()) => 0,
                Err(e) => stdout_failed(&e),
            }
        }
        Err(e) => crate::fail(&e),
    }
}
