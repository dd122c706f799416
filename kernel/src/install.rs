//! `accel install`: writes (or removes) the Jupyter kernelspec `accel`.
//!
//! The spec's argv holds the absolute path of the running binary, so the kernel
//! Jupyter starts is exactly the build that installed it. Re-installing removes
//! the old directory first, so no stale file survives.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use serde_json::json;

pub const KERNEL_NAME: &str = "accel";
pub const DISPLAY_NAME: &str = "Rust (accel)";

const LOGO_32: &[u8] = include_bytes!("../../install/logo-32x32.png");
const LOGO_64: &[u8] = include_bytes!("../../install/logo-64x64.png");
const LOGO_SVG: &[u8] = include_bytes!("../../install/logo-svg.svg");

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("where").args(["user", "sys_prefix", "prefix"])))]
pub struct InstallArgs {
    /// Into the user's Jupyter data dir (~/.local/share/jupyter/kernels; the default).
    #[arg(long)]
    pub user: bool,
    /// Into the active environment: $VIRTUAL_ENV, else $CONDA_PREFIX, else the prefix of `python3`.
    #[arg(long)]
    pub sys_prefix: bool,
    /// Into DIR/share/jupyter/kernels.
    #[arg(long, value_name = "DIR")]
    pub prefix: Option<PathBuf>,
    /// Remove the kernelspec instead of installing it.
    #[arg(long)]
    pub uninstall: bool,
}

pub fn run(args: &InstallArgs) -> anyhow::Result<()> {
    let kernels = kernels_dir(args)?;
    let dir = kernels.join(KERNEL_NAME);
    if args.uninstall {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
            println!("Removed kernelspec {KERNEL_NAME} from {}", dir.display());
        } else {
            println!(
                "Kernelspec {KERNEL_NAME} is not installed in {}; nothing to remove",
                kernels.display()
            );
        }
        return Ok(());
    }
    let exe = std::env::current_exe().context("locating the accel binary")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    write_spec(&dir, &exe)?;
    println!(
        "Installed kernelspec {KERNEL_NAME} ({DISPLAY_NAME}) in {}",
        dir.display()
    );
    Ok(())
}

/// The kernel.json the spec holds, for `exe`.
pub fn kernel_json(exe: &Path) -> serde_json::Value {
    json!({
        "argv": [exe.to_string_lossy(), "kernel", "--connection-file", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "rust",
        "interrupt_mode": "message",
        "metadata": { "debugger": false },
    })
}

fn write_spec(dir: &Path, exe: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the old {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let spec = serde_json::to_string_pretty(&kernel_json(exe))? + "\n";
    let files: [(&str, &[u8]); 4] = [
        ("kernel.json", spec.as_bytes()),
        ("logo-32x32.png", LOGO_32),
        ("logo-64x64.png", LOGO_64),
        ("logo-svg.svg", LOGO_SVG),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

fn kernels_dir(args: &InstallArgs) -> anyhow::Result<PathBuf> {
    if let Some(prefix) = &args.prefix {
        return Ok(prefix.join("share/jupyter/kernels"));
    }
    if args.sys_prefix {
        return Ok(sys_prefix()?.join("share/jupyter/kernels"));
    }
    Ok(user_data_dir()?.join("kernels"))
}

/// Jupyter's user data dir, resolved the way jupyter_core does on this platform.
fn user_data_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("JUPYTER_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from);
    if cfg!(target_os = "macos") {
        let Some(home) = home else {
            bail!("HOME is not set")
        };
        return Ok(home.join("Library/Jupyter"));
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(xdg).join("jupyter"));
    }
    let Some(home) = home else {
        bail!("HOME is not set")
    };
    Ok(home.join(".local/share/jupyter"))
}

fn sys_prefix() -> anyhow::Result<PathBuf> {
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(dir) = std::env::var_os(var).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
    }
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix)"])
        .output()
        .context("--sys-prefix: no $VIRTUAL_ENV or $CONDA_PREFIX, and python3 could not be run")?;
    let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || prefix.is_empty() {
        bail!("--sys-prefix: python3 did not report sys.prefix");
    }
    Ok(PathBuf::from(prefix))
}
