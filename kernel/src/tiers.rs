//! Which rustc tier a session gets. The shipped binary uses evcxr; the hidden
//! `--tier script` flag swaps in a scripted double so protocol tests run in
//! milliseconds and deterministically (see `script_tier.rs`).

use accel_magics::{CellError, MimeBundle, RustcTier, Sink};

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
        TierChoice::Evcxr => Box::new(Missing),
    }
}

/// Stands in until the evcxr-backed tier (kernel/src/rustc_tier) is committed;
/// every cell says so instead of pretending to run.
struct Missing;

impl RustcTier for Missing {
    fn eval(&mut self, _code: &str, _sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        Err(CellError::new("RustcTierUnavailable", "this accel build has no rustc tier (evcxr) compiled in"))
    }
    fn variables(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    fn complete(&mut self, _code: &str, _pos: usize) -> Option<(usize, usize, Vec<String>)> {
        None
    }
    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        Box::new(|| {})
    }
}
