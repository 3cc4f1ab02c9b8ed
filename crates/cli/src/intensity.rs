//! `codecarbon intensity`: the carbon intensity of a place, with its source and year.

use crate::console::{stdout_failed, stdout_line};
use clap::{ArgGroup, Args};
use codecarbon::core::stderr_line;
use codecarbon::iso::{list, lookup, Answer, Query};
use serde_json::{json, Value};

/// What to look up.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("place").required(true).args(["country_iso_code", "cloud_provider", "list"])))]
pub struct IntensityArgs {
    /// ISO 3166 alpha-3 (or alpha-2) code, e.g. CAN.
    #[arg(long, value_name = "CODE")]
    country_iso_code: Option<String>,
    /// A region: US state, Canadian or Chinese province, Nordic zone (name or code).
    #[arg(long, requires = "country_iso_code")]
    region: Option<String>,
    /// A cloud provider, e.g. gcp.
    #[arg(
        long,
        value_name = "PROVIDER",
        requires = "cloud_region",
        conflicts_with = "country_iso_code"
    )]
    cloud_provider: Option<String>,
    /// The provider's region, e.g. us-central1.
    #[arg(long, value_name = "REGION", requires = "cloud_provider")]
    cloud_region: Option<String>,
    /// List every country and region with its value.
    #[arg(long, conflicts_with_all = ["country_iso_code", "cloud_provider"])]
    list: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn to_json(a: &Answer) -> Value {
    json!({
        "carbon_intensity_g_per_kwh": a.carbon_intensity.value(),
        "source": a.source,
        "year": a.year,
        "country_iso_code": a.country_iso_code,
        "country_name": a.country_name,
        "region": a.region,
        "cloud_provider": a.cloud_provider,
        "cloud_region": a.cloud_region,
        "world_average_fallback": a.world_average_fallback,
    })
}

fn to_text(a: &Answer) -> String {
    let place = match (&a.cloud_region, &a.region) {
        (Some(cloud), _) => format!(
            "{} {cloud} ({}, {})",
            a.cloud_provider.as_deref().unwrap_or_default(),
            a.country_name,
            a.country_iso_code
        ),
        (None, Some(region)) => format!("{region}, {} ({})", a.country_name, a.country_iso_code),
        (None, None) => format!("{} ({})", a.country_name, a.country_iso_code),
    };
    let year = a.year.map(|y| format!(", {y}")).unwrap_or_default();
    format!(
        "{:>10.3} g CO2eq/kWh  {place}  [{}{year}]",
        a.carbon_intensity.value(),
        a.source
    )
}

/// A region of the `cloud` plugin's tables (AWS, Azure), as an answer.
fn cloud_answer(r: codecarbon::cloud::CloudRegion) -> Answer {
    let country_name = codecarbon::iso::country(&r.country_iso_code)
        .map(|c| c.name)
        .unwrap_or_default();
    Answer {
        carbon_intensity: r.intensity,
        source: r.source,
        year: None,
        country_iso_code: r.country_iso_code,
        country_name,
        region: None,
        cloud_provider: Some(r.provider),
        cloud_region: Some(r.region),
        world_average_fallback: false,
        basis: codecarbon::core::IntensityBasis::CloudRegion,
    }
}

/// AWS and Azure regions are in the `cloud` plugin's tables, not CodeCarbon's.
fn table_provider(provider: &str) -> bool {
    matches!(
        provider.trim().to_ascii_lowercase().as_str(),
        "aws" | "azure"
    )
}

/// Prints the answer, or every place with `--list`.
pub fn intensity(args: &IntensityArgs) -> u8 {
    let answers = if args.list {
        list().map(|mut all| {
            for provider in ["aws", "azure"] {
                all.extend(
                    codecarbon::cloud::regions(provider)
                        .into_iter()
                        .map(cloud_answer),
                );
            }
            all
        })
    } else if let (Some(p), Some(r)) = (&args.cloud_provider, &args.cloud_region) {
        if table_provider(p) {
            match codecarbon::cloud::known_region(p, r) {
                Ok(found) => Ok(vec![cloud_answer(found)]),
                Err(e) => {
                    stderr_line!("codecarbon: error: {e}");
                    let usage = matches!(e, codecarbon::cloud::TableError::UnknownRegion { .. });
                    return if usage { 2 } else { 1 };
                }
            }
        } else {
            lookup(&Query::cloud(p.clone(), r.clone())).map(|a| vec![a])
        }
    } else {
        let query = match (
            &args.cloud_provider,
            &args.cloud_region,
            &args.country_iso_code,
        ) {
            (Some(p), Some(r), _) => Query::cloud(p.clone(), r.clone()),
            (_, _, Some(c)) => Query::Country {
                country_iso_code: c.clone(),
                region: args.region.clone(),
            },
            _ => {
                stderr_line!(
                    "codecarbon: error: give --country-iso-code, --cloud-provider with \
                     --cloud-region, or --list"
                );
                return 2;
            }
        };
        lookup(&query).map(|a| vec![a])
    };
    let answers = match answers {
        Ok(answers) => answers,
        Err(e @ codecarbon::iso::LookupError::Data(_)) => {
            stderr_line!("codecarbon: error: {e}");
            return 1;
        }
        Err(e) => {
            stderr_line!("codecarbon: error: {e}");
            return 2;
        }
    };
    for a in answers.iter().filter(|a| a.world_average_fallback) {
        stderr_line!(
            "codecarbon: warning: no data for {}: this is the world average",
            a.country_iso_code
        );
    }
    let shown = match (args.json, args.list) {
        (true, true) => format!("{:#}", Value::Array(answers.iter().map(to_json).collect())),
        (true, false) => lines(answers.iter().map(|a| format!("{:#}", to_json(a)))),
        (false, _) => lines(answers.iter().map(to_text)),
    };
    match stdout_line(&shown) {
        Ok(()) => 0,
        Err(e) => stdout_failed(&e),
    }
}

/// The items, one a line.
fn lines(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join("\n")
}
