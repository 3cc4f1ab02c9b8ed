//! The OpenTelemetry side: a meter provider read on demand, and the three instruments.
//!
//! | instrument             | kind              | unit | attribute              | from                     |
//! |------------------------|-------------------|------|------------------------|--------------------------|
//! | `codecarbon.energy`    | counter (async)   | `J`  | `component` = cpu/gpu/ram | `*_energy` (kWh × 3.6e6) |
//! | `codecarbon.emissions` | counter (async)   | `kg` | —                      | `emissions`              |
//! | `codecarbon.power`     | gauge (async)     | `W`  | `component` = cpu/gpu/ram | `*_power`                |
//!
//! The record carries cumulative totals, so the counters are *observable* counters that report
//! those totals at each collection, exported with cumulative temporality.

use crate::resource::run_attributes;
use codecarbon_core::{Component, EmissionsData};
use opentelemetry::metrics::{Meter, MeterProvider, ObservableCounter, ObservableGauge};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{
    InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality,
};
use opentelemetry_sdk::Resource;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

/// Energy per component, joules.
pub const ENERGY: &str = "codecarbon.energy";
/// Emissions, kg CO2eq.
pub const EMISSIONS: &str = "codecarbon.emissions";
/// Mean power per component, watts.
pub const POWER: &str = "codecarbon.power";
/// The data-point attribute naming the component.
pub const COMPONENT: &str = "component";

/// The latest totals, read by the instruments' callbacks at collection.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Latest {
    energy_joules: [f64; 3],
    power_watts: [f64; 3],
    emissions_kg: f64,
}

impl Latest {
    fn from_data(d: &EmissionsData) -> Self {
        Self {
            energy_joules: [d.cpu_energy, d.gpu_energy, d.ram_energy]
                .map(|e| e.to_joules().value()),
            power_watts: [d.cpu_power, d.gpu_power, d.ram_power].map(|p| p.value()),
            emissions_kg: d.emissions.value(),
        }
    }
}

type Shared = Arc<Mutex<Latest>>;

fn read(shared: &Shared) -> Latest {
    *shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A [`ManualReader`] the provider and this crate can both hold.
#[derive(Debug, Clone)]
struct SharedReader(Arc<ManualReader>);

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline)
    }
    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// One run's metrics: the provider (resource = the run), its instruments and reader.
pub(crate) struct RunMetrics {
    provider: SdkMeterProvider,
    reader: SharedReader,
    latest: Shared,
    run_id: String,
    _energy: ObservableCounter<f64>,
    _emissions: ObservableCounter<f64>,
    _power: ObservableGauge<f64>,
}

impl RunMetrics {
    /// A provider whose resource is the `service`'s attributes (service, host, deployment)
    /// and the run's ([`run_attributes`]), these last.
    pub(crate) fn new(data: &EmissionsData, service: &[(String, String)]) -> Self {
        let service = service
            .iter()
            .map(|(key, value)| KeyValue::new(key.clone(), value.clone()));
        let run = run_attributes(data)
            .into_iter()
            .map(|(key, value)| KeyValue::new(key, value));
        // A later attribute of the same key wins.
        let resource = Resource::builder_empty()
            .with_attributes(service.chain(run))
            .build();
        let reader = SharedReader(Arc::new(
            ManualReader::builder()
                .with_temporality(Temporality::Cumulative)
                .build(),
        ));
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.clone())
            .build();
        let meter = provider.meter_with_scope(
            InstrumentationScope::builder("codecarbon")
                .with_version(codecarbon_core::VERSION)
                .build(),
        );
        let latest = Shared::default();
        RunMetrics {
            _energy: energy(&meter, &latest),
            _emissions: emissions(&meter, &latest),
            _power: power(&meter, &latest),
            provider,
            reader,
            latest,
            run_id: data.run_id.clone(),
        }
    }

    /// The run this provider describes.
    pub(crate) fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Stores the totals and collects them, ready to export.
    pub(crate) fn collect(&self, data: &EmissionsData) -> Result<ResourceMetrics, OTelSdkError> {
        *self.latest.lock().unwrap_or_else(PoisonError::into_inner) = Latest::from_data(data);
        let mut rm = ResourceMetrics::default();
        self.reader.collect(&mut rm)?;
        Ok(rm)
    }

    /// Releases the provider (no export: the caller exported the last collection).
    pub(crate) fn shutdown(&self) {
        let _ = self.provider.shutdown();
    }
}

fn component_attrs() -> [[KeyValue; 1]; 3] {
    Component::ALL.map(|c| [KeyValue::new(COMPONENT, c.name())])
}

fn energy(meter: &Meter, latest: &Shared) -> ObservableCounter<f64> {
    let latest = latest.clone();
    let attrs = component_attrs();
    meter
        .f64_observable_counter(ENERGY)
        .with_unit("J")
        .with_description("Energy used since the run started, per component, PUE included")
        .with_callback(move |o| {
            let now = read(&latest);
            for (value, attrs) in now.energy_joules.iter().zip(&attrs) {
                o.observe(*value, attrs);
            }
        })
        .build()
}

fn emissions(meter: &Meter, latest: &Shared) -> ObservableCounter<f64> {
    let latest = latest.clone();
    meter
        .f64_observable_counter(EMISSIONS)
        .with_unit("kg")
        .with_description("Emissions since the run started, kg CO2eq")
        .with_callback(move |o| o.observe(read(&latest).emissions_kg, &[]))
        .build()
}

fn power(meter: &Meter, latest: &Shared) -> ObservableGauge<f64> {
    let latest = latest.clone();
    let attrs = component_attrs();
    meter
        .f64_observable_gauge(POWER)
        .with_unit("W")
        .with_description("Mean power since the run started, per component, PUE included")
        .with_callback(move |o| {
            let now = read(&latest);
            for (value, attrs) in now.power_watts.iter().zip(&attrs) {
                o.observe(*value, attrs);
            }
        })
        .build()
}
