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
    ("assert_eq! of an array and a view", "let a = Array1::<f64>::zeros(2);\n{\n    let v = a.view();\n    assert_eq!(a, v);\n}\n", "unsupported", 4, 19, "between an array and a view"),
    // bool arrays: what Rust does not define for bool
    ("zeros of bool", "let z = Array2::<bool>::zeros((2, 2));\n", "error[E0277]", 1, 9, "bool: Zero"),
    ("sum of a mask", "let m = Array1::from_elem(3, true);\nlet s = m.sum();\n", "error[E0277]", 2, 11, "bool: Zero"),
    ("+ of masks", "let m = Array1::from_elem(3, true);\nlet p = &m + &m;\n", "error[E0369]", 2, 12, "cannot add"),
    ("! of a float array", "let f = array![1.0, 2.0];\nlet q = !&f;\n", "error[E0600]", 2, 9, "cannot apply unary operator `!`"),
    ("& of float arrays", "let f = array![1.0, 2.0];\nlet q = &f & &f;\n", "unsupported", 2, 9, "operator `&` on arrays of"),
    ("max of a mask", "let m = Array1::from_elem(3, true);\nlet s = m.max().unwrap();\n", "unsupported", 2, 11, "method `max`"),
    ("accel's gt helper", "let a = array![1.0, 2.0];\nlet m = a.gt(&1.5).unwrap();\n", "unsupported", 2, 11, "accel's `gt`"),
    ("a chunked mask", "let m = Array2::from_elem((4, 4), true);\nlet c = Chunked::from_array(&m, (2, 2));\n", "unsupported", 2, 29, "chunked arrays of `bool`"),
    // 3-d arrays
    ("nrows of a 3-d array", "let a = Array3::<f64>::zeros((2, 2, 2));\nlet r = a.nrows();\n", "error[E0599]", 2, 11, "no method named `nrows`"),
    ("view of a 3-d array", "let a = Array3::<f64>::zeros((2, 2, 2));\nlet s = a.view().sum();\n", "unsupported", 2, 11, "views of 3-d arrays"),
    ("a 4-d shape", "let a = Array::<f64, _>::zeros((2, 2, 2, 2));\n", "unsupported", 1, 9, "1, 2 or 3 dimensions"),
    // iteration: the loop borrows the array until it ends (rustc's codes and positions)
    ("write while iterating", "let mut a = Array2::<f64>::zeros((2, 2));\nfor x in a.iter() { a[[0, 0]] = 1.0; }\n", "error[E0502]", 2, 21, "cannot borrow `a` as mutable because it is also borrowed as immutable"),
    ("read while iter_mut", "let mut a = Array2::<f64>::zeros((2, 2));\nfor x in a.iter_mut() { let y = a[[0, 0]]; *x = y; }\n", "error[E0502]", 2, 33, "cannot borrow `a` as immutable because it is also borrowed as mutable"),
    ("reassign while iterating", "let mut a = Array2::<f64>::zeros((2, 2));\nfor x in &a { a = Array2::<f64>::ones((2, 2)); }\n", "error[E0506]", 2, 15, "cannot assign to `a` because it is borrowed"),
    ("mapv_inplace while iterating", "let mut a = Array1::<f64>::zeros(3);\nfor x in a.iter() { a.mapv_inplace(|v| v + 1.0); }\n", "error[E0502]", 2, 21, "cannot borrow `a` as mutable"),
    ("+= while iterating", "let mut a = Array1::<f64>::zeros(3);\nfor x in a.iter() { a += 1.0; }\n", "error[E0502]", 2, 21, "cannot borrow `a` as mutable"),
    ("len while iter_mut", "let mut a = Array1::<f64>::zeros(3);\nfor x in a.iter_mut() { println!(\"{}\", a.len()); }\n", "error[E0502]", 2, 40, "cannot borrow `a` as immutable"),
    ("iter_mut of an immutable array", "let a = Array1::<f64>::zeros(3);\nfor x in a.iter_mut() { *x = 1.0; }\n", "error[E0596]", 2, 10, "cannot borrow `a` as mutable, as it is not declared as mutable"),
    ("iter_mut of a view", "fn f() {\n    let a = Array1::<f64>::zeros(3);\n    let v = a.view();\n    for x in v.iter_mut() { *x = 1.0; }\n}\n", "error[E0596]", 4, 14, "cannot borrow data in dereference of `ArrayBase<ViewRepr<&f64>, Dim<[usize; 1]>, f64>` as mutable"),
    ("an array by value", "let a = Array1::<f64>::zeros(3);\nfor x in a { println!(\"{}\", x); }\n", "unsupported", 2, 10, "by value"),
    ("rev over a 2-d array", "let a = Array2::<f64>::zeros((2, 2));\nlet v: Vec<f64> = a.iter().rev().copied().collect();\n", "error[E0277]", 2, 28, "DoubleEndedIterator` is not satisfied"),
    ("wrong number of indexes", "let a = Array3::<f64>::zeros((2, 2, 2));\nlet x = a[[0, 1]];\n", "error", 2, 9, "the index has 2 components but the array has 3 dimensions"),
];

#[test]
fn array_refusals_point_where_rustc_does() {
    let mut bad = vec![];
    for (what, src, code, line, col, text) in REFUSED {
        match fast::run_one(src, &JitOptions::default(), Duration::from_secs(20)) {
            CellOutcome::Ran {
                result: Err(Failure::Compile(ds)),
                stdout,
                ..
            } => {
                let d = &ds[0];
                let code_ok = if *code == "unsupported" {
                    d.rendered.starts_with("error: unsupported")
                } else {
                    d.rendered.starts_with(code)
                };
                if !stdout.is_empty()
                    || !code_ok
                    || (d.line, d.col) != (*line, *col)
                    || !d.message.contains(text)
                {
                    bad.push(format!("{what}: want {code} at {line}:{col} containing {text:?}, got {}:{} (stdout {stdout:?})\n{}", d.line, d.col, d.rendered));
                }
                if *code == "unsupported" && !d.rendered.contains("%%rust") {
                    bad.push(format!("{what}: no %%rust hint\n{}", d.rendered));
                }
            }
            o => bad.push(format!("{what}: not refused: {}", o.describe())),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}
