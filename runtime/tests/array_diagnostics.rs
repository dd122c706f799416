//! Refusals of array code in `%%jit` cells (array equality, bool masks, 3-d arrays): each
//! case is either invalid Rust (the code and line:col are where rustc + the accel crate
//! report it, checked by hand with `rustc --error-format=short --extern accel=…`) or outside
//! the fast tier (refused with the `%%rust` hint). Nothing runs before the refusal.
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test array_diagnostics

mod common;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use std::time::Duration;

/// (what, cell, rendered prefix, line, col, text the message must contain).
const REFUSED: &[(&str, &str, &str, usize, usize, &str)] = &[
    ("== of 1-d and 2-d arrays", "let a = array![1.0, 2.0];\nlet b = array![[1.0, 2.0]];\nprintln!(\"x\");\nlet c = a == b;\n", "error[E0277]", 4, 11, "can't compare"),
    ("== of an array and a scalar", "let a = array![1.0, 2.0];\nlet d = a == 1.0;\n", "error[E0277]", 2, 11, "can't compare"),
    ("!= of f64 and i64 arrays", "let a = array![1.0, 2.0];\nlet b = array![1i64, 2];\nlet d = &a != &b;\n", "error[E0277]", 3, 12, "can't compare"),
];

#[test]
fn array_refusals_point_where_rustc_does() {
    let mut bad = vec![];
    for (what, src, code, line, col, text) in REFUSED {
        match fast::run_one(src, &JitOptions::default(), Duration::from_secs(20)) {
            CellOutcome::Ran { result: Err(Failure::Compile(ds)), stdout, .. } => {
                let d = &ds[0];
                if !stdout.is_empty() || !d.rendered.starts_with(code) || (d.line, d.col) != (*line, *col) || !d.message.contains(text) {
                    bad.push(format!("{what}: want {code} at {line}:{col} containing {text:?}, got {}:{} (stdout {stdout:?})\n{}", d.line, d.col, d.rendered));
                }
                if code.contains("unsupported") && !d.rendered.contains("%%rust") {
                    bad.push(format!("{what}: no %%rust hint\n{}", d.rendered));
                }
            }
            o => bad.push(format!("{what}: not refused: {}", o.describe())),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}
