//! Which rustc tier a session gets. The shipped binary uses evcxr; the hidden
//! `--tier script` flag swaps in a scripted double so protocol tests run in
//! milliseconds and deterministically (see `script_tier.rs`).

use accel_magics::RustcTier;

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TierChoice {
    /// Real Rust through evcxr (rustc + cargo).
    #[default]
    Evcxr,
    /// Test double: a tiny line language, no compiler involved.
    Script,
}

/// When evcxr starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// At once, in the background, so the first Rust cell waits only for what is left of it.
    Eager,
    /// With the first job sent to the tier: a session that never uses it never loads
    /// rust-analyzer's crate graph (hundreds of MB) nor spends the CPU on it.
    OnFirstUse,
}

/// Builds the tier. Called on the executor thread, so a slow start delays only the first cell.
pub fn rustc_tier(choice: TierChoice, start: Start) -> Box<dyn RustcTier> {
    match choice {
        TierChoice::Script => Box::new(crate::script_tier::ScriptTier::default()),
        // Returns at once: evcxr starts in the background and the first Rust cell waits for it.
        TierChoice::Evcxr => Box::new(crate::rustc_tier::EvcxrTier::new(
            start == Start::OnFirstUse,
        )),
    }
}
