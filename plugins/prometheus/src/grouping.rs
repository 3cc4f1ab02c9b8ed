//! The Pushgateway's grouping key as the path of its URL: `job/{job}/instance/{instance}`.
//!
//! The Pushgateway keeps one group of metrics per grouping key, and a `PUT` replaces the whole
//! group: the machines of one job (the nodes of a SLURM job, the pods of a DaemonSet) must each
//! push to a group of their own, hence the `instance` beside the `job`.
//!
//! A label value goes into the path as is when it is made of URL-safe characters only
//! (letters, digits, `-`, `_`, `.`, `~`: host names are). Any other value, including one with a
//! `/` (which would split the path) or an empty one (whose empty segment the Pushgateway's path
//! cleaning would drop), takes the Pushgateway's `@base64` form: the label name gets the suffix
//! `@base64` and the value is base64 with the URL-safe alphabet of RFC 4648, a single `=` for
//! an empty value (the Pushgateway's README, "URL" section).

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;

/// `job/{job}/instance/{instance}`, each value escaped as the Pushgateway requires; an empty
/// `instance` leaves it out (`job/{job}`, CodeCarbon's group, one for all the job's machines).
pub(crate) fn group_path(job: &str, instance: &str) -> String {
    let job = label_segment("job", job);
    if instance.is_empty() {
        job
    } else {
        format!("{job}/{}", label_segment("instance", instance))
    }
}

/// `{name}/{value}`, or `{name}@base64/{base64 of value}` when the value cannot go in a path as
/// is.
fn label_segment(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!("{name}@base64/=")
    } else if value.bytes().all(is_unreserved) {
        format!("{name}/{value}")
    } else {
        format!("{name}@base64/{}", URL_SAFE.encode(value))
    }
}

/// RFC 3986's unreserved characters: what a path segment carries without encoding.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// The value a Pushgateway reads back from a segment.
    fn decoded(segment: &str) -> (String, String) {
        let (name, value) = segment.split_once('/').unwrap();
        match name.strip_suffix("@base64") {
            Some(name) if value == "=" => (name.into(), String::new()),
            Some(name) => (
                name.into(),
                String::from_utf8(URL_SAFE.decode(value).unwrap()).unwrap(),
            ),
            None => (name.into(), value.into()),
        }
    }

    #[test]
    fn plain_names_go_as_they_are() {
        assert_eq!(
            group_path("proj_base", "node-07.cluster"),
            "job/proj_base/instance/node-07.cluster"
        );
    }

    #[test]
    fn no_instance_is_the_jobs_group_alone() {
        assert_eq!(group_path("proj_base", ""), "job/proj_base");
    }

    #[test]
    fn a_slash_or_an_empty_value_takes_the_base64_form() {
        assert_eq!(
            label_segment("instance", "rack/1"),
            "instance@base64/cmFjay8x"
        );
        assert_eq!(label_segment("instance", ""), "instance@base64/=");
        assert_eq!(
            group_path("j", "a/b"),
            format!("job/j/instance@base64/{}", URL_SAFE.encode("a/b"))
        );
    }

    #[test]
    fn every_value_comes_back_whole_in_one_segment() {
        for value in [
            "node-1",
            "",
            "rack 7/node-b",
            "a?b#c%d",
            "é",
            "ends with =",
            "~x.y_z",
            ">>>?", // its base64 has `+` and `/` in the standard alphabet
        ] {
            let segment = label_segment("instance", value);
            assert_eq!(segment.matches('/').count(), 1, "{segment}");
            assert!(
                segment
                    .bytes()
                    .all(|b| is_unreserved(b) || matches!(b, b'/' | b'@' | b'=')),
                "{segment}"
            );
            assert_eq!(decoded(&segment), ("instance".into(), value.into()));
        }
    }
}
