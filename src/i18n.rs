//! All UI text, in Russian (the default) and English. A struct rather than string keys:
//! the compiler refuses a text that one language lacks, and nothing is loaded at run time.

use crate::domain::Locale;

pub struct Texts {
    pub centre_short: &'static str,
    pub centre_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_login: &'static str,
    pub nav_register: &'static str,
    pub lang_switch_label: &'static str,
    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_how_to_book: &'static str,
    pub filter_label: &'static str,
    pub filter_all: &'static str,
    pub needed_groups: &'static str,
    pub times: &'static str,
    pub free_places: fn(u32) -> String,
    pub cells_count: fn(usize) -> String,
    pub empty_title: &'static str,
    pub empty_text: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub footer_note: &'static str,
    pub footer_rules: &'static str,
}

/// Russian plural: 1 место, 2 места, 5 мест, 21 место.
fn ru_plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => one,
        (2..=4, r) if !(12..=14).contains(&r) => few,
        _ => many,
    }
}

const RU: Texts = Texts {
    centre_short: "Центр крови",
    centre_tagline: "запись на донацию",
    skip_to_content: "Перейти к содержанию",
    nav_login: "Вход",
    nav_register: "Регистрация",
    lang_switch_label: "Язык",
    home_title: "Запись на донацию",
    home_lead: "Здесь отображены все доступные ячейки для записи со всеми необходимыми группами крови.",
    home_how_to_book: "Чтобы записаться, зарегистрируйтесь или войдите в личный кабинет: запись доступна только на вашу группу крови.",
    filter_label: "Вид донации",
    filter_all: "Все",
    needed_groups: "Нужны группы крови",
    times: "Время приёма",
    free_places: |n| format!("{n} {}", ru_plural(n.into(), "свободное место", "свободных места", "свободных мест")),
    cells_count: |n| format!("{n} {}", ru_plural(n as u64, "ячейка", "ячейки", "ячеек")),
    empty_title: "Свободных ячеек нет",
    empty_text: "Компонентов крови в настоящий момент достаточно. Попробуйте записаться повторно на следующий день.",
    loading: "Загрузка…",
    load_failed: "Не удалось загрузить ячейки. Обновите страницу.",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет. Возможно, ссылка устарела.",
    back_home: "На главную",
    footer_note: "Доступные места формируются на основании потребности медицинских организаций в компонентах крови.",
    footer_rules: "Одновременно возможна одна запись. Повторная запись — через 10 дней после последней донации.",
};

const EN: Texts = Texts {
    centre_short: "Blood Centre",
    centre_tagline: "donation booking",
    skip_to_content: "Skip to content",
    nav_login: "Log in",
    nav_register: "Register",
    lang_switch_label: "Language",
    home_title: "Book a donation",
    home_lead: "These are all the cells open for booking, with every blood group still needed.",
    home_how_to_book: "To book, register or log in to your cabinet: you can book only cells that need your blood group.",
    filter_label: "Donation type",
    filter_all: "All",
    needed_groups: "Blood groups needed",
    times: "Reception hours",
    free_places: |n| format!("{n} free place{}", if n == 1 { "" } else { "s" }),
    cells_count: |n| format!("{n} cell{}", if n == 1 { "" } else { "s" }),
    empty_title: "No open cells",
    empty_text: "Blood components are sufficient at the moment. Please try again the next day.",
    loading: "Loading…",
    load_failed: "The cells could not be loaded. Please reload the page.",
    not_found_title: "Page not found",
    not_found_text: "There is no such page. The link may be out of date.",
    back_home: "Home",
    footer_note: "Places open according to the needs of hospitals for blood components.",
    footer_rules: "One booking at a time. A new booking is possible 10 days after your last donation.",
};

pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Ru => &RU,
        Locale::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plurals() {
        let t = texts(Locale::Ru);
        assert_eq!((t.free_places)(1), "1 свободное место");
        assert_eq!((t.free_places)(3), "3 свободных места");
        assert_eq!((t.free_places)(11), "11 свободных мест");
        assert_eq!((t.free_places)(21), "21 свободное место");
        assert_eq!((t.free_places)(112), "112 свободных мест");
        assert_eq!((t.cells_count)(5), "5 ячеек");
    }

    #[test]
    fn english_plurals() {
        let t = texts(Locale::En);
        assert_eq!((t.free_places)(1), "1 free place");
        assert_eq!((t.free_places)(2), "2 free places");
    }
}
