//! Shared by the integration tests: a deterministic PRNG, a fast-tier runner with capture and
//! watchdog, and the rustc reference runner.
#![allow(dead_code)]

pub mod fast;
pub mod rendered;
pub mod rng;
pub mod rustc_ref;

/// Where tests put generated crates and binaries (inside the target dir, so `cargo clean` removes them).
pub fn scratch_dir(sub: &str) -> std::path::PathBuf {
    // Per process: two test runs sharing a target dir must not read each other's outputs.
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{sub}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
