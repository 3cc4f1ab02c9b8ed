//! `codecarbon test-api`: whether the `api` output's settings (`api_endpoint`, `api_key`,
//! `experiment_id`, from the config files, `CODECARBON_*` and the flags) work, before a run
//! depends on them. The key is never printed.

use crate::args::TrackerArgs;
use crate::console::{stdout_failed, stdout_line};
use codecarbon::core::stderr_line;
use codecarbon::http::{check_api, ApiCheck};

/// Asks the API for the configured experiment and says what it answered: 0 when it knows the
/// experiment, 1 when the server or the key fails, 2 when the settings cannot work.
pub fn test_api(args: &TrackerArgs) -> u8 {
    let builder = args.builder(&[]);
    args.console(&builder);
    let config = match builder.resolve() {
        Ok(resolved) => resolved.config,
        Err(e) => return crate::fail(&e.into()),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            stderr_line!("codecarbon: error: cannot start the HTTP client: {e}");
            return 1;
        }
    };
    match runtime.block_on(check_api(&config)) {
        Ok(check) => match stdout_line(&success(&check, &config.experiment_id)) {
            Ok(()) => 0,
            Err(e) => stdout_failed(&e),
        },
        Err(e) => {
            stderr_line!("codecarbon: error: {e}");
            if e.is_setting() {
                2
            } else {
                1
            }
        }
    }
}

fn success(check: &ApiCheck, experiment_id: &str) -> String {
    let experiment = match &check.experiment_name {
        Some(name) => format!("experiment {} ({name})", experiment_id.trim()),
        None => format!("experiment {}", experiment_id.trim()),
    };
    let key = if check.authenticated {
        "accepts the key"
    } else {
        "answers without a key (none is set; the `api` output sends runs with `api_key`)"
    };
    format!(
        "The CodeCarbon API at {} {key}: {experiment} is there.",
        check.url
    )
}
