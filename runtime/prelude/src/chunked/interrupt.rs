//! A caller's interrupt flag for computations. The fast tier runs `compute` in the kernel's own
//! process and must stop a long computation when the user interrupts (the rustc tier interrupts
//! its child process instead): it lends its flag to the computations started on its thread with
//! [`with_flag`]; every block evaluation checks it, as it checks the computation's own
//! cancellation after an error. The flag is per calling thread, so concurrent callers (tests,
//! several fast tiers in one process) do not see each other's flags.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

thread_local!(static FLAG: Cell<usize> = const { Cell::new(0) });

/// Run `f` with `flag` as the interrupt flag of every computation it starts on this thread: once
/// the flag is set, the remaining blocks are skipped and the computation fails with
/// [`INTERRUPTED`].
pub fn with_flag<T>(flag: &AtomicBool, f: impl FnOnce() -> T) -> T {
    struct Reset(usize);
    impl Drop for Reset {
        fn drop(&mut self) {
            FLAG.with(|c| c.set(self.0));
        }
    }
    let prev = FLAG.with(|c| c.replace(flag as *const AtomicBool as usize));
    let _reset = Reset(prev);
    f()
}

/// The error message of an interrupted computation.
pub const INTERRUPTED: &str = "computation interrupted";

/// The flag lent on this thread (an address; 0 for none), captured by a computation at its start.
pub(crate) fn current() -> usize {
    FLAG.with(|c| c.get())
}

/// Whether the flag captured by [`current`] is set.
pub(crate) fn is_set(flag: usize) -> bool {
    // SAFETY: a computation runs inside the `with_flag` call that lent the flag.
    flag != 0 && unsafe { (*(flag as *const AtomicBool)).load(Ordering::Relaxed) }
}
