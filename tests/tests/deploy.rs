//! The deployment files of `deploy/` (see `docs/cluster.md`) cannot drift from the binary and
//! its settings.
//!
//! - `deploy/kubernetes/daemonset.yaml`: a DaemonSet whose container runs `codecarbon monitor`;
//!   every `CODECARBON_*` variable is a declared setting, with a value the setting accepts, and
//!   every `OTEL_*` one a variable the `otlp` output reads; every mount is read-only, and
//!   `proc_root` and `rapl_root` lie under the mounts of the node's `/proc` and
//!   `/sys/class/powercap`; the port served is the one declared and annotated.
//! - `deploy/systemd/codecarbon.service`: its `ExecStart` runs `codecarbon monitor` with flags
//!   of `codecarbon monitor --help` only, and `systemd-analyze verify` accepts the unit (with
//!   the built binary in the place of the installed one), where systemd is installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::core::settings;
use codecarbon::Config;
use common::{help_flags, Sandbox};
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn read(relative: &str) -> String {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The one document of the DaemonSet manifest.
fn daemonset() -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read("deploy/kubernetes/daemonset.yaml"))
        .expect("the manifest is YAML");
    assert_eq!(docs.len(), 1, "one document");
    docs.remove(0)
}

/// A string field, or a failure naming it.
fn text<'a>(yaml: &'a Yaml, what: &str) -> &'a str {
    yaml.as_str()
        .unwrap_or_else(|| panic!("{what} is not a string: {yaml:?}"))
}

/// A list field, or a failure naming it.
fn list<'a>(yaml: &'a Yaml, what: &str) -> &'a [Yaml] {
    yaml.as_vec()
        .unwrap_or_else(|| panic!("{what} is not a list: {yaml:?}"))
}

/// The pod's only container.
fn container(manifest: &Yaml) -> &Yaml {
    let containers = list(
        &manifest["spec"]["template"]["spec"]["containers"],
        "containers",
    );
    assert_eq!(containers.len(), 1, "one container");
    &containers[0]
}

/// The container's variables with a literal value, by name.
fn env(container: &Yaml) -> Vec<(String, Option<String>)> {
    list(&container["env"], "env")
        .iter()
        .map(|var| {
            (
                text(&var["name"], "an env name").to_string(),
                var["value"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn value<'a>(env: &'a [(String, Option<String>)], name: &str) -> &'a str {
    env.iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, v)| v.as_deref())
        .unwrap_or_else(|| panic!("no value for {name}"))
}

/// Where on the node `path` of the container is: through the mount whose `mountPath` holds it,
/// that mount's `hostPath` volume. Every mount must be read-only.
fn node_path(manifest: &Yaml, path: &str) -> PathBuf {
    let volumes = list(&manifest["spec"]["template"]["spec"]["volumes"], "volumes");
    list(&container(manifest)["volumeMounts"], "volumeMounts")
        .iter()
        .find_map(|mount| {
            let mounted = Path::new(text(&mount["mountPath"], "mountPath"));
            let rest = Path::new(path).strip_prefix(mounted).ok()?;
            let name = text(&mount["name"], "a mount's name");
            let volume = volumes
                .iter()
                .find(|v| v["name"].as_str() == Some(name))
                .unwrap_or_else(|| panic!("no volume {name}"));
            let host = text(&volume["hostPath"]["path"], "hostPath");
            Some(Path::new(host).join(rest))
        })
        .unwrap_or_else(|| panic!("{path} is under no mount"))
}

#[test]
fn the_manifest_is_a_daemonset_running_the_monitor() {
    let manifest = daemonset();
    assert_eq!(text(&manifest["apiVersion"], "apiVersion"), "apps/v1");
    assert_eq!(text(&manifest["kind"], "kind"), "DaemonSet");
    let labels = &manifest["spec"]["template"]["metadata"]["labels"];
    let selector = &manifest["spec"]["selector"]["matchLabels"];
    assert!(!selector.is_badvalue() && selector.as_hash().is_some());
    for (key, wanted) in selector.as_hash().unwrap() {
        assert_eq!(&labels[text(key, "a selector key")], wanted, "{key:?}");
    }

    let args: Vec<&str> = list(&container(&manifest)["args"], "args")
        .iter()
        .map(|a| text(a, "an argument"))
        .collect();
    assert_eq!(args.first(), Some(&"monitor"), "{args:?}");
    let known = help_flags(&Sandbox::new(), &["monitor"]);
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        let flag = flag.split('=').next().unwrap_or_default();
        assert!(
            known.contains_key(flag),
            "`codecarbon monitor` has no {flag}"
        );
    }
}

#[test]
fn every_variable_of_the_manifest_is_a_setting_with_a_value_it_accepts() {
    let manifest = daemonset();
    let env = env(container(&manifest));
    let otel = [
        codecarbon::otlp::ENV_ENDPOINT,
        codecarbon::otlp::ENV_METRICS_ENDPOINT,
        codecarbon::otlp::ENV_HEADERS,
        codecarbon::otlp::ENV_METRICS_HEADERS,
        codecarbon::otlp::ENV_SERVICE_NAME,
        codecarbon::otlp::ENV_RESOURCE_ATTRIBUTES,
    ];
    let mut settings_seen = 0;
    for (name, value) in &env {
        if let Some(key) = name.strip_prefix("CODECARBON_") {
            let key = key.to_ascii_lowercase();
            let spec = settings::find(&key).unwrap_or_else(|| panic!("{name} names no setting"));
            assert_eq!(&spec.env_var(), name, "{name} is an old name");
            let value = value
                .as_deref()
                .unwrap_or_else(|| panic!("{name} has no value"));
            Config::default()
                .set(&key, value, name)
                .unwrap_or_else(|e| panic!("{name}={value}: {e}"));
            settings_seen += 1;
        } else if name.starts_with("OTEL_") {
            assert!(
                otel.contains(&name.as_str()),
                "the otlp output reads no {name}"
            );
        }
    }
    assert!(settings_seen >= 4, "{env:?}");
    // `$(NODE_NAME)` and its like are the downward API's variables, defined before use.
    let resource = value(&env, codecarbon::otlp::ENV_RESOURCE_ATTRIBUTES);
    for (at, _) in resource.match_indices("$(") {
        let name = &resource[at + 2..at + resource[at..].find(')').unwrap()];
        let defined = env.iter().position(|(n, _)| n == name);
        let used = env
            .iter()
            .position(|(n, _)| n == codecarbon::otlp::ENV_RESOURCE_ATTRIBUTES);
        assert!(
            matches!((defined, used), (Some(d), Some(u)) if d < u),
            "$({name}) is not defined before its use"
        );
    }
}

#[test]
fn the_nodes_directories_are_mounted_read_only_where_the_settings_point() {
    let manifest = daemonset();
    let mounts = list(&container(&manifest)["volumeMounts"], "volumeMounts");
    assert!(!mounts.is_empty());
    for mount in mounts {
        assert_eq!(
            mount["readOnly"].as_bool(),
            Some(true),
            "{} is not read-only",
            text(&mount["mountPath"], "mountPath")
        );
    }
    let env = env(container(&manifest));
    for (variable, on_the_node) in [
        ("CODECARBON_PROC_ROOT", "/proc"),
        ("CODECARBON_RAPL_ROOT", "/sys/class/powercap"),
    ] {
        let path = value(&env, variable);
        assert_eq!(
            node_path(&manifest, path),
            Path::new(on_the_node),
            "{variable}={path}"
        );
    }
}

#[test]
fn the_metrics_port_is_the_one_served_and_annotated() {
    let manifest = daemonset();
    let env = env(container(&manifest));
    let listen = value(&env, "CODECARBON_PROMETHEUS_LISTEN");
    let port: i64 = listen.rsplit(':').next().unwrap().parse().unwrap();
    let ports = list(&container(&manifest)["ports"], "ports");
    assert!(
        ports
            .iter()
            .any(|p| p["containerPort"].as_i64() == Some(port)),
        "{ports:?}"
    );
    let annotations = &manifest["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(
        annotations["prometheus.io/port"].as_str(),
        Some(port.to_string().as_str())
    );
}

/// The unit's `ExecStart` line, split into words.
fn exec_start(unit: &str) -> Vec<&str> {
    let lines: Vec<&str> = unit
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ExecStart="))
        .collect();
    assert_eq!(lines.len(), 1, "one ExecStart: {lines:?}");
    lines[0].split_whitespace().collect()
}

#[test]
fn the_units_command_line_uses_real_flags_of_the_monitor() {
    let unit = read("deploy/systemd/codecarbon.service");
    let words = exec_start(&unit);
    assert!(words[0].ends_with("/codecarbon"), "{words:?}");
    assert_eq!(words.get(1), Some(&"monitor"), "{words:?}");
    let known = help_flags(&Sandbox::new(), &["monitor"]);
    let flags: Vec<&&str> = words.iter().filter(|w| w.starts_with("--")).collect();
    assert!(!flags.is_empty());
    for flag in flags {
        let flag = flag.split('=').next().unwrap_or_default();
        assert!(
            known.contains_key(flag),
            "`codecarbon monitor` has no {flag}"
        );
    }
    // Without a command, the monitor watches until SIGTERM: the unit must not give one.
    assert!(!words.contains(&"--"), "{words:?}");
}

#[test]
fn systemd_accepts_the_unit() {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the unit is not verified");
        return;
    };
    assert!(version.status.success());
    let unit = read("deploy/systemd/codecarbon.service");
    let installed = exec_start(&unit)[0];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("codecarbon.service");
    let binary = common::binary().to_str().unwrap();
    let unit = unit.replace(
        &format!("ExecStart={installed}"),
        &format!("ExecStart={binary}"),
    );
    std::fs::write(&path, unit).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // It says nothing of a good unit (an unknown key or a bad value is only a warning).
    let about_it: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("codecarbon"))
        .collect();
    assert!(
        out.status.success() && about_it.is_empty(),
        "systemd-analyze verify: {:?}\n{stderr}",
        out.status
    );
}
