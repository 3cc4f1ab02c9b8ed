//! CodeCarbon's RAM model: memory size → number of DIMMs → power, made monotonic.

use codecarbon_core::{Gigabytes, Watts};

/// The processor family, which sets the power per DIMM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// x86 and every other non-ARM architecture: 5 W per DIMM, at least 10 W.
    X86,
    /// ARM (`arm`, `aarch64`): 1.5 W per DIMM, at least 3 W.
    Arm,
}

impl Arch {
    /// The architecture this program was built for.
    pub fn current() -> Arch {
        Arch::from_name(std::env::consts::ARCH)
    }

    /// The family of an architecture name (`x86_64`, `aarch64`, `armv7l`), as CodeCarbon tells
    /// it: ARM when the name contains `arm` or `aarch`.
    pub fn from_name(name: &str) -> Arch {
        let name = name.to_ascii_lowercase();
        if name.contains("arm") || name.contains("aarch") {
            Arch::Arm
        } else {
            Arch::X86
        }
    }

    /// Power of one DIMM.
    pub fn watts_per_dimm(self) -> Watts {
        match self {
            Arch::X86 => Watts(5.0),
            Arch::Arm => Watts(1.5),
        }
    }

    /// The least RAM power the model gives.
    pub fn floor(self) -> Watts {
        match self {
            Arch::X86 => Watts(10.0),
            Arch::Arm => Watts(3.0),
        }
    }
}

/// CodeCarbon's DIMM estimate, as is (it drops from 16 DIMMs just under 256 GB to 8 at 256 GB).
pub fn codecarbon_dimm_count(gb: f64) -> u32 {
    if gb.is_nan() || gb <= 2.0 {
        1
    } else if gb <= 16.0 {
        2
    } else if gb <= 64.0 {
        4
    } else if gb <= 128.0 {
        8
    } else {
        let size = [128.0, 64.0, 32.0, 16.0, 8.0, 4.0]
            .into_iter()
            .find(|s| *s <= gb / 8.0)
            .unwrap_or(4.0);
        dimms_of(gb, size)
    }
}

/// `ceil(gb / size)`, capped at 32 DIMMs.
fn dimms_of(gb: f64, size: f64) -> u32 {
    (gb / size).ceil().min(32.0) as u32
}

/// The DIMM estimate used here: CodeCarbon's up to 192 GB; above, at least one DIMM per 16 GB
/// (capped at 32), so that more memory never means fewer DIMMs.
pub fn dimm_count(gb: f64) -> u32 {
    let codecarbon = codecarbon_dimm_count(gb);
    if gb > 192.0 {
        codecarbon.max(dimms_of(gb, 16.0))
    } else {
        codecarbon
    }
}

/// Power of `dimms` DIMMs, each marginal DIMM drawing a little less (100 %, then 90 % from the
/// 5th, 80 % from the 9th, 70 % from the 17th), and never under the architecture's floor.
pub fn dimm_power(dimms: u32, arch: Arch) -> Watts {
    let b = arch.watts_per_dimm().value();
    let n = f64::from(dimms);
    let watts = if dimms <= 4 {
        b * n
    } else if dimms <= 8 {
        4.0 * b + 0.9 * b * (n - 4.0)
    } else if dimms <= 16 {
        4.0 * b + 3.6 * b + 0.8 * b * (n - 8.0)
    } else {
        4.0 * b + 3.6 * b + 6.4 * b + 0.7 * b * (n - 16.0)
    };
    Watts(watts.max(arch.floor().value()))
}

/// RAM power for `memory` on `arch`.
///
/// ```
/// use codecarbon_core::{Gigabytes, Watts};
/// use codecarbon_tdp::{ram_power, Arch};
/// assert_eq!(ram_power(Gigabytes(23.5), Arch::X86), Watts(20.0));
/// ```
pub fn ram_power(memory: Gigabytes, arch: Arch) -> Watts {
    dimm_power(dimm_count(memory.value()), arch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watts(gb: f64, arch: Arch) -> f64 {
        ram_power(Gigabytes(gb), arch).value()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn architecture_names() {
        assert_eq!(Arch::from_name("x86_64"), Arch::X86);
        assert_eq!(Arch::from_name("aarch64"), Arch::Arm);
        assert_eq!(Arch::from_name("armv7l"), Arch::Arm);
        assert_eq!(Arch::from_name("riscv64"), Arch::X86);
        assert_eq!(Arch::current(), Arch::from_name(std::env::consts::ARCH));
    }

    #[test]
    fn codecarbons_dimm_tiers() {
        let cases = [
            (0.5, 1),
            (2.0, 1),
            (4.0, 2),
            (16.0, 2),
            (23.5, 4),
            (64.0, 4),
            (96.0, 8),
            (128.0, 8),
            (192.0, 12),
            (255.0, 16),
            (256.0, 8),
            (1024.0, 8),
            (1536.0, 12),
            (2048.0, 16),
            (4096.0, 32),
            (8192.0, 32),
        ];
        for (gb, dimms) in cases {
            assert_eq!(codecarbon_dimm_count(gb), dimms, "{gb} GB");
        }
    }

    #[test]
    fn reference_table_x86() {
        for (gb, w) in [(1.0, 10.0), (16.0, 10.0), (23.5, 20.0), (64.0, 20.0)] {
            assert!(close(watts(gb, Arch::X86), w), "{gb} GB");
        }
        for (gb, w) in [(96.0, 38.0), (128.0, 38.0), (192.0, 54.0), (4096.0, 126.0)] {
            assert!(close(watts(gb, Arch::X86), w), "{gb} GB");
        }
        assert!(watts(256.0, Arch::X86) >= 54.0);
        assert!(close(watts(256.0, Arch::X86), 70.0));
    }

    #[test]
    fn reference_table_arm() {
        let table = [
            (16.0, 3.0),
            (23.5, 6.0),
            (64.0, 6.0),
            (128.0, 11.4),
            (192.0, 16.2),
            (4096.0, 37.8),
        ];
        for (gb, w) in table {
            assert!(
                close(watts(gb, Arch::Arm), w),
                "{gb} GB: {}",
                watts(gb, Arch::Arm)
            );
        }
        assert!(watts(256.0, Arch::Arm) >= 16.2);
    }

    #[test]
    fn dimm_power_tiers() {
        let x86: Vec<f64> = [1, 2, 4, 8, 12, 16, 32]
            .into_iter()
            .map(|n| dimm_power(n, Arch::X86).value())
            .collect();
        for (got, want) in x86.iter().zip([10.0, 10.0, 20.0, 38.0, 54.0, 70.0, 126.0]) {
            assert!(close(*got, want), "{x86:?}");
        }
    }

    #[test]
    fn monotonic_over_a_fine_sweep() {
        for arch in [Arch::X86, Arch::Arm] {
            let mut previous = (0.0, 0u32, 0.0);
            // 0 to 4096 GB by 1/16 GB.
            for step in 0..=4096 * 16 {
                let gb = f64::from(step) / 16.0;
                let dimms = dimm_count(gb);
                let power = watts(gb, arch);
                assert!(
                    dimms >= previous.1,
                    "{arch:?}: {} DIMMs at {gb} GB after {previous:?}",
                    dimms
                );
                assert!(
                    power >= previous.2,
                    "{arch:?}: {power} W at {gb} GB after {previous:?}"
                );
                assert!(dimms <= 32);
                previous = (gb, dimms, power);
            }
        }
    }

    #[test]
    fn odd_sizes_do_not_panic() {
        assert_eq!(dimm_count(f64::NAN), 1);
        assert_eq!(dimm_count(-3.0), 1);
        assert_eq!(dimm_count(f64::INFINITY), 32);
    }
}
