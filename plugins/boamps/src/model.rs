//! The BoAmps report: its objects and fields, as Boavizta's JSON schemas name them
//! (<https://github.com/Boavizta/BoAmps/tree/main/model>), and as CodeCarbon's `boamps` models
//! declare them.
//!
//! Every field is optional here, as in CodeCarbon: the report takes some from the run and the
//! rest from the user's `metadata`, and a missing one is left out of the JSON (never `null`).
//! The same types read the user's sections, which may hold only the fields BoAmps knows: a
//! misspelt one is an error, as in CodeCarbon. Numbers the user may give are kept as written
//! (`8` stays `8`, not `8.0`). The words of the schema's enumerations (`reportStatus`,
//! `quality`, ...) are passed through as given.

use serde::{Deserialize, Serialize};
use serde_json::Number;

/// A BoAmps object that the run and the user both fill.
pub(crate) trait Overlay {
    /// These fields, each replaced by the user's where they gave it.
    fn overlaid(self, user: Self) -> Self;
}

/// Declares a BoAmps object whose fields are all optional; with `overlaid;` first, also its
/// [`Overlay`].
macro_rules! boamps_object {
    (overlaid; $($object:tt)*) => {
        boamps_object!($($object)*);
        boamps_object!(@overlaid $($object)*);
    };
    (
        @overlaid
        $(#[$meta:meta])*
        pub(crate) struct $name:ident {
            $($(#[$field_meta:meta])* pub(crate) $field:ident: $ty:ty,)*
        }
    ) => {
        impl Overlay for $name {
            fn overlaid(self, user: $name) -> $name {
                $name { $($field: user.$field.or(self.$field),)* }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub(crate) struct $name:ident {
            $($(#[$field_meta:meta])* pub(crate) $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub(crate) struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub(crate) $field: Option<$ty>,
            )*
        }
    };
}

/// The whole report, in the schema's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) header: Option<Header>,
    /// The user's only: the schema requires it, the run cannot tell it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) task: Option<Task>,
    /// The run's only: one measure.
    pub(crate) measures: Vec<Measure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) system: Option<System>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) software: Option<Software>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) infrastructure: Option<Infrastructure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) environment: Option<Environment>,
    /// `high`, `medium` or `low`: the user's judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) quality: Option<String>,
}

boamps_object! {
    overlaid;
    /// Who publishes the report, and the report's identity.
    pub(crate) struct Header {
        pub(crate) licensing: String,
        pub(crate) format_version: String,
        pub(crate) format_version_specification_uri: String,
        pub(crate) report_id: String,
        /// `YYYY-MM-DD HH:MM:SS`.
        pub(crate) report_datetime: String,
        pub(crate) report_status: String,
        pub(crate) publisher: Publisher,
    }
}

boamps_object! {
    /// The organisation that publishes the report.
    pub(crate) struct Publisher {
        pub(crate) name: String,
        pub(crate) division: String,
        pub(crate) project_name: String,
        pub(crate) confidentiality_level: String,
        pub(crate) public_key: String,
    }
}

boamps_object! {
    /// What the measured work was: the user's.
    pub(crate) struct Task {
        pub(crate) task_stage: String,
        pub(crate) task_family: String,
        pub(crate) nb_request: Number,
        pub(crate) algorithms: Vec<Algorithm>,
        pub(crate) dataset: Vec<Dataset>,
        pub(crate) measured_accuracy: Number,
        pub(crate) estimated_accuracy: String,
        pub(crate) task_description: String,
    }
}

boamps_object! {
    /// One algorithm of the task.
    pub(crate) struct Algorithm {
        pub(crate) training_type: String,
        pub(crate) algorithm_type: String,
        pub(crate) algorithm_name: String,
        pub(crate) algorithm_uri: String,
        pub(crate) foundation_model_name: String,
        pub(crate) foundation_model_uri: String,
        pub(crate) parameters_number: Number,
        pub(crate) framework: String,
        pub(crate) framework_version: String,
        pub(crate) class_path: String,
        pub(crate) layers_number: Number,
        pub(crate) epochs_number: Number,
        pub(crate) optimizer: String,
        pub(crate) quantization: String,
    }
}

boamps_object! {
    /// One dataset the task reads or writes.
    pub(crate) struct Dataset {
        pub(crate) data_usage: String,
        pub(crate) data_type: String,
        pub(crate) data_format: String,
        pub(crate) data_size: Number,
        pub(crate) data_quantity: Number,
        pub(crate) shape: String,
        pub(crate) source: String,
        pub(crate) source_uri: String,
        pub(crate) owner: String,
    }
}

/// The run's measure. Not the user's to give: it is what the run measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Measure {
    pub(crate) measurement_method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cpu_tracking_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gpu_tracking_mode: Option<String>,
    /// From 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) average_utilization_cpu: Option<f64>,
    /// From 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) average_utilization_gpu: Option<f64>,
    /// The energy, in kWh despite its name.
    pub(crate) power_consumption: f64,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) measurement_duration: Option<f64>,
    /// When the measure began, `YYYY-MM-DD HH:MM:SS`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) measurement_date_time: Option<String>,
}

boamps_object! {
    overlaid;
    /// The operating system.
    pub(crate) struct System {
        pub(crate) os: String,
        pub(crate) distribution: String,
        pub(crate) distribution_version: String,
    }
}

boamps_object! {
    overlaid;
    /// The programming language of the measured work.
    pub(crate) struct Software {
        pub(crate) language: String,
        pub(crate) version: String,
    }
}

boamps_object! {
    overlaid;
    /// Where the work ran. The user's `components` are merged with the run's by type
    /// (see `mapper::merge_components`), not put in their place.
    pub(crate) struct Infrastructure {
        /// `publicCloud`, `privateCloud`, `onPremise` or `other`.
        pub(crate) infra_type: String,
        pub(crate) cloud_provider: String,
        pub(crate) cloud_instance: String,
        pub(crate) cloud_service: String,
        pub(crate) components: Vec<Hardware>,
    }
}

boamps_object! {
    overlaid;
    /// One kind of hardware: `cpu`, `gpu`, `ram`, ...
    pub(crate) struct Hardware {
        pub(crate) component_name: String,
        pub(crate) component_type: String,
        /// How many of them (an integer).
        pub(crate) nb_component: u64,
        /// Gigabytes, of one of them.
        pub(crate) memory_size: Number,
        pub(crate) manufacturer: String,
        pub(crate) family: String,
        pub(crate) series: String,
        /// The part of it the work had, from 0 to 1.
        pub(crate) share: Number,
    }
}

boamps_object! {
    overlaid;
    /// Where the electricity came from.
    pub(crate) struct Environment {
        pub(crate) country: String,
        pub(crate) latitude: Number,
        pub(crate) longitude: Number,
        pub(crate) location: String,
        pub(crate) power_supplier_type: String,
        pub(crate) power_source: String,
        /// g CO2eq/kWh.
        pub(crate) power_source_carbon_intensity: Number,
    }
}

/// `value` as a JSON number; `None` for NaN or an infinity, which JSON cannot hold.
pub(crate) fn number(value: f64) -> Option<Number> {
    Number::from_f64(value)
}
