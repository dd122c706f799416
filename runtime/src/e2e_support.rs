//! What the end-to-end test modules share: an output sink that keeps what compiled code printed, and
//! running a cell for its value, its printed text or its panic message.

use crate::api::*;
use crate::FastTier;
use std::sync::Mutex;

#[derive(Default)]
pub(crate) struct Cap {
    pub(crate) out: Mutex<String>,
    pub(crate) err: Mutex<String>,
}

impl Output for Cap {
    fn stdout(&self, t: &str) {
        self.out.lock().unwrap().push_str(t);
    }
    fn stderr(&self, t: &str) {
        self.err.lock().unwrap().push_str(t);
    }
}

/// The cell's outcome and everything it printed to stdout.
pub(crate) fn run_in(ft: &mut FastTier, src: &str) -> (Result<Option<Value>, Failure>, String) {
    let cap = Cap::default();
    let r = ft.run_cell(src, &JitOptions::default(), &cap);
    let o = cap.out.lock().unwrap().clone();
    (r, o)
}

pub(crate) fn value_in(ft: &mut FastTier, src: &str) -> String {
    match run_in(ft, src).0 {
        Ok(Some(v)) => v.text,
        other => panic!("{src}\n=> {other:?}"),
    }
}

pub(crate) fn panic_in(ft: &mut FastTier, src: &str) -> String {
    match run_in(ft, src).0 {
        Err(Failure::Panic { message, .. }) => message,
        other => panic!("{src}\n=> expected a panic, got {other:?}"),
    }
}
