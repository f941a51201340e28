//! Command line and configuration: every flag has an environment fallback.

use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Parser, Debug)]
#[command(
    name = "donor-booking",
    version,
    about = "Online appointment system of a regional blood centre"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Apply migrations and serve the site (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the coming days with realistic cells and needs (idempotent).
    DemoData {
        /// How many days ahead, starting today.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=60))]
        days: u32,
    },
}

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Database: `sqlite://path` (created on first run) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/donor.db",
        global = true
    )]
    pub database_url: String,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: SocketAddr,
    /// Public base URL used in e-mails and for the origin check; defaults to http://<site-addr>.
    #[arg(long, env = "PUBLIC_URL", global = true, value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// The centre's time zone (IANA name): days and times are local to it.
    #[arg(long, env = "CENTRE_TIME_ZONE", default_value = "Europe/Moscow", global = true, value_parser = parse_time_zone)]
    pub time_zone: Tz,
    /// Log filter, e.g. `info` or `donor_booking=debug,info`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,
}

impl Settings {
    /// The public origin without a trailing slash, e.g. `https://donor.example.org`.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.site_addr))
    }

    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

fn parse_time_zone(value: &str) -> Result<Tz, String> {
    value
        .parse::<Tz>()
        .map_err(|_| format!("unknown time zone {value:?}; use an IANA name like Europe/Moscow"))
}

fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err("must be a base URL like https://donor.example.org".into());
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_is_normalised_and_checked() {
        assert_eq!(
            parse_public_url("https://d.example.org/").unwrap(),
            "https://d.example.org"
        );
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("https://").is_err());
    }

    #[test]
    fn defaults_apply_without_flags() {
        let cli = Cli::try_parse_from(["donor-booking"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.settings.time_zone, chrono_tz::Europe::Moscow);
        assert!(!cli.settings.is_https());
    }
}
