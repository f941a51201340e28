use clap::Parser;
use donor_booking::domain::calendar::local_date;
use donor_booking::server::config::{Cli, Command, PlaceCommand, StaffCommand};
use donor_booking::server::{db::Db, demo, place_cli, serve, staff_cli};
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: a page's render allocates many small values, and under
/// a crowd glibc's malloc took a fifth of the server's CPU (README "Benchmark").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.settings.log_level)
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(settings).await,
        Command::Migrate => {
            let db = Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            println!("migrations applied ({})", db.backend());
            Ok(())
        }
        Command::Staff { action: StaffCommand::Add { email, role } } => {
            let db = Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            staff_cli::add(&db, &email, role).await
        }
        Command::Place { action } => {
            let db = Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            match action {
                PlaceCommand::Add { name, address, hours, note } => {
                    place_cli::add(&db, &name, &address, &hours, &note).await
                }
                PlaceCommand::List => place_cli::list(&db).await,
                PlaceCommand::Archive { name, restore } => place_cli::archive(&db, &name, restore).await,
            }
        }
        Command::Purge => {
            let db = Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            let purged =
                donor_booking::server::retention::purge_once(&db, settings.time_zone, chrono::Utc::now()).await?;
            println!("purged {purged} bookings dated more than ten days ago ({})", db.backend());
            Ok(())
        }
        Command::Notify => {
            let (reminders, alerts) = donor_booking::server::serve::notify_once(&settings).await?;
            println!("queued {reminders} reminders and {alerts} need alerts");
            Ok(())
        }
        Command::DemoData { days, no_accounts } => {
            let db = Db::connect(&settings.database_url).await?;
            db.migrate().await?;
            let now = chrono::Utc::now();
            let today = local_date(now, settings.time_zone);
            let created = demo::seed(&db, today, days, now).await?;
            println!("demo data: {created} new cells over the next {days} days ({})", db.backend());
            if no_accounts {
                return Ok(());
            }
            demo::seed_accounts(&db, today, now).await?;
            println!("demo accounts (for trying the app only; never run demo-data on a real centre's database):");
            for (email, password, role) in demo::DEMO_ACCOUNTS {
                let role = role.map_or("donor", |r| donor_booking::domain::Coded::code(r));
                println!("  {role:<9} {email}  password: {password}");
            }
            Ok(())
        }
    }
}
