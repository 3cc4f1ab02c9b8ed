//! What a run reports: the totals between two snapshots as CodeCarbon's record, with the
//! provenance of each figure.

use super::Run;
use crate::engine::selection::gpu_model;
use crate::engine::totals::Snapshot;
use codecarbon_core::{
    Component, ComponentProvenance, EmissionsData, Gigabytes, Intensity, KgCo2eqPerSecond, Percent,
    Provenance, Report, Watts, VERSION,
};

impl Run {
    /// What happened from `origin` to `end`.
    pub(super) fn report_between(&self, origin: &Snapshot, end: &Snapshot) -> Report {
        let (duration, delta) = end.since(origin);
        let (cpu, gpu, ram) = (
            delta.energy_of(Component::Cpu),
            delta.energy_of(Component::Gpu),
            delta.energy_of(Component::Ram),
        );
        let secs = duration.as_secs_f64();
        let of = |c: Component| {
            self.sources
                .iter()
                .filter(move |s| s.part.info.component == c)
        };
        let u = &delta.utilisation;
        let location = self.place.location();
        let intensity = self
            .place
            .intensity()
            .unwrap_or_else(Intensity::world_average);
        let energy = delta.total_energy().to_kwh();
        let mut data = EmissionsData::default();
        data.timestamp = self.clock.timestamp();
        data.project_name = self.config.project_name.clone();
        data.run_id = self.run_id.clone();
        data.experiment_id = self.config.experiment_id.clone();
        data.duration = duration;
        data.emissions = delta.emissions;
        data.emissions_rate = KgCo2eqPerSecond(if secs > 0.0 {
            delta.emissions.value() / secs
        } else {
            0.0
        });
        data.cpu_power = Watts::mean(cpu, duration);
        data.gpu_power = Watts::mean(gpu, duration);
        data.ram_power = Watts::mean(ram, duration);
        data.cpu_energy = cpu.to_kwh();
        data.gpu_energy = gpu.to_kwh();
        data.ram_energy = ram.to_kwh();
        data.energy_consumed = energy;
        data.water_consumed = energy * self.config.wue;
        data.on_cloud = location.on_cloud();
        data.country_name = location.country_name;
        data.country_iso_code = location.country_iso_code;
        data.region = location.region;
        data.cloud_provider = location.cloud_provider;
        data.cloud_region = location.cloud_region;
        data.os = self.os.clone();
        data.python_version = self.python_version.clone();
        data.codecarbon_version = VERSION.to_string();
        data.cpu_count = self.allocation.cpus;
        data.cpu_model = of(Component::Cpu).find_map(|s| s.part.info.model.clone());
        data.gpu_count = of(Component::Gpu).map(|s| s.part.info.count).sum();
        data.gpu_model = gpu_model(of(Component::Gpu).map(|s| &s.part.info));
        data.longitude = location.longitude;
        data.latitude = location.latitude;
        data.ram_total_size = self.allocation.memory;
        data.tracking_mode = self.config.tracking_mode;
        data.cpu_utilization_percent = Percent(u.mean(u.cpu_percent));
        data.gpu_utilization_percent = Percent(u.gpu_mean());
        data.ram_utilization_percent = Percent(u.mean(u.ram_percent));
        data.ram_used_gb = Gigabytes(u.mean(u.ram_used_gb));
        data.pue = self.config.pue;
        data.wue = self.config.wue;
        let provenance = Provenance::new(
            self.sources
                .iter()
                .map(|s| {
                    ComponentProvenance::new(
                        s.part.info.component,
                        s.part.info.method,
                        s.part.info.source.to_string(),
                    )
                    .with_machine_energy(s.machine_energy.map(|e| e.to_kwh()))
                })
                .collect(),
        )
        .with_intensity(intensity)
        .with_allocation(self.allocation.clone());
        Report::new(data, provenance)
    }
}
