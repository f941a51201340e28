//! Links that carry state in their query: filters and paging (they work without JavaScript and
//! survive a reload), and the way back to the current page.

/// `path?name=value&…` with each present value percent-encoded; absent ones are left out.
pub fn with_query(path: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let query: Vec<String> =
        pairs.iter().filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode_query_value(v)))).collect();
    format!("{path}?{}", query.join("&"))
}

/// The current page as `path?query`, to come back to (`pathname` and `search` of the location).
pub fn path_and_query(path: String, search: &str) -> String {
    if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    }
}

/// Percent-encodes a path for use as one query value.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("/?type=plasma&x=1"), "/%3Ftype%3Dplasma%26x%3D1");
    }

    #[test]
    fn absent_values_are_left_out() {
        let link = with_query("/staff/audit", &[("who", Some("a b")), ("kind", None), ("before", Some("7"))]);
        assert_eq!(link, "/staff/audit?who=a%20b&before=7");
    }
}
