//! Reading `<proc_root>/cpuinfo`: the CPU model, logical CPUs and sockets, without a subprocess.

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

/// What `/proc/cpuinfo` says about the processors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuInfo {
    /// The model name, when the file gives one (see [`parse_cpuinfo`] for the fields tried).
    pub model: Option<String>,
    /// Logical CPUs: the number of `processor` entries (at least 1).
    pub logical_cpus: usize,
    /// Sockets: the number of distinct `physical id` values, 1 when there are none.
    pub sockets: usize,
}

/// ARM Ltd cores (implementer `0x41`) by `CPU part`, as `lscpu` names them.
const ARM_PARTS: &[(u32, &str)] = &[
    (0xd03, "Cortex-A53"),
    (0xd04, "Cortex-A35"),
    (0xd05, "Cortex-A55"),
    (0xd07, "Cortex-A57"),
    (0xd08, "Cortex-A72"),
    (0xd09, "Cortex-A73"),
    (0xd0a, "Cortex-A75"),
    (0xd0b, "Cortex-A76"),
    (0xd0c, "Neoverse-N1"),
    (0xd0d, "Cortex-A77"),
    (0xd40, "Neoverse-V1"),
    (0xd41, "Cortex-A78"),
    (0xd44, "Cortex-X1"),
    (0xd46, "Cortex-A510"),
    (0xd47, "Cortex-A710"),
    (0xd48, "Cortex-X2"),
    (0xd49, "Neoverse-N2"),
    (0xd4d, "Cortex-A715"),
    (0xd4e, "Cortex-X3"),
    (0xd4f, "Neoverse-V2"),
    (0xd80, "Cortex-A520"),
    (0xd81, "Cortex-A720"),
    (0xd82, "Cortex-X4"),
    (0xd84, "Neoverse-V3"),
];

fn parse_hex(text: &str) -> Option<u32> {
    let t = text.trim();
    let digits = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"))?;
    u32::from_str_radix(digits, 16).ok()
}

/// The core name of an ARM Ltd part, from `CPU implementer` and `CPU part`.
fn arm_core(implementer: Option<&str>, part: Option<&str>) -> Option<String> {
    if implementer.and_then(parse_hex)? != 0x41 {
        return None;
    }
    let part = part.and_then(parse_hex)?;
    ARM_PARTS
        .iter()
        .find(|(id, _)| *id == part)
        .map(|(_, name)| (*name).to_string())
}

/// Parses the text of `/proc/cpuinfo`.
///
/// The model is the first of these that is present and not empty: `model name` (x86, and ARM
/// kernels that give it), `Processor` (32-bit ARM kernels: `ARMv7 Processor rev 4 (v7l)`), the
/// ARM core named from `CPU implementer` and `CPU part` (`Cortex-A72`), `Model` (the board, on a
/// Raspberry Pi), `Hardware` (the SoC), `cpu` (POWER). Per-processor fields are taken from the
/// first processor. When the file lists no `processor` entry, the logical CPU count is the
/// parallelism the OS reports (1 if unknown).
///
/// ```
/// let info = codecarbon_system::parse_cpuinfo("processor\t: 0\nmodel name\t: AMD EPYC\n\nprocessor\t: 1\nmodel name\t: AMD EPYC\n");
/// assert_eq!(info.model.as_deref(), Some("AMD EPYC"));
/// assert_eq!((info.logical_cpus, info.sockets), (2, 1));
/// ```
pub fn parse_cpuinfo(text: &str) -> CpuInfo {
    let mut first: Vec<(&str, &str)> = Vec::new();
    let mut processors = 0usize;
    let mut sockets = BTreeSet::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "processor" => processors += 1,
            "physical id" => {
                sockets.insert(value);
            }
            _ => {}
        }
        if !value.is_empty() && !first.iter().any(|(k, _)| *k == key) {
            first.push((key, value));
        }
    }
    let field = |name: &str| first.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let model = field("model name")
        .or_else(|| field("Processor"))
        .map(str::to_string)
        .or_else(|| arm_core(field("CPU implementer"), field("CPU part")))
        .or_else(|| field("Model").map(str::to_string))
        .or_else(|| field("Hardware").map(str::to_string))
        .or_else(|| field("cpu").map(str::to_string));
    let logical_cpus = if processors > 0 {
        processors
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    CpuInfo {
        model,
        logical_cpus,
        sockets: sockets.len().max(1),
    }
}

impl CpuInfo {
    /// Reads and parses `<proc_root>/cpuinfo`; the error names the file.
    pub fn read(proc_root: &Path) -> io::Result<CpuInfo> {
        let mut file = crate::ProcFile::default();
        file.read(&proc_root.join("cpuinfo")).map(parse_cpuinfo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_SOCKETS: &str = "\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz
physical id\t: 0

processor\t: 1
model name\t: Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz
physical id\t: 0

processor\t: 2
model name\t: Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz
physical id\t: 1

processor\t: 3
model name\t: Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz
physical id\t: 1
";

    #[test]
    fn x86_model_threads_and_sockets() {
        let info = parse_cpuinfo(TWO_SOCKETS);
        assert_eq!(
            info.model.as_deref(),
            Some("Intel(R) Xeon(R) Gold 5220R CPU @ 2.20GHz")
        );
        assert_eq!(info.logical_cpus, 4);
        assert_eq!(info.sockets, 2);
    }

    #[test]
    fn no_physical_id_is_one_socket() {
        let info = parse_cpuinfo("processor : 0\nmodel name : AMD EPYC\nprocessor : 1\n");
        assert_eq!(info.sockets, 1);
        assert_eq!(info.logical_cpus, 2);
    }

    #[test]
    fn arm64_names_the_core_from_its_part() {
        let text = "\
processor\t: 0
BogoMIPS\t: 108.00
CPU implementer\t: 0x41
CPU part\t: 0xd08

processor\t: 1
CPU implementer\t: 0x41
CPU part\t: 0xd08

Hardware\t: BCM2835
Model\t\t: Raspberry Pi 4 Model B Rev 1.4
";
        let info = parse_cpuinfo(text);
        assert_eq!(info.model.as_deref(), Some("Cortex-A72"));
        assert_eq!(info.logical_cpus, 2);
    }

    #[test]
    fn arm_falls_back_to_processor_then_model_then_hardware() {
        let old = "Processor\t: ARMv7 Processor rev 4 (v7l)\nprocessor\t: 0\nHardware\t: BCM2709\n";
        assert_eq!(
            parse_cpuinfo(old).model.as_deref(),
            Some("ARMv7 Processor rev 4 (v7l)")
        );
        let board = "processor : 0\nCPU implementer : 0x51\nCPU part : 0x001\nHardware : X\nModel : Board Y\n";
        assert_eq!(parse_cpuinfo(board).model.as_deref(), Some("Board Y"));
        let soc = "processor : 0\nHardware : BCM2709\n";
        assert_eq!(parse_cpuinfo(soc).model.as_deref(), Some("BCM2709"));
        assert_eq!(parse_cpuinfo("processor : 0\n").model, None);
    }

    #[test]
    fn empty_model_name_is_none_and_count_is_never_zero() {
        let info = parse_cpuinfo("model name :   \n");
        assert_eq!(info.model, None);
        assert!(info.logical_cpus >= 1);
    }

    #[test]
    fn unreadable_file_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let err = CpuInfo::read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("cpuinfo"), "{err}");
        std::fs::write(
            dir.path().join("cpuinfo"),
            "processor : 0\nmodel name : X\n",
        )
        .unwrap();
        assert_eq!(
            CpuInfo::read(dir.path()).unwrap().model.as_deref(),
            Some("X")
        );
    }
}
