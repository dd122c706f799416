//! `accel`: the Jupyter kernel for Rust (see DESIGN.md, "Names users type").
//!
//! - `accel kernel --connection-file F` — what the kernelspec runs (`wire`)
//! - `accel install [--user|--sys-prefix|--prefix DIR] [--uninstall]` (`install`)
//! - `accel run NB.ipynb [-o OUT] [--allow-errors] [--timeout S]` — headless (`run`)

mod executor;
mod history;
mod install;
mod parent_watch;
mod run;
mod rustc_tier;
mod script_tier;
mod tiers;
mod wire;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "accel",
    version,
    about = "A Jupyter kernel for Rust, built for array computing"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve one kernel on the sockets a Jupyter connection file names.
    Kernel {
        #[arg(long, value_name = "FILE")]
        connection_file: PathBuf,
        #[arg(long, value_enum, default_value_t, hide = true)]
        tier: tiers::TierChoice,
    },
    /// Install (or --uninstall) the Jupyter kernelspec `accel`.
    Install(install::InstallArgs),
    /// Execute a notebook without Jupyter and write it with its outputs.
    Run(run::RunArgs),
}

fn main() -> ExitCode {
    // When evcxr re-executes this binary as its child (the process that loads and runs
    // compiled user code), control never returns from here.
    if std::env::var_os("EVCXR_IS_RUNTIME").is_some() {
        // The child shares the kernel's process group, and frontends deliver SIGINT to the
        // whole group: the kernel decides what an interrupt does to the child (it kills it
        // only when a cell is running), so the child must not die of the signal itself.
        // SAFETY: setting a signal disposition to SIG_IGN before any thread starts.
        unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
        // Die with the kernel, whatever kills it (its variables are useless without it).
        // SAFETY: prctl(PR_SET_PDEATHSIG) only sets this process's parent-death signal.
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) };
    }
    evcxr::runtime_hook();
    let cli = Cli::parse();
    // Before any thread starts (it sets EVCXR_TMPDIR): where the rustc tier builds.
    if matches!(cli.command, Command::Kernel { .. } | Command::Run(_)) {
        rustc_tier::workdir::prepare();
    }
    if matches!(cli.command, Command::Kernel { .. }) {
        parent_watch::spawn();
    }
    let result = match &cli.command {
        Command::Kernel {
            connection_file,
            tier,
        } => wire::serve(connection_file, *tier).map(|()| ExitCode::SUCCESS),
        Command::Install(args) => install::run(args).map(|()| ExitCode::SUCCESS),
        Command::Run(args) => run::run(args),
    };
    rustc_tier::workdir::remove();
    result.unwrap_or_else(|e| {
        eprintln!("accel: {e:#}");
        ExitCode::FAILURE
    })
}
