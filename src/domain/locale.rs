use serde::{Deserialize, Serialize};

/// The cookie the language switch sets.
pub const LOCALE_COOKIE: &str = "lang";

/// The UI language. Russian is the default; English the second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Ru,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ru, Locale::En];

    /// The BCP 47 tag, used in `<html lang>`, the cookie and e-mails.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ru => "ru",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ru" => Some(Locale::Ru),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language for a first visit, from an `Accept-Language` header. Russian whenever the
    /// browser lists it at all (many Russian speakers run English-language browsers), English
    /// when only English of the supported languages is listed.
    /// The language of a request: the switch's cookie (in any of the `Cookie` headers), else
    /// Accept-Language, else Russian.
    pub fn negotiate<'a>(cookie_headers: impl IntoIterator<Item = &'a str>, accept_language: Option<&str>) -> Locale {
        cookie_headers
            .into_iter()
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LOCALE_COOKIE)
            .and_then(|(_, value)| Locale::from_code(value))
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }

    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let listed = Self::ranked_accept_language(header);
        if listed.contains(&Locale::Ru) {
            Some(Locale::Ru)
        } else {
            listed.first().copied()
        }
    }

    /// Supported languages of an `Accept-Language` header, best quality first.
    fn ranked_accept_language(header: &str) -> Vec<Locale> {
        let mut ranked: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let locale = Locale::from_code(primary)?;
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Some((quality, locale))
            })
            .filter(|(quality, _)| *quality > 0.0)
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.into_iter().map(|(_, l)| l).collect()
    }

    /// Formats a date the way people of this language read it. By hand rather than with
    /// chrono's `format`, whose format-string parser would ship in every donor page's WASM.
    pub fn format_date(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        match self {
            Locale::Ru => format!("{:02}.{:02}.{}", date.day(), date.month(), date.year()),
            Locale::En => format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year()),
        }
    }

    /// The short weekday name of a date.
    pub fn weekday(self, date: chrono::NaiveDate) -> &'static str {
        use chrono::Datelike;
        let i = date.weekday().num_days_from_monday() as usize;
        match self {
            Locale::Ru => ["пн", "вт", "ср", "чт", "пт", "сб", "вс"][i],
            Locale::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_gives_russian_whenever_listed() {
        assert_eq!(Locale::from_accept_language("en-GB,en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9,ru;q=0.8"), Some(Locale::Ru));
        assert_eq!(Locale::from_accept_language("de;q=1.0, ru-RU;q=0.5, en;q=0.4"), Some(Locale::Ru));
        assert_eq!(Locale::from_accept_language("en, ru;q=0"), Some(Locale::En), "q=0 means not acceptable");
        assert_eq!(Locale::from_accept_language("de, fr"), None);
    }

    #[test]
    fn codes_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_code(l.code()), Some(l));
        }
        assert_eq!(Locale::from_code("xx"), None);
    }

    #[test]
    fn russian_dates_are_day_first() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(Locale::Ru.format_date(d), "27.11.2026");
        assert_eq!(Locale::En.format_date(d), "27 Nov 2026");
        let early = chrono::NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        assert_eq!(Locale::Ru.format_date(early), "05.01.2027");
        assert_eq!(Locale::En.format_date(early), "5 Jan 2027");
        let nine = chrono::NaiveTime::from_hms_opt(9, 5, 0).unwrap();
        assert_eq!(crate::domain::calendar::hh_mm(nine), "09:05");
        assert_eq!(Locale::Ru.weekday(d), "пт");
    }
}
