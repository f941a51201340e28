//! The texts of the registrar's donor search and donor page (staff only).

use crate::domain::Locale;

pub struct DonorTexts {
    pub title: &'static str,
    pub lead: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub search_submit: &'static str,
    pub search_too_short: &'static str,
    pub nothing_found: &'static str,
    pub found: fn(usize) -> String,
    pub unconfirmed: &'static str,
    pub card_back: &'static str,
    pub blocked_now: &'static str,
    pub can_book_now: &'static str,
    pub bookings: &'static str,
    pub donations: &'static str,
    pub refusals: &'static str,
    pub refusals_note: &'static str,
    pub refused_by_donor: &'static str,
    pub refused_cell: fn(i64, &str) -> String,
    pub none: &'static str,
}

pub fn donor_texts(locale: Locale) -> &'static DonorTexts {
    match locale {
        Locale::Ru => &RU,
        Locale::En => &EN,
    }
}

static RU: DonorTexts = DonorTexts {
    title: "Доноры",
    lead: "Найдите донора по адресу электронной почты или коду донора (можно по части).",
    search_label: "Почта или код донора",
    search_hint: "Не меньше трёх символов.",
    search_submit: "Найти",
    search_too_short: "Введите не меньше трёх символов.",
    nothing_found: "Никого не нашлось.",
    found: |n| format!("Найдено: {n}"),
    unconfirmed: "почта не подтверждена",
    card_back: "← К поиску доноров",
    blocked_now: "Сейчас записаться не может",
    can_book_now: "Правила не мешают записи.",
    bookings: "Записи",
    donations: "Донации",
    refusals: "Последние отказы",
    refusals_note: "Когда правило не дало записаться: когда, какое правило, какая ячейка. Хранятся 10 дней.",
    refused_by_donor: "сам донор",
    refused_cell: |id, date| format!("ячейка №{id}, {date}"),
    none: "Нет.",
};

static EN: DonorTexts = DonorTexts {
    title: "Donors",
    lead: "Find a donor by e-mail address or donor code (or part of one).",
    search_label: "E-mail or donor code",
    search_hint: "At least three characters.",
    search_submit: "Search",
    search_too_short: "Type at least three characters.",
    nothing_found: "Nobody found.",
    found: |n| format!("Found: {n}"),
    unconfirmed: "e-mail not confirmed",
    card_back: "← Back to the donor search",
    blocked_now: "Cannot book now",
    can_book_now: "No rule stands in the way of a booking.",
    bookings: "Bookings",
    donations: "Donations",
    refusals: "Latest refusals",
    refusals_note: "When a rule kept the donor from booking: when, which rule, which cell. Kept 10 days.",
    refused_by_donor: "the donor",
    refused_cell: |id, date| format!("cell №{id}, {date}"),
    none: "None.",
};
