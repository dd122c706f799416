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

/// Builds the tier. Called on the executor thread, so a slow start delays only the first cell.
pub fn rustc_tier(choice: TierChoice) -> Box<dyn RustcTier> {
    match choice {
        TierChoice::Script => Box::new(crate::script_tier::ScriptTier::default()),
        TierChoice::Evcxr => evcxr_tier(),
    }
}

fn evcxr_tier() -> Box<dyn RustcTier> {
    // Returns at once: evcxr starts in the background and the first Rust cell waits for it.
    Box::new(crate::rustc_tier::EvcxrTier::new())
}
