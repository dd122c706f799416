//! Progress reporting for long computations. A compute that has been running for more than
//! [`DELAY`] calls the installed hook about every 100 ms with the fraction done, and once more at
//! the end. The kernel installs a hook that turns these into `update_display_data`; headless
//! runs get [`stderr_bar`] (installed by default when `ACCEL_PROGRESS=stderr`).

use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Computations shorter than this never report.
pub const DELAY: Duration = Duration::from_secs(1);

#[derive(Clone, Debug, PartialEq)]
pub struct ProgressEvent {
    /// 0.0 ..= 1.0
    pub fraction: f64,
    pub elapsed: Duration,
    /// True for the last call of a computation.
    pub finished: bool,
}

pub type ProgressHook = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

static HOOK: RwLock<Option<ProgressHook>> = RwLock::new(None);

/// Install (or with `None`, remove) the process-wide progress hook.
pub fn set_hook(hook: Option<ProgressHook>) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = hook;
}

pub(crate) fn current_hook() -> Option<ProgressHook> {
    if let Some(h) = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone() {
        return Some(h);
    }
    if std::env::var("ACCEL_PROGRESS").as_deref() == Ok("stderr") {
        return Some(stderr_bar());
    }
    None
}

/// A one-line bar redrawn on stderr: `[########                ] 33% | 1.4s`.
pub fn stderr_bar() -> ProgressHook {
    Arc::new(|e: &ProgressEvent| {
        eprint!("\r{}", bar_line(e));
        if e.finished {
            eprintln!();
        }
    })
}

/// The text of the bar (dask's `ProgressBar` layout), shared with the kernel's HTML bar.
pub fn bar_line(e: &ProgressEvent) -> String {
    let width = 40;
    let filled = ((e.fraction.clamp(0.0, 1.0)) * width as f64).round() as usize;
    format!(
        "[{}{}] | {:3.0}% Completed | {:.1}s",
        "#".repeat(filled),
        " ".repeat(width - filled),
        e.fraction.clamp(0.0, 1.0) * 100.0,
        e.elapsed.as_secs_f64()
    )
}

/// The same bar as self-contained HTML (for the kernel's `display_data`/`update_display_data`):
/// a `<progress>` element that follows the notebook theme, and the text of [`bar_line`]'s numbers.
pub fn html_bar(e: &ProgressEvent) -> String {
    let pct = e.fraction.clamp(0.0, 1.0) * 100.0;
    format!(
        "<div class=\"accel-progress\"><progress value=\"{pct:.0}\" max=\"100\" style=\"width: 20em; vertical-align: middle;\"></progress> \
         <span style=\"color: inherit\">{pct:3.0}% Completed | {:.1}s{}</span></div>",
        e.elapsed.as_secs_f64(),
        if e.finished { " | done" } else { "" }
    )
}
