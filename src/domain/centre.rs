//! The blood centre itself, as its operator configures it: its names and how to reach it.
//! Shown in the header and footer, the e-mails and the next step after a rejection; the
//! seed's «…при личном обращении в ГБУЗ МО "МОЦК"» names it.

use super::Locale;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Centre {
    /// The full official name, e.g. «ГБУЗ МО "МОЦК"»; empty when not configured.
    pub full_name: String,
    /// A short name for the header, e.g. «МОЦК».
    pub short_name: String,
    /// The registry's phone number.
    pub phone: String,
    pub address: String,
    /// Opening hours in the centre's own words, e.g. «пн–пт 8:00–14:00».
    pub hours: String,
}

impl Centre {
    /// The name in a sentence such as «…при личном обращении в {}»: the configured full
    /// name, else a neutral «центр крови».
    pub fn name_in_text(&self, locale: Locale) -> &str {
        match (self.full_name.trim(), locale) {
            ("", Locale::Ru) => "центр крови",
            ("", Locale::En) => "the blood centre",
            (name, _) => name,
        }
    }

    /// The header's name: the short name, else the full one, else «Центр крови».
    pub fn header_name(&self, locale: Locale) -> &str {
        match (self.short_name.trim(), self.full_name.trim(), locale) {
            ("", "", Locale::Ru) => "Центр крови",
            ("", "", Locale::En) => "Blood Centre",
            ("", full, _) => full,
            (short, _, _) => short,
        }
    }

    /// The footer's name: the full one where configured, else the header's.
    pub fn full_display_name(&self, locale: Locale) -> &str {
        match self.full_name.trim() {
            "" => self.header_name(locale),
            full => full,
        }
    }

    /// «Телефон регистратуры: …; часы работы: …» — only the parts that are configured.
    pub fn contact_line(&self, locale: Locale) -> Option<String> {
        let (phone, hours, address) = match locale {
            Locale::Ru => ("Телефон регистратуры", "часы работы", "адрес"),
            Locale::En => ("Registry phone", "opening hours", "address"),
        };
        let parts: Vec<String> = [(phone, &self.phone), (hours, &self.hours), (address, &self.address)]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(label, v)| format!("{label}: {}", v.trim()))
            .collect();
        if parts.is_empty() {
            return None;
        }
        let mut line = parts.join("; ");
        // Only the first label starts the sentence.
        if let Some(first) = line.get(..1) {
            line = first.to_uppercase() + &line[1..];
        }
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_neutral_name_only_when_nothing_is_configured() {
        let none = Centre::default();
        assert_eq!(none.name_in_text(Locale::Ru), "центр крови");
        assert_eq!(none.header_name(Locale::Ru), "Центр крови");
        assert_eq!(none.contact_line(Locale::Ru), None);
        let mock = Centre {
            full_name: "ГБУЗ МО \"МОЦК\"".into(),
            short_name: "МОЦК".into(),
            phone: "+7 495 000-00-00".into(),
            hours: "пн–пт 8:00–14:00".into(),
            ..Centre::default()
        };
        assert_eq!(mock.name_in_text(Locale::Ru), "ГБУЗ МО \"МОЦК\"");
        assert_eq!(mock.header_name(Locale::En), "МОЦК");
        assert_eq!(
            mock.contact_line(Locale::Ru).as_deref(),
            Some("Телефон регистратуры: +7 495 000-00-00; часы работы: пн–пт 8:00–14:00")
        );
    }
}
