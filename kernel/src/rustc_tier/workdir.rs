//! Where evcxr builds: one directory per kernel process under `$TMPDIR/accel-evcxr-<uid>/`,
//! beside a `.cargo/config.toml` that cargo finds by walking up from evcxr's crate directory.
//! (Not under the home directory: evcxr moves each cell's library one directory up from where
//! rustc wrote it, so its relative rpath to libstd is one `..` too long, which only works out
//! when the directory shares no path prefix with the toolchain, as in `/tmp`.)
//!
//! Why: evcxr writes its crate's `Cargo.toml` itself (debug profile, `overflow-checks = true`,
//! `incremental = true` for every local crate). Profiles in cargo config files take precedence
//! over the manifest's, so the file here gives the rustc tier
//! * release semantics (`overflow-checks = false`, `debug-assertions = false`), as `cargo build
//!   --release` and the fast tier have: `i32::MAX + 1` wraps in both tiers;
//! * `incremental = false` for the `accel` prelude crate: evcxr's build cache (`:cache`) skips
//!   incremental compilations, so without this the prelude would be rebuilt in every session.
//!
//! evcxr takes its directory from `EVCXR_TMPDIR`, read when a tier starts; `prepare` sets it
//! while the process is still single-threaded. A user's own `EVCXR_TMPDIR` is left alone (and
//! the overrides above then do not apply). Directories of kernels that died without cleaning
//! up are removed by the next kernel that starts.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The cargo config every session directory inherits.
const CARGO_CONFIG: &str = "\
# Written by the accel kernel (kernel/src/rustc_tier/workdir.rs); rewritten at every start.
# Release semantics for rustc-tier cells, like the fast tier.
[profile.dev]
overflow-checks = false
debug-assertions = false

# Let evcxr's build cache keep the compiled prelude across sessions.
[profile.dev.package.accel]
incremental = false
";

static SESSION_DIR: OnceLock<PathBuf> = OnceLock::new();

/// `$TMPDIR/accel-evcxr-<uid>`.
pub fn root() -> PathBuf {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("accel-evcxr-{uid}"))
}

/// `~/.cache/accel` (or `$XDG_CACHE_HOME/accel`): small files that outlive sessions.
pub fn cache_root() -> Option<PathBuf> {
    Some(dirs::cache_dir()?.join("accel"))
}

/// Creates this process's evcxr directory and points `EVCXR_TMPDIR` at it. Call before any
/// thread starts (it sets an environment variable). Returns the directory, or `None` when the
/// user chose their own `EVCXR_TMPDIR` or the cache directory is unusable (evcxr then uses a
/// temporary directory as usual).
pub fn prepare() -> Option<PathBuf> {
    if std::env::var_os("EVCXR_TMPDIR").is_some() {
        return None;
    }
    let root = root();
    match create(&root) {
        Ok(dir) => {
            // Called from `main` before any other thread exists (see the doc above).
            std::env::set_var("EVCXR_TMPDIR", &dir);
            let _ = SESSION_DIR.set(dir.clone());
            Some(dir)
        }
        Err(error) => {
            eprintln!(
                "accel: cannot prepare {}: {error}; evcxr builds in a temporary directory",
                root.display()
            );
            None
        }
    }
}

fn create(root: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(root.join(".cargo"))?;
    // A shared temporary directory: use it only if it is ours.
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: as in `root`.
        let uid = unsafe { libc::getuid() };
        if std::fs::metadata(root)?.uid() != uid {
            return Err(std::io::Error::other("owned by another user"));
        }
    }
    let config = root.join(".cargo").join("config.toml");
    if std::fs::read_to_string(&config).ok().as_deref() != Some(CARGO_CONFIG) {
        // Write then rename, so a concurrently starting kernel never reads half a file.
        let tmp = root
            .join(".cargo")
            .join(format!("config.toml.{}", std::process::id()));
        std::fs::write(&tmp, CARGO_CONFIG)?;
        std::fs::rename(&tmp, &config)?;
    }
    remove_stale(root);
    let dir = root.join(format!("session-{}", std::process::id()));
    // A leftover of an earlier process with our pid: its contents are not ours to trust.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Removes `session-<pid>` directories whose process is gone.
fn remove_stale(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("session-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The directory `prepare` made, if any.
pub fn session_dir() -> Option<&'static Path> {
    SESSION_DIR.get().map(PathBuf::as_path)
}

/// Deletes this process's directory (at exit; the build artifacts in it are also in evcxr's
/// cache when it is on).
pub fn remove() {
    if let Some(dir) = session_dir() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_config_and_sweeps_dead_sessions() {
        let root = std::env::temp_dir().join(format!("accel-workdir-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        // pid 0 never names a live process in /proc.
        std::fs::create_dir_all(root.join("session-0").join("target")).unwrap();
        std::fs::create_dir_all(root.join("keep-me")).unwrap();
        let dir = create(&root).unwrap();
        assert!(dir.ends_with(format!("session-{}", std::process::id())));
        assert!(dir.is_dir());
        assert!(!root.join("session-0").exists());
        assert!(root.join("keep-me").exists());
        let config = std::fs::read_to_string(root.join(".cargo/config.toml")).unwrap();
        assert!(
            config.contains("overflow-checks = false")
                && config.contains("[profile.dev.package.accel]")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
