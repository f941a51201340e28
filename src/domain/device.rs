//! "Which device is this session?" from its User-Agent header: a browser and a system a person
//! recognises ("Firefox, Android"), never the raw header (it is long and says little to them).

use super::Locale;

/// Browsers in the order their tokens must be tested: Edge, Opera and Yandex also say
/// "Chrome", and Chrome also says "Safari".
const BROWSERS: &[(&str, &str)] = &[
    ("YaBrowser", "Яндекс Браузер"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
];

/// Systems, likewise: Android says "Linux", iPhones say "Mac OS X".
const SYSTEMS: &[(&str, &str)] = &[
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
];

fn first_match(user_agent: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
    table.iter().find(|(token, _)| user_agent.contains(token)).map(|(_, name)| *name)
}

/// "Firefox, Android"; what is known of it; or «Неизвестное устройство».
pub fn describe(user_agent: Option<&str>, locale: Locale) -> String {
    let ua = user_agent.unwrap_or_default();
    let browser = first_match(ua, BROWSERS).map(|b| match (b, locale) {
        ("Яндекс Браузер", Locale::En) => "Yandex Browser",
        (b, _) => b,
    });
    match (browser, first_match(ua, SYSTEMS)) {
        (Some(b), Some(s)) => format!("{b}, {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => match locale {
            Locale::Ru => "Неизвестное устройство".to_owned(),
            Locale::En => "Unknown device".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_are_named_with_their_system() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome, Android"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari, iPhone"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge, Windows"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Linux"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36", "Яндекс Браузер, Windows"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari, macOS"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe(Some(ua), Locale::Ru), expected, "{ua}");
        }
    }

    #[test]
    fn an_unknown_or_missing_header_says_so() {
        assert_eq!(describe(None, Locale::Ru), "Неизвестное устройство");
        assert_eq!(describe(Some("curl/8.5.0"), Locale::En), "Unknown device");
    }
}
