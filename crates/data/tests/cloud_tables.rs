#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The embedded region tables: format, content and plausibility.

use codecarbon_data::cloud::{
    cleanest, parse_table, regions, CloudRegion, PROVIDERS, TABLE_HEADER,
};

use codecarbon_data::files::{AWS_REGIONS as AWS, AZURE_REGIONS as AZURE};

fn check(provider: &str, text: &str, at_least: usize) -> Vec<CloudRegion> {
    let first = text.lines().next().unwrap();
    assert_eq!(first, TABLE_HEADER.join(","), "{provider}");
    assert!(
        text.ends_with('\n') && !text.ends_with("\n\n"),
        "{provider}"
    );
    let rows = parse_table(provider, "test", text).unwrap();
    assert!(rows.len() >= at_least, "{provider}: {} rows", rows.len());
    for pair in rows.windows(2) {
        assert!(
            pair[0].region < pair[1].region,
            "{provider}: not sorted or repeated at {}",
            pair[1].region
        );
    }
    for row in &rows {
        let country = codecarbon_data::country(&row.country_iso_code)
            .unwrap_or_else(|e| panic!("{provider} {}: {e}", row.region));
        assert_eq!(
            country.alpha_3, row.country_iso_code,
            "{provider} {}",
            row.region
        );
        assert!(
            row.intensity.0 > 0.0 && row.intensity.0 < 2000.0,
            "{provider} {}: {}",
            row.region,
            row.intensity.0
        );
        assert!(!row.location.is_empty());
        assert_eq!(row.region, row.region.to_ascii_lowercase());
    }
    // At most three decimals, as the format says.
    for line in text.lines().skip(1) {
        let value = line.rsplit(',').next().unwrap();
        let decimals = value.split_once('.').map_or(0, |(_, d)| d.len());
        assert!(decimals <= 3, "{provider}: {line}");
    }
    rows
}

#[test]
fn aws_table() {
    let rows = check("aws", AWS, 25);
    let paris = rows.iter().find(|r| r.region == "eu-west-3").unwrap();
    assert_eq!(paris.location, "Europe (Paris)");
    assert_eq!(paris.country_iso_code, "FRA");
    assert_eq!(paris.intensity.0, 51.1);
    assert_eq!(
        rows,
        regions("aws")
            .into_iter()
            .map(|r| CloudRegion {
                source: "test".into(),
                ..r
            })
            .collect::<Vec<_>>()
    );
}

#[test]
fn azure_table() {
    let rows = check("azure", AZURE, 40);
    let west = rows.iter().find(|r| r.region == "westeurope").unwrap();
    assert_eq!(west.location, "West Europe");
    assert_eq!(west.country_iso_code, "NLD");
    assert_eq!(west.intensity.0, 328.4);
}

#[test]
fn every_provider_has_regions_and_a_cleanest_one() {
    for provider in PROVIDERS {
        let all = regions(provider);
        assert!(!all.is_empty(), "{provider}");
        assert!(all.iter().all(|r| r.provider == *provider));
        let best = cleanest(provider).unwrap();
        assert!(all.iter().all(|r| r.intensity.0 >= best.intensity.0));
    }
    assert_eq!(cleanest("aws").unwrap().region, "eu-north-1");
    assert_eq!(cleanest("azure").unwrap().region, "swedencentral");
    assert_eq!(regions("GCP").len(), 40);
    assert_eq!(cleanest("nowhere"), None);
}
