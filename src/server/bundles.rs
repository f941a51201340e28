//! The file names scripts/build gave the three clients (`ui::bundle::Bundle::code`):
//! `pkg/bundles` holds one `code=name` line each, the name carrying the content hash. Read once,
//! at the first page.

use leptos::config::LeptosOptions;
use std::collections::HashMap;
use std::sync::OnceLock;

static NAMES: OnceLock<HashMap<String, String>> = OnceLock::new();

pub fn file_name(options: &LeptosOptions, code: &str) -> Option<&'static str> {
    let names = NAMES.get_or_init(|| {
        let path = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref()).join("bundles");
        std::fs::read_to_string(path).map(|text| parse(&text)).unwrap_or_default()
    });
    names.get(code).map(String::as_str)
}

fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| line.trim().split_once('='))
        // A name is one file name in pkg/, nothing that could point elsewhere.
        .filter(|(_, name)| !name.is_empty() && !name.contains(['/', '\\', '"', '<']))
        .map(|(code, name)| (code.to_owned(), name.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_read_per_bundle_and_paths_refused() {
        let names = super::parse("public=donor-booking-public.ab12\nstaff=../x\ndonor=donor-booking-donor.cd34\n");
        assert_eq!(names["public"], "donor-booking-public.ab12");
        assert_eq!(names["donor"], "donor-booking-donor.cd34");
        assert!(!names.contains_key("staff"));
    }
}
