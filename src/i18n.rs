//! All UI text, in Russian (the default) and English. A struct rather than string keys:
//! the compiler refuses a text that one language lacks, and nothing is loaded at run time.

use crate::domain::account::{EmailError, PasswordError};
use crate::domain::donor_code::DonorCodeError;
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
    pub nav_cabinet: &'static str,
    pub nav_logout: &'static str,
    pub nav_staff: &'static str,
    pub email_empty: &'static str,
    pub email_invalid: &'static str,
    pub password_too_short: &'static str,
    pub password_too_long: &'static str,
    pub password_mismatch: &'static str,
    pub password_too_common: &'static str,
    pub choose_blood_group: &'static str,
    pub choose_rh: &'static str,
    pub choose_kell: &'static str,
    pub donor_code_length: &'static str,
    pub donor_code_chars: &'static str,
    pub consent_required: &'static str,
    pub login_failed: &'static str,
    pub error_generic: &'static str,
    pub form_has_errors: &'static str,
    pub register_title: &'static str,
    pub register_lead: &'static str,
    pub label_email: &'static str,
    pub label_password: &'static str,
    pub label_password_confirmation: &'static str,
    pub label_blood_group: &'static str,
    pub label_rh: &'static str,
    pub label_kell: &'static str,
    pub label_donor_code: &'static str,
    pub choose_placeholder: &'static str,
    pub password_hint: &'static str,
    pub donor_code_hint: &'static str,
    pub kell_hint: &'static str,
    pub consent_label: &'static str,
    pub note_changeable: &'static str,
    pub submit_register: &'static str,
    pub have_account: &'static str,
    pub registered_title: &'static str,
    pub registered_text: &'static str,
    pub confirm_title: &'static str,
    pub confirmed_text: &'static str,
    pub link_expired: &'static str,
    pub link_used: &'static str,
    pub link_invalid: &'static str,
    pub resend_title: &'static str,
    pub resend_submit: &'static str,
    pub resend_done: &'static str,
    pub login_title: &'static str,
    pub submit_login: &'static str,
    pub no_account: &'static str,
    pub cabinet_title: &'static str,
    pub unconfirmed_notice: &'static str,
    pub profile_title: &'static str,
    pub staff_area_title: &'static str,
    pub rate_limited: fn(u64) -> String,
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
    home_how_to_book:
        "Чтобы записаться, зарегистрируйтесь или войдите в личный кабинет: запись доступна только на вашу группу крови.",
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
    nav_cabinet: "Личный кабинет",
    nav_logout: "Выйти",
    nav_staff: "Рабочее место",
    email_empty: "Введите адрес электронной почты.",
    email_invalid: "Проверьте адрес электронной почты, например ivanova@mail.ru.",
    password_too_short: "Пароль должен быть не короче 8 символов.",
    password_too_long: "Пароль должен быть не длиннее 128 символов.",
    password_mismatch: "Пароли не совпадают.",
    password_too_common: "Этот пароль слишком распространён, его легко подобрать. Придумайте другой.",
    choose_blood_group: "Выберите группу крови.",
    choose_rh: "Выберите резус-фактор.",
    choose_kell: "Выберите Kell.",
    donor_code_length: "Код донора — от 4 до 20 букв и цифр.",
    donor_code_chars: "Код донора может содержать только буквы и цифры.",
    consent_required: "Без согласия на обработку персональных данных регистрация невозможна.",
    login_failed: "Неверный адрес электронной почты или пароль.",
    error_generic: "Что-то пошло не так. Попробуйте ещё раз.",
    form_has_errors: "Исправьте отмеченные поля.",
    register_title: "Регистрация",
    register_lead: "Зарегистрируйтесь, чтобы записываться на донацию. После регистрации на почту придёт ссылка для подтверждения.",
    label_email: "Электронная почта",
    label_password: "Пароль",
    label_password_confirmation: "Повторите пароль",
    label_blood_group: "Группа крови",
    label_rh: "Резус-фактор",
    label_kell: "Kell (Келл)",
    label_donor_code: "Код донора",
    choose_placeholder: "Выберите…",
    password_hint: "Не короче 8 символов. Можно использовать фразу из нескольких слов.",
    donor_code_hint: "Код, выданный вам центром крови: 4–20 букв и цифр.",
    kell_hint: "Указан в справке о группе крови. K− встречается у большинства доноров.",
    consent_label: "Я даю согласие на обработку моих персональных данных, включая сведения о здоровье (группа крови, резус-фактор, Kell), в целях записи на донацию.",
    note_changeable: "Внимание: код донора и пароль можно изменить. Все остальные пункты изменить нельзя.",
    submit_register: "Зарегистрироваться",
    have_account: "Уже зарегистрированы?",
    registered_title: "Проверьте почту",
    registered_text: "Мы отправили письмо со ссылкой для подтверждения регистрации. Перейдите по ссылке, чтобы завершить регистрацию: она действует 24 часа.",
    confirm_title: "Подтверждение адреса",
    confirmed_text: "Адрес электронной почты подтверждён. Теперь вы можете войти в личный кабинет и записаться на донацию.",
    link_expired: "Срок действия ссылки истёк. Запросите новую ссылку ниже.",
    link_used: "Эта ссылка уже использована. Если адрес подтверждён, просто войдите в личный кабинет.",
    link_invalid: "Ссылка недействительна. Проверьте, что она скопирована полностью, или запросите новую.",
    resend_title: "Отправить ссылку ещё раз",
    resend_submit: "Отправить ссылку",
    resend_done: "Если для этого адреса есть неподтверждённая учётная запись, мы отправили на него новую ссылку.",
    login_title: "Вход в личный кабинет",
    submit_login: "Войти",
    no_account: "Нет учётной записи?",
    cabinet_title: "Личный кабинет",
    unconfirmed_notice: "Подтвердите адрес электронной почты: до этого запись на донацию недоступна. Ссылка для подтверждения отправлена вам на почту.",
    profile_title: "Мои данные",
    staff_area_title: "Рабочее место",
    rate_limited: |s| format!("Слишком много попыток. Повторите через {} мин.", s.div_ceil(60)),
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
    home_how_to_book:
        "To book, register or log in to your cabinet: you can book only cells that need your blood group.",
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
    nav_cabinet: "My cabinet",
    nav_logout: "Log out",
    nav_staff: "Workspace",
    email_empty: "Enter your e-mail address.",
    email_invalid: "Check the e-mail address, e.g. ivanova@example.org.",
    password_too_short: "The password must be at least 8 characters long.",
    password_too_long: "The password must be at most 128 characters long.",
    password_mismatch: "The passwords do not match.",
    password_too_common: "This password is too common and easy to guess. Choose another one.",
    choose_blood_group: "Choose your blood group.",
    choose_rh: "Choose your Rh factor.",
    choose_kell: "Choose your Kell antigen.",
    donor_code_length: "The donor code has 4 to 20 letters and digits.",
    donor_code_chars: "The donor code may contain only letters and digits.",
    consent_required: "Registration is not possible without consent to the processing of personal data.",
    login_failed: "Wrong e-mail address or password.",
    error_generic: "Something went wrong. Please try again.",
    form_has_errors: "Please correct the marked fields.",
    register_title: "Registration",
    register_lead: "Register to book donations. After registering you will receive a confirmation link by e-mail.",
    label_email: "E-mail",
    label_password: "Password",
    label_password_confirmation: "Repeat the password",
    label_blood_group: "Blood group",
    label_rh: "Rh factor",
    label_kell: "Kell",
    label_donor_code: "Donor code",
    choose_placeholder: "Choose…",
    password_hint: "At least 8 characters. A phrase of several words works well.",
    donor_code_hint: "The code the blood centre gave you: 4–20 letters and digits.",
    kell_hint: "Shown on your blood group certificate. Most donors are K−.",
    consent_label: "I consent to the processing of my personal data, including health data (blood group, Rh factor, Kell), for booking donations.",
    note_changeable: "Note: the donor code and the password can be changed later. Nothing else can be changed.",
    submit_register: "Register",
    have_account: "Already registered?",
    registered_title: "Check your e-mail",
    registered_text: "We have sent an e-mail with a confirmation link. Follow it to complete the registration: it is valid for 24 hours.",
    confirm_title: "E-mail confirmation",
    confirmed_text: "Your e-mail address is confirmed. You can now log in and book a donation.",
    link_expired: "This link has expired. Request a new one below.",
    link_used: "This link has already been used. If your address is confirmed, simply log in.",
    link_invalid: "This link is not valid. Check that it was copied completely, or request a new one.",
    resend_title: "Send the link again",
    resend_submit: "Send the link",
    resend_done: "If this address has an unconfirmed account, a new link has been sent to it.",
    login_title: "Log in",
    submit_login: "Log in",
    no_account: "No account yet?",
    cabinet_title: "My cabinet",
    unconfirmed_notice: "Confirm your e-mail address: until then booking is not available. The confirmation link has been sent to you.",
    profile_title: "My details",
    staff_area_title: "Workspace",
    rate_limited: |s| format!("Too many attempts. Try again in {} min.", s.div_ceil(60)),
};

impl Texts {
    pub fn email_error(&self, error: EmailError) -> &'static str {
        match error {
            EmailError::Empty => self.email_empty,
            EmailError::Invalid => self.email_invalid,
        }
    }

    pub fn password_error(&self, error: PasswordError) -> &'static str {
        match error {
            PasswordError::TooShort => self.password_too_short,
            PasswordError::TooLong => self.password_too_long,
            PasswordError::Mismatch => self.password_mismatch,
            PasswordError::TooCommon => self.password_too_common,
        }
    }

    pub fn donor_code_error(&self, error: DonorCodeError) -> &'static str {
        match error {
            DonorCodeError::Length => self.donor_code_length,
            DonorCodeError::Characters => self.donor_code_chars,
        }
    }
}

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
