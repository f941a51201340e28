//! The texts of every e-mail, Russian and English, plain text plus a simple HTML part.

use super::{Attachment, Email};
use crate::domain::centre::Centre;
use crate::domain::Locale;
use crate::domain::RejectionReason;
use crate::server::db::bookings::BookingFacts;

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Paragraphs and an optional button link, in both parts.
/// Every letter ends with the centre's name and, where configured, how to reach it.
fn compose(
    centre: &Centre,
    to: &str,
    locale: Locale,
    subject: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Email {
    let mut signature = match locale {
        Locale::Ru => format!("{} — запись на донацию", centre.header_name(locale)),
        Locale::En => format!("{} — donation booking", centre.header_name(locale)),
    };
    if let Some(contact) = centre.contact_line(locale) {
        signature = format!("{signature}\n{contact}");
    }
    let mut text = String::new();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:Arial,sans-serif;color:#1a1f2b;line-height:1.5;max-width:36em\">",
        locale.code(),
        escape(subject)
    );
    for p in paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
        html.push_str(&format!("<p>{}</p>", escape(p).replace('\n', "<br>")));
    }
    if let Some((label, url)) = link {
        text.push_str(&format!("{label}:\n{url}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display:inline-block;padding:10px 18px;background:#b3152a;color:#ffffff;\
             text-decoration:none;border-radius:6px;font-weight:bold\">{1}</a></p>\
             <p style=\"font-size:13px;color:#4f5768\">{0}</p>",
            escape(url),
            escape(label)
        ));
    }
    text.push_str(&format!("— {signature}\n"));
    html.push_str(&format!(
        "<p style=\"color:#4f5768\">— {}</p></body></html>",
        escape(&signature).replace('\n', "<br>")
    ));
    Email {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html,
        attachment: None,
        list_unsubscribe: None,
        recall_key: None,
    }
}

pub fn confirm_email(centre: &Centre, to: &str, locale: Locale, link: &str) -> Email {
    match locale {
        Locale::Ru => compose(
            centre,
            to,
            locale,
            "Подтвердите адрес электронной почты",
            &[
                "Здравствуйте!",
                "Вы зарегистрировались в системе записи на донацию. Чтобы подтвердить адрес электронной почты и получить возможность записываться, перейдите по ссылке. Ссылка действует 24 часа и может быть использована один раз.",
                "Если Вы не регистрировались, просто проигнорируйте это письмо.",
            ],
            Some(("Подтвердить адрес", link)),
        ),
        Locale::En => compose(
            centre,
            to,
            locale,
            "Confirm your e-mail address",
            &[
                "Hello,",
                "You registered for donation booking. To confirm your e-mail address and be able to book, follow the link. It is valid for 24 hours and works once.",
                "If you did not register, simply ignore this e-mail.",
            ],
            Some(("Confirm the address", link)),
        ),
    }
}

/// Sent instead of a confirmation when someone registers an address that already has an
/// account: the page answers the same either way, so only the owner learns of it.
pub fn already_registered(centre: &Centre, to: &str, locale: Locale, login_link: &str) -> Email {
    match locale {
        Locale::Ru => compose(
            centre,
            to,
            locale,
            "Попытка повторной регистрации",
            &[
                "Здравствуйте!",
                "Кто-то (возможно, Вы) попытался зарегистрироваться с этим адресом электронной почты, но учётная запись с ним уже существует. Войдите в личный кабинет; если Вы не помните пароль, воспользуйтесь восстановлением пароля на странице входа.",
                "Если это были не Вы, ничего делать не нужно.",
            ],
            Some(("Войти в личный кабинет", login_link)),
        ),
        Locale::En => compose(
            centre,
            to,
            locale,
            "Registration attempt for an existing account",
            &[
                "Hello,",
                "Someone (perhaps you) tried to register with this e-mail address, but an account with it already exists. Log in to your cabinet; if you do not remember the password, use the password reset on the login page.",
                "If it was not you, there is nothing to do.",
            ],
            Some(("Log in", login_link)),
        ),
    }
}

pub fn reset_password(centre: &Centre, to: &str, locale: Locale, link: &str) -> Email {
    match locale {
        Locale::Ru => compose(
            centre,
            to,
            locale,
            "Восстановление пароля",
            &[
                "Здравствуйте!",
                "Вы запросили восстановление пароля для записи на донацию. Чтобы задать новый пароль, перейдите по ссылке. Ссылка действует 1 час и может быть использована один раз.",
                "Если Вы не запрашивали восстановление, просто проигнорируйте это письмо: пароль не изменится.",
            ],
            Some(("Задать новый пароль", link)),
        ),
        Locale::En => compose(
            centre,
            to,
            locale,
            "Password reset",
            &[
                "Hello,",
                "You asked to reset your password for donation booking. To choose a new one, follow the link. It is valid for 1 hour and works once.",
                "If you did not ask for this, simply ignore this e-mail: your password stays the same.",
            ],
            Some(("Choose a new password", link)),
        ),
    }
}

/// The booking's particulars, one line each, in the donor's language.
fn booking_lines(facts: &BookingFacts) -> String {
    use crate::domain::Labelled;
    let l = facts.locale;
    let (date, time, kind, place) = match l {
        Locale::Ru => ("Дата", "Время", "Вид донации", "Место"),
        Locale::En => ("Date", "Time", "Donation type", "Place"),
    };
    format!(
        "{date}: {} ({})\n{time}: {}\n{kind}: {}\n{place}: {}, {}",
        l.format_date(facts.date),
        l.weekday(facts.date),
        facts.time.format("%H:%M"),
        facts.donation_type.label(l),
        facts.place_name,
        facts.place_address
    )
}

/// What to bring and how to prepare: the approval and the reminder say the same.
fn preparation(locale: Locale) -> &'static str {
    match locale {
        Locale::Ru => "Возьмите с собой паспорт. Накануне и в день донации не употребляйте жирную пищу и алкоголь, утром обязательно лёгкий завтрак; за час до донации не курите.",
        Locale::En => "Bring your passport. The day before and on the day avoid fatty food and alcohol, have a light breakfast, and do not smoke for an hour before donating.",
    }
}

pub fn booking_received(centre: &Centre, facts: &BookingFacts, cabinet_link: &str) -> Email {
    let lines = booking_lines(facts);
    match facts.locale {
        Locale::Ru => compose(
            centre,
            &facts.email,
            facts.locale,
            "Запись на донацию получена",
            &[
                "Здравствуйте!",
                "Ваша запись на донацию получена и ожидает утверждения медицинским регистратором (статус «На утверждении»). Мы сообщим Вам, когда её подтвердят.",
                &lines,
                "Одновременно возможна только одна запись. Если Вы отмените запись, записаться снова можно будет только на следующий день.",
            ],
            Some(("Открыть личный кабинет", cabinet_link)),
        ),
        Locale::En => compose(
            centre,
            &facts.email,
            facts.locale,
            "Donation booking received",
            &[
                "Hello,",
                "Your donation booking has been received and awaits approval by a medical registrar (status “Awaiting approval”). We will tell you when it is approved.",
                &lines,
                "Only one booking at a time is possible. If you cancel it, you can book again only from the next day.",
            ],
            Some(("Open your cabinet", cabinet_link)),
        ),
    }
}

pub fn booking_cancelled(centre: &Centre, facts: &BookingFacts, cabinet_link: &str) -> Email {
    let lines = booking_lines(facts);
    match facts.locale {
        Locale::Ru => compose(
            centre,
            &facts.email,
            facts.locale,
            "Запись на донацию отменена",
            &[
                "Здравствуйте!",
                "Вы отменили запись на донацию:",
                &lines,
                "Записаться снова можно будет со следующего дня.",
            ],
            Some(("Открыть личный кабинет", cabinet_link)),
        ),
        Locale::En => compose(
            centre,
            &facts.email,
            facts.locale,
            "Donation booking cancelled",
            &["Hello,", "You have cancelled your donation booking:", &lines, "You can book again from the next day."],
            Some(("Open your cabinet", cabinet_link)),
        ),
    }
}

pub fn booking_approved(centre: &Centre, facts: &BookingFacts, calendar: Attachment, cabinet_link: &str) -> Email {
    let lines = booking_lines(facts);
    let mut mail = match facts.locale {
        Locale::Ru => compose(
            centre,
            &facts.email,
            facts.locale,
            "Запись на донацию подтверждена",
            &[
                "Здравствуйте!",
                "Ваша запись на донацию подтверждена (статус «Подтверждена»). Ждём Вас:",
                &lines,
                preparation(Locale::Ru),
                "Событие для календаря — во вложении. Если планы изменились, отмените запись в личном кабинете.",
            ],
            Some(("Открыть личный кабинет", cabinet_link)),
        ),
        Locale::En => compose(
            centre,
            &facts.email,
            facts.locale,
            "Donation booking approved",
            &[
                "Hello,",
                "Your donation booking is approved (status “Approved”). We expect you:",
                &lines,
                preparation(Locale::En),
                "A calendar event is attached. If your plans change, cancel the booking in your cabinet.",
            ],
            Some(("Open your cabinet", cabinet_link)),
        ),
    };
    mail.attachment = Some(calendar);
    mail
}

/// The rejection with its reason in the seed's words, the registrar's comment (if any) and
/// what the donor can do next.
pub fn booking_rejected(
    centre: &Centre,
    facts: &BookingFacts,
    reason: RejectionReason,
    comment: Option<&str>,
    cabinet_link: &str,
) -> Email {
    let l = facts.locale;
    let lines = booking_lines(facts);
    let why = reason.text(l, centre);
    let next = reason.next_step().sentence(l, centre, None);
    let (subject, hello, lead, reason_label, comment_label, cabinet) = match l {
        Locale::Ru => (
            "Запись на донацию отклонена",
            "Здравствуйте!",
            "К сожалению, Ваша запись на донацию отклонена:",
            "Причина",
            "Комментарий регистратора",
            "Открыть личный кабинет",
        ),
        Locale::En => (
            "Donation booking rejected",
            "Hello,",
            "Unfortunately your donation booking has been rejected:",
            "Reason",
            "The registrar's comment",
            "Open your cabinet",
        ),
    };
    let reason_line = format!("{reason_label}: {why}");
    let comment_line = comment.map(|c| format!("{comment_label}: {c}"));
    let mut paragraphs = vec![hello, lead, &lines, &reason_line];
    paragraphs.extend(comment_line.as_deref());
    paragraphs.extend(next.as_deref());
    compose(centre, &facts.email, l, subject, &paragraphs, Some((cabinet, cabinet_link)))
}

/// The day before an approved visit: when and where, what to bring, and a link that cancels it.
pub fn visit_reminder(centre: &Centre, facts: &BookingFacts, cancel_link: &str) -> Email {
    let lines = booking_lines(facts);
    let mut mail = match facts.locale {
        Locale::Ru => compose(
            centre,
            &facts.email,
            facts.locale,
            "Напоминание: завтра донация",
            &[
                "Здравствуйте!",
                "Напоминаем, что завтра Вас ждут на донацию:",
                &lines,
                preparation(Locale::Ru),
                "Если прийти не получится, отмените запись, чтобы место досталось другому донору. Записаться снова можно будет со следующего дня.",
            ],
            Some(("Отменить запись", cancel_link)),
        ),
        Locale::En => compose(
            centre,
            &facts.email,
            facts.locale,
            "Reminder: your donation is tomorrow",
            &[
                "Hello,",
                "This is a reminder that you are expected for a donation tomorrow:",
                &lines,
                preparation(Locale::En),
                "If you cannot come, please cancel so that another donor can take the place. You can book again from the next day.",
            ],
            Some(("Cancel the booking", cancel_link)),
        ),
    };
    mail.recall_key = Some(crate::server::db::bookings::reminder_key(facts.booking_id));
    mail
}

/// What a "your group is needed" alert offers.
pub struct NeedAlert<'a> {
    pub to: &'a str,
    pub locale: Locale,
    pub date: chrono::NaiveDate,
    pub donation_type: crate::domain::DonationType,
    pub place_name: &'a str,
    pub place_address: &'a str,
    pub book_link: &'a str,
    /// The page that turns alerts off (in the text), and the one-click target (the header).
    pub off_link: &'a str,
    pub one_click_link: &'a str,
}

pub fn need_alert(centre: &Centre, alert: &NeedAlert<'_>) -> Email {
    use crate::domain::Labelled;
    let l = alert.locale;
    let when = format!("{} ({})", l.format_date(alert.date), l.weekday(alert.date));
    let kind = alert.donation_type.label(l);
    let place = format!("{}, {}", alert.place_name, alert.place_address);
    let mut mail = match l {
        Locale::Ru => compose(
            centre,
            alert.to,
            l,
            "Нужна Ваша группа крови: есть свободное время",
            &[
                "Здравствуйте!",
                &format!("Центру крови нужна Ваша группа крови, и Вы можете записаться:\nДата: {when}\nВид донации: {kind}\nМесто: {place}"),
                "Места разбирают быстро: записаться можно в личном кабинете по ссылке ниже.",
                &format!("Такие письма приходят не чаще раза в день. Отключить их: {}", alert.off_link),
            ],
            Some(("Выбрать время", alert.book_link)),
        ),
        Locale::En => compose(
            centre,
            alert.to,
            l,
            "Your blood group is needed: times are free",
            &[
                "Hello,",
                &format!("The blood centre needs your blood group, and you can book:\nDate: {when}\nDonation type: {kind}\nPlace: {place}"),
                "Places go quickly: book in your cabinet with the link below.",
                &format!("These e-mails come at most once a day. To turn them off: {}", alert.off_link),
            ],
            Some(("Choose a time", alert.book_link)),
        ),
    };
    mail.list_unsubscribe = Some(alert.one_click_link.to_owned());
    mail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_names_the_configured_centre_and_how_to_reach_it() {
        let centre = Centre { short_name: "МОЦК".into(), phone: "+7 495 123-45-67".into(), ..Centre::default() };
        let mail = confirm_email(&centre, "d@example.org", Locale::Ru, "https://x.example/c");
        assert!(
            mail.text.ends_with("— МОЦК — запись на донацию\nТелефон регистратуры: +7 495 123-45-67\n"),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("МОЦК — запись на донацию<br>Телефон регистратуры: +7 495 123-45-67"));
        let neutral = confirm_email(&Centre::default(), "d@example.org", Locale::Ru, "l");
        assert!(neutral.text.ends_with("— Центр крови — запись на донацию\n"));
    }

    #[test]
    fn both_parts_carry_the_link_and_html_is_escaped() {
        let mail =
            confirm_email(&Centre::default(), "d@example.org", Locale::Ru, "https://x.example/confirm?token=a&b=<c>");
        assert!(mail.text.contains("https://x.example/confirm?token=a&b=<c>"));
        assert!(mail.html.contains("token=a&amp;b=&lt;c&gt;"));
        assert!(!mail.html.contains("<c>"));
        assert!(mail.subject.starts_with("Подтвердите"));
        assert!(confirm_email(&Centre::default(), "d@example.org", Locale::En, "l").subject.starts_with("Confirm"));
    }
}
