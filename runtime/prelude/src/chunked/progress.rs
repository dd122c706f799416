//! Progress reporting for long computations. A compute that has been running for more than
//! [`DELAY`] calls the installed hook about every 100 ms with the fraction done, and once more at
//! the end. Where reports go, when no hook is installed with [`set_hook`], is chosen by the
//! environment variable `ACCEL_PROGRESS`:
//! * `stderr`: [`stderr_bar`];
//! * `kernel`: [`kernel_marker`] — set by the accel kernel in the rustc tier's child process,
//!   where each cell is its own shared object with its own copy of this crate (and of `HOOK`),
//!   so a hook installed by one cell would not be seen by the next; the environment is.
//!
//! `ACCEL_PROGRESS_DELAY_MS` overrides [`DELAY`] (tests use it to see a bar on short computes);
//! `0` reports once at the start (0%), so even a compute shorter than one tick shows its bar.

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

thread_local!(static LOCAL: std::cell::RefCell<Option<ProgressHook>> = const { std::cell::RefCell::new(None) });

/// Run `f` with `hook` receiving the progress of the computations it starts on this thread
/// (before the process-wide hook; the fast tier routes them to the running cell's output).
pub fn with_hook<T>(hook: ProgressHook, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<ProgressHook>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let prev = self.0.take();
            LOCAL.with(|l| *l.borrow_mut() = prev);
        }
    }
    let prev = LOCAL.with(|l| l.borrow_mut().replace(hook));
    let _reset = Reset(prev);
    f()
}

/// Install (or with `None`, remove) the process-wide progress hook.
pub fn set_hook(hook: Option<ProgressHook>) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = hook;
}

pub(crate) fn current_hook() -> Option<ProgressHook> {
    if let Some(h) = LOCAL.with(|l| l.borrow().clone()) {
        return Some(h);
    }
    if let Some(h) = HOOK.read().unwrap_or_else(|e| e.into_inner()).clone() {
        return Some(h);
    }
    match std::env::var("ACCEL_PROGRESS").as_deref() {
        Ok("stderr") => Some(stderr_bar()),
        Ok("kernel") => Some(kernel_marker()),
        _ => None,
    }
}

/// [`DELAY`], or `ACCEL_PROGRESS_DELAY_MS` when set.
pub(crate) fn delay() -> Duration {
    std::env::var("ACCEL_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(DELAY)
}

/// One line per event on stdout for the accel kernel, which shows them as one display that
/// updates in place: `\x01ACCEL progress <fraction> <elapsed seconds> <0|1 finished>`.
pub fn kernel_marker() -> ProgressHook {
    Arc::new(|e: &ProgressEvent| {
        use std::io::Write;
        let line = format!(
            "\u{1}ACCEL progress {:.4} {:.3} {}\n",
            e.fraction.clamp(0.0, 1.0),
            e.elapsed.as_secs_f64(),
            u8::from(e.finished)
        );
        // One write of the whole line, so it never interleaves with the cell's own output.
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    })
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
