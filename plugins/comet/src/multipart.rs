//! A `multipart/form-data` body with one file, as Comet's `upload-asset` endpoint takes it.
//!
//! Comet's SDK sends the file in a form field named `file`; one field is all this sink needs,
//! so the body is written here rather than pulling in a multipart encoder.

/// A one-file form: its `Content-Type` header and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    /// `multipart/form-data; boundary=...`.
    pub(crate) content_type: String,
    /// The encoded body.
    pub(crate) body: Vec<u8>,
}

/// A form whose field `field` holds `content` as file `file_name` of type `mime`.
///
/// The boundary is random, and checked against the content so it cannot occur in it.
pub(crate) fn file_form(field: &str, file_name: &str, mime: &str, content: &[u8]) -> Form {
    let mut boundary = new_boundary();
    while contains(content, boundary.as_bytes()) {
        boundary = new_boundary();
    }
    let mut body = Vec::with_capacity(content.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n",
            quoted(field),
            quoted(file_name)
        )
        .as_bytes(),
    );
    body.extend_from_slice(format!("Content-Type: {mime}\r\n\r\n").as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Form {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        body,
    }
}

fn new_boundary() -> String {
    format!("codecarbon-{}", uuid::Uuid::new_v4().simple())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A name safe inside a quoted header parameter.
fn quoted(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' { '\'' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn one_file_field_between_boundaries() {
        let form = file_form("file", "emissions.csv", "text/csv", b"a,b\n1,2\n");
        let boundary = form
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8(form.body).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"emissions.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\
                 \r\n--{boundary}--\r\n"
            )
        );
    }

    #[test]
    fn names_cannot_break_the_header() {
        assert_eq!(quoted("a\"b\r\nc"), "a'bc");
    }
}
