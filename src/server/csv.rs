//! CSV files for Excel: UTF-8 with a byte-order mark, `;` between fields as Excel expects in
//! a Russian locale, CRLF line ends; sent as a download that no cache keeps.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Tells Excel the file is UTF-8.
pub const BOM: &str = "\u{feff}";

/// One CSV field: quoted when it holds the separator, a quote or a line break. A leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so that Excel never runs a donor's text as a formula.
pub fn field(value: &str) -> String {
    let value = match value.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{value}"),
        _ => value.to_owned(),
    };
    if value.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// Appends one row.
pub fn push_row<S: AsRef<str>>(out: &mut String, values: &[S]) {
    out.push_str(&values.iter().map(|v| field(v.as_ref())).collect::<Vec<_>>().join(";"));
    out.push_str("\r\n");
}

/// The file as a download named `file_name` (ASCII).
pub fn attachment(file_name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("ул. Донорская, 1"), "ул. Донорская, 1");
        assert_eq!(field("a;b"), "\"a;b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn rows_end_in_crlf() {
        let mut out = String::new();
        push_row(&mut out, &["a", "b;c"]);
        assert_eq!(out, "a;\"b;c\"\r\n");
    }
}
