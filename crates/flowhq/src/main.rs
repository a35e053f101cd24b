//! `flowhq`: the one binary. `serve` runs the control plane, `worker` one
//! tenant's bot, `admin` manages accounts, `stress` tests the platform.

mod malloc;
mod settings;
mod sim;
mod stress;
mod worker;
mod working_set;

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use flowhq_domain::values::Email;
use flowhq_server::Application;
use flowhq_server::auth::Secret;

use crate::settings::{LogFormat, ServeArgs};

#[derive(Parser)]
#[command(
    name = "flowhq",
    version,
    about = "Multi-tenant WhatsApp auto-reply platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the control plane.
    Serve(ServeArgs),
    /// Run one tenant's worker (normally started by the supervisor).
    Worker(worker::WorkerArgs),
    /// Manage admin accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Run the simulated WhatsApp network alone (workers find it by
    /// FLOWHQ_SIM_URL).
    Sim(sim::SimArgs),
    /// Load and failure test: onboard tenants, send messages, kill and hang
    /// workers, check that nothing was lost or doubled.
    Stress(stress::StressArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin user.
    Create {
        #[arg(long)]
        email: String,
        /// The password; prefer FLOWHQ_NEW_ADMIN_PASSWORD to keep it out of shell history.
        #[arg(long, env = "FLOWHQ_NEW_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[command(flatten)]
        settings: ServeArgs,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // Before anything is created, and before any thread starts: the data
    // dir's files (databases, WhatsApp credentials, logs) are private.
    flowhq_server::security::files::private_umask();
    match cli.command {
        Command::Worker(args) => worker::run(args).map(|()| ExitCode::SUCCESS),
        Command::Stress(args) => stress::run(args),
        command => run(command).map(|()| ExitCode::SUCCESS),
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    if let Command::Serve(_) = command {
        // Before the runtime's threads start.
        malloc::return_large_blocks_to_the_os();
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    match command {
        Command::Worker(_) | Command::Stress(_) => unreachable!("handled in main"),
        Command::Sim(args) => {
            settings::init_tracing(LogFormat::from_env());
            runtime.block_on(sim::run(args))
        }
        Command::Serve(args) => {
            let (settings, log_format) = args.resolve()?;
            settings::init_tracing(log_format);
            runtime.block_on(async {
                let app = Application::build(settings).await?;
                app.run_until(flowhq_server::shutdown_signal()).await
            })
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    password,
                    settings,
                },
        } => {
            let (settings, log_format) = settings.resolve()?;
            settings::init_tracing(log_format);
            runtime.block_on(async {
                let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email {}", e.0))?;
                flowhq_server::security::files::create_private_dir(&settings.data_dir)?;
                let store = flowhq_store::Store::connect(&settings.database_url).await?;
                flowhq_server::bootstrap::create_admin(
                    &store,
                    email.clone(),
                    Secret::new(password),
                )
                .await?;
                println!("created admin {email}");
                Ok(())
            })
        }
    }
}
