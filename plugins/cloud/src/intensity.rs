//! The `cloud_region` intensity provider: the figure for the cloud region the machine runs in.

use codecarbon_core::{
    async_trait, Intensity, IntensityBasis, IntensityError, IntensityProvider, Location,
};
use codecarbon_data::cloud as table;
use std::time::SystemTime;

/// The carbon intensity of a cloud region (AWS and Azure from Cloud Carbon Footprint, GCP from
/// CodeCarbon's Google data). `Ok(None)` off the cloud, or for a provider or region without
/// data, so the engine's chain moves on to the country's figure.
#[derive(Debug, Clone, Copy, Default)]
pub struct CloudRegionIntensity;

impl CloudRegionIntensity {
    /// The intensity for a location, without the async wrapper.
    pub fn intensity_for(&self, at: &Location) -> Result<Option<Intensity>, IntensityError> {
        let (Some(provider), Some(region)) = (&at.cloud_provider, &at.cloud_region) else {
            return Ok(None);
        };
        let row = table::region(provider, region)
            .map_err(|e| IntensityError::Unavailable(e.to_string()))?;
        Ok(row.map(|row| Intensity::new(row.intensity, row.source, IntensityBasis::CloudRegion)))
    }
}

#[async_trait]
impl IntensityProvider for CloudRegionIntensity {
    async fn intensity(
        &self,
        at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        self.intensity_for(at)
    }

    /// Embedded tables: a place's answer never changes during a run.
    fn is_static(&self) -> bool {
        true
    }
}
