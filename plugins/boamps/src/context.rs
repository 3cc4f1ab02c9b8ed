//! What the user tells the report that the run cannot know: CodeCarbon's `metadata`.
//!
//! `metadata` is a JSON object, in a file or written out in the setting itself. Its `boamps`
//! member is the report's context; without one, the whole object is (CodeCarbon reads it both
//! ways). The context has the report's own sections, in the schema's camelCase: `header`,
//! `task`, `quality`, `system`, `software`, `infrastructure` and `environment`. A misspelt
//! field inside a section is an error, as in CodeCarbon; a top-level member that is no section
//! (`measures`, another output's) is left out, with a warning.

use crate::error::BoampsError;
use crate::model::{Environment, Header, Infrastructure, Software, System, Task};
use codecarbon_core::output::read_regular;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// The largest `metadata` file read: a context is a few kilobytes, and the report that holds
/// it must fit in a checkpoint ([`codecarbon_core::output::MAX_CHECKPOINT_BYTES`]).
pub(crate) const MAX_METADATA_BYTES: u64 = 256 * 1024;

/// The key of the report's context in a `metadata` object shared with other outputs.
const BOAMPS_KEY: &str = "boamps";

/// The report's context. The user's fields win over the run's, section by section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub(crate) struct Context {
    pub(crate) header: Option<Header>,
    pub(crate) task: Option<Task>,
    pub(crate) quality: Option<String>,
    pub(crate) system: Option<System>,
    pub(crate) software: Option<Software>,
    pub(crate) infrastructure: Option<Infrastructure>,
    pub(crate) environment: Option<Environment>,
    /// Top-level members that are no section of ours, left out.
    #[serde(flatten)]
    pub(crate) ignored: BTreeMap<String, IgnoredAny>,
}

impl Context {
    /// The context that `metadata` holds: inline JSON when it starts with `{`, else the path of
    /// a JSON file; none when unset.
    pub(crate) fn from_setting(metadata: Option<&str>) -> Result<Context, BoampsError> {
        let Some(metadata) = metadata.map(str::trim).filter(|m| !m.is_empty()) else {
            return Ok(Context::default());
        };
        if metadata.starts_with('{') {
            return Context::from_json(metadata.as_bytes(), "inline JSON");
        }
        let path = Path::new(metadata);
        let bytes = read_regular(path, MAX_METADATA_BYTES)
            .map_err(|source| BoampsError::MetadataFile { source })?;
        Context::from_json(&bytes, &path.display().to_string())
    }

    /// The context in the JSON object `bytes`; `origin` names it in errors.
    fn from_json(bytes: &[u8], origin: &str) -> Result<Context, BoampsError> {
        let invalid = |reason: String| BoampsError::Metadata {
            origin: origin.to_owned(),
            reason,
        };
        let mut object: Map<String, Value> = serde_json::from_slice(bytes)
            .map_err(|e| invalid(format!("not a JSON object: {e}")))?;
        let context = match object.remove(BOAMPS_KEY) {
            Some(Value::Object(section)) => section,
            Some(_) => return Err(invalid(format!("`{BOAMPS_KEY}` is not an object"))),
            None => object,
        };
        serde_json::from_value(Value::Object(context)).map_err(|e| invalid(e.to_string()))
    }

    /// What to tell the user about their context, if anything.
    pub(crate) fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if !self.ignored.is_empty() {
            let names: Vec<String> = self.ignored.keys().map(|k| format!("`{k}`")).collect();
            warnings.push(format!(
                "`metadata` has {} beside the report's sections (header, task, quality, system, software, infrastructure, environment): left out of the BoAmps report, whose measures are the run's",
                names.join(", ")
            ));
        }
        if self.task.is_none() {
            warnings.push(
                "`metadata` gives no `task` (taskStage, taskFamily, algorithms, dataset), which the BoAmps schema requires: the report is written without it and will not validate; set `metadata` to a JSON file with a `task` section".into(),
            );
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::fs;

    const TASK: &str = r#"{"taskStage":"training","taskFamily":"image classification","algorithms":[{"algorithmName":"cnn","parametersNumber":8}],"dataset":[{"dataUsage":"input","dataType":"image"}]}"#;

    #[test]
    fn unset_or_blank_is_no_context_and_warns_of_the_missing_task() {
        for setting in [None, Some(""), Some("  ")] {
            let context = Context::from_setting(setting).unwrap();
            assert_eq!(context, Context::default());
            let warnings = context.warnings();
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(warnings[0].contains("no `task`"), "{warnings:?}");
        }
    }

    #[test]
    fn the_boamps_member_is_the_context_else_the_whole_object() {
        let shared =
            format!(r#"{{"boamps":{{"task":{TASK},"quality":"high"}},"comet":{{"x":1}}}}"#);
        let whole = format!(r#"{{"task":{TASK},"quality":"high"}}"#);
        for text in [shared, whole] {
            let context = Context::from_setting(Some(&text)).unwrap();
            assert_eq!(context.quality.as_deref(), Some("high"));
            let task = context.task.as_ref().unwrap();
            assert_eq!(task.task_stage.as_deref(), Some("training"));
            assert!(context.ignored.is_empty(), "{:?}", context.ignored);
            assert_eq!(context.warnings(), Vec::<String>::new());
        }
    }

    #[test]
    fn numbers_stay_as_written() {
        let context = Context::from_setting(Some(&format!(r#"{{"task":{TASK}}}"#))).unwrap();
        let algorithm = &context.task.unwrap().algorithms.unwrap()[0];
        let written = serde_json::to_string(algorithm).unwrap();
        assert_eq!(written, r#"{"algorithmName":"cnn","parametersNumber":8}"#);
    }

    #[test]
    fn a_file_is_read_by_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("metadata.json");
        fs::write(&path, format!("{{\n  \"task\": {TASK}\n}}\n")).unwrap();
        let context = Context::from_setting(Some(path.to_str().unwrap())).unwrap();
        assert!(context.task.is_some());

        let missing = dir.path().join("missing.json");
        let err = Context::from_setting(Some(missing.to_str().unwrap())).unwrap_err();
        assert!(matches!(err, BoampsError::MetadataFile { .. }), "{err:?}");
        assert!(err.to_string().contains("missing.json"), "{err}");
    }

    #[test]
    fn members_beside_the_sections_are_left_out_with_a_warning() {
        let text = format!(r#"{{"task":{TASK},"measures":[],"owner":"me"}}"#);
        let context = Context::from_setting(Some(&text)).unwrap();
        assert_eq!(
            context.ignored.keys().collect::<Vec<_>>(),
            ["measures", "owner"]
        );
        let warnings = context.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`measures`, `owner`"), "{warnings:?}");
    }

    #[test]
    fn a_misspelt_field_or_a_wrong_type_is_an_error_naming_it() {
        for (text, says) in [
            (r#"{"task":{"taskStag":"x"}}"#, "unknown field `taskStag`"),
            (
                r#"{"header":{"publisher":{"nme":"x"}}}"#,
                "unknown field `nme`",
            ),
            (
                r#"{"infrastructure":{"components":[{"componentType":"cpu","nbComponent":1.5}]}}"#,
                "1.5",
            ),
            (r#"{"quality":3}"#, "invalid type"),
            (r#"{"boamps":[1]}"#, "`boamps` is not an object"),
            (r#"{"task":"#, "not a JSON object"),
            ("[1]", "not a JSON object"),
        ] {
            let err = Context::from_setting(Some(text));
            let err = match (text.starts_with('{'), err) {
                (true, Err(e)) => e,
                // `[1]` is no inline object: it is read as a file name.
                (false, Err(e)) => {
                    assert!(matches!(e, BoampsError::MetadataFile { .. }), "{e:?}");
                    continue;
                }
                (_, Ok(c)) => panic!("{text} was accepted: {c:?}"),
            };
            let message = err.to_string();
            assert!(message.contains(says), "{text}: {message}");
            assert!(message.contains("`metadata`"), "{message}");
        }
    }
}
