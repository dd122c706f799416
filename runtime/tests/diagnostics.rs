//! Refusals and errors of the fast tier:
//! - constructs outside the v1 subset (struct, trait, impl, generics, String methods, crates...)
//!   → `Failure::Compile` before anything runs, the span on the construct, a rendered message with
//!   ` --> cell:L:C`, the source line, a caret under the column, and the `%%rust` hint;
//! - type errors (i32 + i64, wrong arg count, unknown name...) → a diagnostic whose line:col is
//!   one of the primary spans rustc reports for the same program (rustc run here, not hard-coded);
//! - panics: rustc's message and line, and the tier (variables, fns) survives them;
//! - interrupt: an infinite loop stops within 100 ms of setting `interrupt_flag()`;
//! - stack overflow from deep recursion is an error, not a crash.
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test diagnostics

mod common;

use accel_runtime::{Diagnostic, Failure, FastTier, JitOptions, Value};
use common::fast::{self, CellOutcome};
use common::rustc_ref::{self, RefCase};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(20);

/// Cases the fast tier is known to get wrong today (reported on every run, not failing it, so
/// the rest stays a gate). Remove a name when the run says it now passes.
/// Fails with every case that did not hold (all of them are listed, not only the first).
fn gate(kind: &str, total: usize, failures: Vec<(String, String)>) {
    let text: Vec<String> = failures.iter().map(|(n, w)| format!("[{n}] {w}")).collect();
    assert!(
        failures.is_empty(),
        "{} of {total} {kind}:\n{}",
        failures.len(),
        text.join("\n\n")
    );
}

fn opts() -> JitOptions {
    JitOptions::default()
}

/// Runs a cell that must be refused; returns its diagnostics and stdout.
fn refused(src: &str) -> (Vec<Diagnostic>, String) {
    match fast::run_one(src, &opts(), T) {
        CellOutcome::Ran {
            result: Err(Failure::Compile(ds)),
            stdout,
            ..
        } => {
            assert!(
                !ds.is_empty(),
                "Failure::Compile without any diagnostic for:\n{src}"
            );
            (ds, stdout)
        }
        o => panic!("expected a refusal for:\n{src}\ngot: {}", o.describe()),
    }
}

/// The rendered text must point at `line:col` rustc-style: an arrow, the source line, a caret
/// under the column.
fn check_rendered(d: &Diagnostic, src: &str) {
    let r = &d.rendered;
    assert!(
        r.starts_with("error"),
        "rendered diagnostic should start with `error`: {r}"
    );
    assert!(
        r.contains(&format!("-->")) && r.contains(&format!(":{}:{}", d.line, d.col)),
        "no ` --> cell:{}:{}` in:\n{r}",
        d.line,
        d.col
    );
    let text = src.lines().nth(d.line - 1).unwrap_or("");
    let lines: Vec<&str> = r.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.split_once('|')
                .map(|(n, rest)| {
                    n.trim() == d.line.to_string()
                        && rest.trim_end() == format!(" {text}").trim_end()
                })
                .unwrap_or(false)
        })
        .unwrap_or_else(|| panic!("source line {} `{text}` not shown in:\n{r}", d.line));
    let caret = lines
        .get(at + 1)
        .unwrap_or_else(|| panic!("no caret line in:\n{r}"));
    let bar = caret.find('|').expect("caret line has a gutter");
    let first = caret
        .find('^')
        .unwrap_or_else(|| panic!("no caret in:\n{r}"));
    // Columns are chars; the gutter `N | ` is ASCII, so byte offsets in the caret line are chars.
    assert_eq!(
        first - (bar + 2),
        d.col - 1,
        "caret not under column {} in:\n{r}",
        d.col
    );
}

/// (cell, the 1-based line and col of a character the diagnostic's span must cover)
const UNSUPPORTED: &[(&str, &str, usize, usize)] = &[
    ("struct", "struct P { x: i32 }\nlet p = 1;\n", 1, 1),
    ("struct after code", "println!(\"ran\");\nlet a = 1;\nstruct P { x: i32 }\n", 3, 1),
    ("enum", "enum E { A, B }\n", 1, 1),
    ("trait", "trait Shape { fn area(&self) -> f64; }\n", 1, 1),
    ("impl", "fn f() -> i32 { 1 }\nimpl Clone for X { }\n", 2, 1),
    ("generic fn", "fn id<T>(x: T) -> T { x }\n", 1, 7),
    ("String method", "println!(\"ran\");\nlet s = \"abc\";\nlet u = s.to_uppercase();\n", 3, 11),
    ("unknown crate in use", "use rand::Rng;\nlet a = 1;\n", 1, 5),
    ("unknown crate in path", "println!(\"ran\");\nlet x = rand::random::<f64>();\n", 2, 9),
    ("HashMap", "let m = std::collections::HashMap::<i32, i32>::new();\n", 1, 9),
    ("Box", "let b = Box::new(5i32);\n", 1, 9),
    ("unsafe block", "let x = unsafe { 1 };\n", 1, 9),
    ("static item", "static N: i32 = 3;\n", 1, 1),
    ("macro_rules", "macro_rules! m { () => { 1 } }\n", 1, 1),
    ("String::from", "let s = String::from(\"x\");\n", 1, 9),
    ("BTreeMap via use", "use std::collections::BTreeMap;\nlet m: BTreeMap<i32, i32> = BTreeMap::new();\n", 2, 8),
    ("Rc", "let r = std::rc::Rc::new(1);\n", 1, 9),
    ("Vec method", "let mut v = vec![3, 1];\nv.sort();\n", 2, 3),
    ("lifetime", "fn first<'a>(x: &'a [i32]) -> &'a i32 { &x[0] }\n", 1, 10),
    ("async fn", "async fn f() -> i32 { 1 }\n", 1, 1),
    ("unsafe fn", "unsafe fn f() -> i32 { 1 }\n", 1, 1),
    ("impl block", "struct S;\nimpl S { fn f(&self) {} }\n", 1, 1),
    ("struct literal", "let p = P { x: 1 };\n", 1, 9),
    ("dbg! macro", "let x = dbg!(1);\n", 1, 9),
    ("raw pointer", "let x = 3i32;\nlet p = &x as *const i32;\n", 2, 15),
    // (`ndarray::`/`accel::` paths are the fast tier's own array library, see tests/arrays_vs_rustc.rs)
    ("external crate fn", "let a = nalgebra::DMatrix::<f64>::zeros(3, 3);\n", 1, 9),
    ("question mark", "fn f() -> Option<i32> { None }\nlet y = f()?;\n", 2, 9),
    // Borders of Option, `&mut` and `Vec<Vec<T>>` support.
    ("Option owning a Vec", "fn f() -> usize { let q: Option<Vec<i64>> = None; 0 }\n", 1, 23),
    ("`&mut` scalar in a let", "let mut x = 1i64;\nlet r = &mut x;\n", 2, 9),
    ("pop of a Vec of Vecs", "let mut q = vec![vec![1i64]];\nq.pop();\n", 2, 1),
    ("iter_mut over rows", "let mut q = vec![vec![1i64]];\nfor r in q.iter_mut() { r.push(1); }\n", 2, 10),
    ("rows by value", "let q = vec![vec![1i64]];\nfor r in q { }\n", 2, 10),
    ("tuple holding a Vec", "let t = (1, vec![2]);\n", 1, 13),
    // A `move` closure's own copy of a `Copy` capture that would differ from the variable
    // (the fast tier reads captures in place).
    ("move closure changing its copy", "let mut a = [1i64, 2, 3];\nlet mut c = move || { a[0] = 9; a[0] };\nprintln!(\"{} {}\", c(), a[0]);\n", 2, 23),
    ("variable changed under a move closure", "let mut x = 1i64;\nlet c = move || x + 1;\nx = 5;\nprintln!(\"{} {}\", c(), x);\n", 3, 1),
    ("move closure in map changing its copy", "let mut k = 0i64;\nlet s: Vec<i64> = (0..3).map(move |i| { k += i; k }).collect();\nprintln!(\"{:?} {}\", s, k);\n", 2, 41),
    ("for body changing a map move closure's capture", "let mut k = 1i64;\nfor v in (0..3i64).map(move |i| i + k) {\n    k += 10;\n    println!(\"{} {}\", v, k);\n}\n", 3, 5),
    ("loop body changing a move closure's capture", "let mut x = 0i64;\nfor i in 0..3i64 {\n    let c = move || x + i;\n    x += 1;\n    println!(\"{}\", c());\n}\n", 4, 5),
];

#[test]
fn unsupported_constructs_are_refused_with_a_caret_and_the_rust_hint() {
    let mut failures = Vec::new();
    for (what, src, line, col) in UNSUPPORTED {
        let r = std::panic::catch_unwind(|| {
            let (ds, stdout) = refused(src);
            assert_eq!(stdout, "", "{what}: the cell ran before being refused");
            let d = &ds[0];
            let covers = d.line == *line
                && d.col <= *col
                && (d.end_line > *line
                    || d.end_col > *col
                    || (d.end_line == *line && d.end_col == d.col && d.col == *col));
            assert!(
                covers,
                "{what}: span {}:{}-{}:{} does not cover {line}:{col}\n{}",
                d.line, d.col, d.end_line, d.end_col, d.rendered
            );
            assert!(
                d.rendered.contains("%%rust"),
                "{what}: no %%rust hint in:\n{}",
                d.rendered
            );
            check_rendered(d, src);
        });
        if let Err(p) = r {
            failures.push((what.to_string(), fast::panic_text(&*p)));
        }
    }
    gate(
        "unsupported constructs not refused properly",
        UNSUPPORTED.len(),
        failures,
    );
}

/// Primary spans (line, col) of rustc's errors for `cell`, in cell coordinates.
fn rustc_error_spans(cell: &str) -> Vec<(usize, usize, String)> {
    let main_line = cell
        .lines()
        .position(|l| !l.starts_with("fn ") && !l.starts_with("    ") && l != "}")
        .map(|i| i + 1)
        .unwrap_or(1);
    let mut src = String::new();
    for (i, l) in cell.lines().enumerate() {
        if i + 1 == main_line {
            src.push_str("fn main() {\n");
        }
        src.push_str(l);
        src.push('\n');
    }
    src.push_str("}\n");
    let dir = common::scratch_dir("diagnostics");
    let path = dir.join(format!(
        "te{:x}.rs",
        cell.len() * 1000 + cell.bytes().map(|b| b as usize).sum::<usize>()
    ));
    std::fs::write(&path, &src).unwrap();
    let o = Command::new("rustc")
        .args([
            "--edition",
            "2021",
            "--error-format=short",
            "--emit=metadata",
            "-o",
        ])
        .arg(dir.join("te.rmeta"))
        .arg(&path)
        .output()
        .expect("rustc");
    let err = String::from_utf8_lossy(&o.stderr);
    let mut out = Vec::new();
    for l in err.lines() {
        // `path:L:C: error[E0308]: mismatched types`
        let Some(rest) = l.strip_prefix(&format!("{}:", path.display())) else {
            continue;
        };
        let mut it = rest.splitn(3, ':');
        let (Some(ln), Some(c), Some(msg)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        if !msg.trim_start().starts_with("error") {
            continue;
        }
        let (ln, c): (usize, usize) = (ln.parse().unwrap(), c.parse().unwrap());
        let cell_line = if ln > main_line { ln - 1 } else { ln };
        out.push((cell_line, c, msg.trim().to_string()));
    }
    out
}

const TYPE_ERRORS: &[(&str, &str)] = &[
    ("i32 + i64", "let a: i32 = 1;\nlet b: i64 = 2;\nlet c = a + b;\n"),
    ("wrong arg count", "fn f(x: i32, y: i32) -> i32 { x + y }\nlet r = f(1);\n"),
    ("unknown name", "let a = 1;\nlet b = a + zz;\n"),
    ("unknown fn", "let y = gg(2);\n"),
    ("float literal into u8", "let x: u8 = 1.5;\n"),
    ("if branches differ", "let z = if true { 1i32 } else { 2.0f64 };\n"),
    ("wrong return type", "fn h() -> i32 {\n    1.0\n}\nlet a = h();\n"),
    ("int method on float", "let q = 2.0f64.pow(2);\n"),
    ("assign to immutable", "let k = 1;\nk = 2;\n"),
    ("bool + int", "let t = true + 1;\n"),
    ("index with i32", "let v = vec![1, 2];\nlet i: i32 = 0;\nlet e = v[i];\n"),
    ("wrong arg type", "fn g(x: f64) -> f64 { x }\nlet r = g(1i32);\n"),
    ("f64 - i32", "let a = 2.5f64;\nlet b = 1i32;\nlet c = a - b;\n"),
    ("float + int literal", "let x = 1.0 + 1;\n"),
    ("bool + bool", "let t = true + true;\n"),
    ("i32 += i64", "let mut m = 1i32;\nm += 2i64;\n"),
    ("i32 % i64", "let a = 7i32;\nlet b = 2i64;\nlet c = a % b;\n"),
    ("f64 | f64", "let z = 1.0f64 | 2.0f64;\n"),
    ("i32 << float", "let a = 1i32;\nlet y = a << 1.0;\n"),
    ("match arms differ", "let n = 3;\nlet p = match n { 0 => 1i32, _ => 2.0f64 };\n"),
    ("else block tail differs", "let r = if true { 1i32 } else { let z = 1; 2.0f64 };\n"),
    ("compare i32 with float", "let a = 1i32;\nlet b = a == 1.0;\n"),
    ("unknown method", "let x = 1i32.frobnicate();\n"),
    ("two &mut of one variable", "fn two(a: &mut i64, b: &mut i64) { *a += *b; }\nlet mut x = 1i64;\ntwo(&mut x, &mut x);\n"),
    ("two &mut of one Vec", "fn two(a: &mut i64, b: &mut i64) { *a += *b; }\nlet mut v = vec![1i64, 2];\ntwo(&mut v[0], &mut v[1]);\n"),
    ("use while mutably borrowed", "fn rd(a: &mut i64, b: i64) { *a += b; }\nlet mut x = 1i64;\nrd(&mut x, x);\n"),
    ("&Vec and &mut Vec coerced to slices", "fn f(a: &[f64], b: &mut [f64]) { b[0] = a[0]; }\nlet mut v = vec![1.0, 2.0];\nf(&v, &mut v);\n"),
    ("&v[..] then &mut v as a slice", "fn f(a: &[f64], b: &mut [f64]) { b[0] = a[0]; }\nlet mut v = vec![1.0, 2.0];\nf(&v[..], &mut v);\n"),
    ("&mut v as a slice then &v", "fn h(b: &mut [f64], a: &[f64]) { b[0] = a[0]; }\nlet mut v = vec![1.0, 2.0];\nh(&mut v, &v);\n"),
    ("&mut v[..] then &v[1..]", "fn h(b: &mut [f64], a: &[f64]) { b[0] = a[0]; }\nlet mut v = vec![1.0, 2.0];\nh(&mut v[..], &v[1..]);\n"),
    ("&v then &mut v[1..]", "fn f(a: &[f64], b: &mut [f64]) { b[0] = a[0]; }\nlet mut v = vec![1.0, 2.0];\nf(&v, &mut v[1..]);\n"),
    ("push while first() is held", "let mut v = vec![1, 2];\nlet m = v.first();\nv.push(1);\nprintln!(\"{:?}\", m);\n"),
    ("IndexMut while get() is held", "let mut v = vec![1, 2];\nlet k = v.get(1);\nv[0] = 5;\nprintln!(\"{:?}\", k);\n"),
    ("push while iter().max() is held", "let mut v = vec![1, 2];\nlet x = v.iter().max();\nv.push(3);\nprintln!(\"{:?}\", x);\n"),
    ("push in a loop while last() is held", "let mut v = vec![1, 2];\nlet r = v.last();\nfor _ in 0..2 {\n    v.push(1);\n    println!(\"{:?}\", r);\n}\n"),
    ("assign into a fixed array while &a[0] is held", "let mut a = [1i64, 2, 3];\nlet r = &a[0];\na[1] = 2;\nprintln!(\"{}\", r);\n"),
    ("compound assign into an array under iter().max()", "let mut a = [1i64, 2, 3];\nlet m = a.iter().max();\na[0] += 5;\nprintln!(\"{:?}\", m);\n"),
    ("swap on an array while &a[2] is held", "let mut a = [1i64, 2, 3];\nlet r = &a[2];\na.swap(0, 1);\nprintln!(\"{}\", r);\n"),
    ("assign into a 2-d array while an element is held", "let mut g = [[0i64; 2]; 2];\nlet r = &g[0][1];\ng[1][0] = 4;\nprintln!(\"{}\", r);\n"),
    ("swap on a Vec while &v[2] is held", "let mut v = vec![1i64, 2, 3];\nlet r = &v[2];\nv.swap(0, 1);\nprintln!(\"{}\", r);\n"),
    ("fill on a Vec while first() is held", "let mut v = vec![1i64, 2, 3];\nlet r = v.first();\nv.fill(0);\nprintln!(\"{:?}\", r);\n"),
    ("push to the Vec a for loop iterates", "let mut v = vec![1i64, 2];\nfor x in v.iter() {\n    v.push(*x);\n}\n"),
    ("push to the Vec a for loop iterates by &v", "let mut v = vec![1i64, 2];\nfor x in &v {\n    v.push(*x);\n}\n"),
    ("assign into the array a for loop iterates", "let mut a = [1i64, 2, 3];\nfor x in a.iter().copied() {\n    a[0] += x;\n}\n"),
    ("assign into an array while &a is held", "let mut a = [1i64, 2, 3];\nlet r = &a;\na[0] = 9;\nprintln!(\"{:?}\", r);\n"),
    ("push while a closure borrows the Vec", "let mut v = vec![1i64, 2];\nlet c = || v.len();\nv.push(3);\nprintln!(\"{}\", c());\n"),
    ("read while a closure borrows the Vec mutably", "let mut v = vec![1i64, 2];\nlet mut c = || v.push(1);\nprintln!(\"{}\", v.len());\nc();\n"),
    ("push while a closure borrows the Vec mutably", "let mut v = vec![1i64, 2];\nlet mut c = || v.push(1);\nv.push(5);\nc();\n"),
    ("push inside a map closure over the same Vec", "let mut v = vec![1i64, 2];\nlet s: i64 = v.iter().map(|x| { v.push(1); *x }).sum();\nprintln!(\"{}\", s);\n"),
    ("assign inside a for_each closure over the same array", "let mut a = [1i64, 2, 3];\na.iter().for_each(|x| { a[0] = *x; });\n"),
    ("push while a tuple holds &v[0]", "let mut v = vec![1i64, 2];\nlet t = (&v[0], 1);\nv.push(2);\nprintln!(\"{}\", t.0);\n"),
    ("push while a block's &v[0] is held", "let mut v = vec![1i64, 2];\nlet r = { &v[0] };\nv.push(1);\nprintln!(\"{}\", *r);\n"),
    ("reassign a Vec while last() is held", "let mut v = vec![1i64, 2];\nlet r = v.last();\nv = vec![3];\nprintln!(\"{:?}\", r);\n"),
    ("read a scalar while a closure mutates it", "let mut x = 0i64;\nlet mut c = || x += 1;\nlet y = x;\nc();\nprintln!(\"{}\", y);\n"),
    ("assign a scalar a closure reads", "let mut x = 0i64;\nlet c = || x + 1;\nx += 1;\nprintln!(\"{}\", c());\n"),
    ("assign a scalar a closure mutates", "let mut x = 0i64;\nlet mut c = || x += 1;\nx = 5;\nc();\n"),
    ("compound-assign a scalar a closure mutates", "let mut x = 0i64;\nlet mut c = || x += 1;\nx += 2;\nc();\n"),
    ("&mut of a scalar a closure mutates", "fn inc(v: &mut i64) { *v += 1; }\nlet mut x = 0i64;\nlet mut c = || x += 1;\ninc(&mut x);\nc();\n"),
    ("&mut of a scalar a closure reads", "fn inc(v: &mut i64) { *v += 1; }\nlet mut x = 0i64;\nlet c = || x + 1;\ninc(&mut x);\nc();\n"),
    ("print a scalar a closure mutates", "let mut w = 1i64;\nlet mut g = || w *= 2;\nprintln!(\"{}\", w);\ng();\n"),
    ("non-exhaustive Option match", "let o: Option<i64> = Some(1);\nlet y = match o { Some(x) => x };\n"),
];

/// Borrows of fixed arrays, Vecs and slices held in `let`s (shared and `&mut`, through `&mut`
/// parameters, slices, closures, loops), each refused by rustc: the fast tier must refuse it
/// with rustc's code, message and line:col (checked like `TYPE_ERRORS`).
const BORROW_ERRORS: &[(&str, &str)] = &[
    ("arr mut then shared", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet s = &a;\nr[0] = 5;\n"),
    ("vec mut then shared", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nlet s = &a;\nr[0] = 5;\n"),
    ("arr mut then len", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet n = a.len();\nr[0] = 5;\n"),
    ("vec mut then len", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nlet n = a.len();\nr[0] = 5;\n"),
    ("arr mut then assign", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\na[1] = 2;\nr[0] = 5;\n"),
    ("vec mut then assign", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\na[1] = 2;\nr[0] = 5;\n"),
    ("arr shared then mut", "let mut a = [1i64, 2, 3];\nlet s = &a;\nlet r = &mut a;\nr[0] = 1;\nprintln!(\"{}\", s[0]);\n"),
    ("vec shared then mut", "let mut a = vec![1i64, 2, 3];\nlet s = &a;\nlet r = &mut a;\nr[0] = 1;\nprintln!(\"{}\", s[0]);\n"),
    ("arr slice mut then shared", "let mut a = [1i64, 2, 3];\nlet r = &mut a[..];\nlet s = &a[1..];\nr[0] = 5;\nprintln!(\"{}\", s[0]);\n"),
    ("vec slice mut then shared", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a[..];\nlet s = &a[1..];\nr[0] = 5;\nprintln!(\"{}\", s[0]);\n"),
    ("arr slice shared then mut", "let mut a = [1i64, 2, 3];\nlet s = &a[1..];\nlet r = &mut a[..];\nr[0] = 5;\nprintln!(\"{}\", s[0]);\n"),
    ("vec slice shared then mut", "let mut a = vec![1i64, 2, 3];\nlet s = &a[1..];\nlet r = &mut a[..];\nr[0] = 5;\nprintln!(\"{}\", s[0]);\n"),
    ("param mut arr ref elem assign", "fn f(a: &mut [i64; 3]) {\n    let r = &a[0];\n    a[1] = 2;\n    println!(\"{}\", r);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("arr shared whole assign", "let mut a = [1i64; 3];\nlet r = &a;\na[0] = 5;\nprintln!(\"{:?}\", r);\n"),
    ("param mut arr shared then mut", "fn f(a: &mut [i64; 3]) {\n    let s = &a[1..];\n    let r = &mut a[..];\n    r[0] = 5;\n    println!(\"{}\", s[0]);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("param mut arr mut then len", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    let n = a.len();\n    r[0] = 5;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("param mut arr mut then assign", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    a[1] = 2;\n    r[0] = 5;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("vec shared whole assign", "let mut a = vec![1i64; 3];\nlet r = &a;\na[0] = 5;\nprintln!(\"{:?}\", r);\n"),
    ("param mut vec ref elem assign", "fn f(a: &mut Vec<i64>) {\n    let r = &a[0];\n    a[1] = 2;\n    println!(\"{}\", r);\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("param mut slice ref elem assign", "fn f(a: &mut [i64]) {\n    let r = &a[0];\n    a[1] = 2;\n    println!(\"{}\", r);\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("arr mut then read elem", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet x = a[0];\nr[0] = 5;\nprintln!(\"{}\", x);\n"),
    ("vec mut then read elem", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nlet x = a[0];\nr[0] = 5;\nprintln!(\"{}\", x);\n"),
    ("arr mut then print", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nprintln!(\"{:?}\", a);\nr[0] = 5;\n"),
    ("arr mut twice", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet q = &mut a;\nq[1] = 3;\nr[0] = 5;\n"),
    ("vec mut twice", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nlet q = &mut a;\nq[1] = 3;\nr[0] = 5;\n"),
    ("arr mut passed fn", "fn sum(x: &[i64]) -> i64 { x.iter().sum() }\nlet mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet t = sum(&a);\nr[0] = t;\n"),
    ("vec mut then push", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\na.push(4);\nr[0] = 5;\n"),
    ("loop mut ref", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor i in 0..3 {\n    r[i] += a[i];\n}\n"),
    ("closure mut ref", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet c = || a[0];\nr[0] = c();\n"),
    ("arr shared then fnmut", "fn bump(x: &mut [i64; 3]) { x[0] += 1; }\nlet mut a = [1i64, 2, 3];\nlet s = &a;\nbump(&mut a);\nprintln!(\"{}\", s[0]);\n"),
    ("vec shared then fnmut", "fn bump(x: &mut Vec<i64>) { x[0] += 1; }\nlet mut a = vec![1i64, 2, 3];\nlet s = &a;\nbump(&mut a);\nprintln!(\"{}\", s[0]);\n"),
    ("arr mut ref then opassign", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\na[0] += 1;\nr[1] = 0;\n"),
    ("arr reassign whole", "let mut a = [1i64, 2, 3];\nlet r = &a;\na = [4, 5, 6];\nprintln!(\"{:?}\", r);\n"),
    ("arr mut reassign whole", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\na = [4, 5, 6];\nr[0] = 1;\n"),
    ("pa mut read elem", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    let x = a[0];\n    r[0] = x;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa mut opassign", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    a[0] += 1;\n    r[0] = 1;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa mut print", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    println!(\"{:?}\", a);\n    r[0] = 1;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa shared fill", "fn f(a: &mut [i64; 3]) {\n    let r = &a[1..];\n    a.fill(0);\n    println!(\"{:?}\", r);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa shared opassign", "fn f(a: &mut [i64; 3]) {\n    let r = &a[1..];\n    a[0] += 1;\n    println!(\"{:?}\", r);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa shared swap", "fn f(a: &mut [i64; 3]) {\n    let r = &a[1];\n    a.swap(0, 2);\n    println!(\"{:?}\", r);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa mut twice", "fn f(a: &mut [i64; 3]) {\n    let r = &mut a[..];\n    let q = &mut a[1..];\n    q[0] = 1;\n    r[0] = 1;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pa iter then assign", "fn f(a: &mut [i64; 3]) {\n    let m = a.iter().max();\n    a[0] = 1;\n    println!(\"{:?}\", m);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\n"),
    ("pv shared push", "fn f(a: &mut Vec<i64>) {\n    let r = &a[0];\n    a.push(1);\n    println!(\"{}\", r);\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("pv mut read", "fn f(a: &mut Vec<i64>) {\n    let r = &mut a[..];\n    let x = a[0];\n    r[0] = x;\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("pv mut len", "fn f(a: &mut Vec<i64>) {\n    let r = &mut a[..];\n    let n = a.len();\n    r[0] = n as i64;\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("pv shared opassign", "fn f(a: &mut Vec<i64>) {\n    let r = a.first();\n    a[0] += 1;\n    println!(\"{:?}\", r);\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("ps shared opassign", "fn f(a: &mut [i64]) {\n    let r = a.first();\n    a[0] += 1;\n    println!(\"{:?}\", r);\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("ps mut read", "fn f(a: &mut [i64]) {\n    let r = &mut a[1..];\n    let x = a[0];\n    r[0] = x;\n}\nlet mut a = vec![1i64; 3];\nf(&mut a);\n"),
    ("arr shared elem then mut ref", "let mut a = [1i64, 2, 3];\nlet s = &a[0];\nlet r = &mut a;\nr[0] = 1;\nprintln!(\"{}\", s);\n"),
    ("arr mut then shared elem", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet s = &a[0];\nr[0] = 1;\nprintln!(\"{}\", s);\n"),
    ("vec mut then shared elem", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nlet s = &a[0];\nr[0] = 1;\nprintln!(\"{}\", s);\n"),
    ("vec mut opassign", "let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\na[0] += 1;\nr[1] = 0;\n"),
    ("arr mut copy", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet b = a;\nr[1] = 0;\nprintln!(\"{:?}\", b);\n"),
    ("arr mut iter for", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor x in a.iter() {\n    println!(\"{}\", x);\n}\nr[1] = 0;\n"),
    ("arr mut closure mut", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet mut c = || a[0] = 1;\nc();\nr[1] = 0;\n"),
    ("vec shared closure push", "let mut a = vec![1i64, 2, 3];\nlet r = &a;\nlet mut c = || a.push(1);\nc();\nprintln!(\"{:?}\", r);\n"),
    ("vec shared in fn arg", "fn g(x: &mut Vec<i64>, y: &[i64]) { x[0] = y[0]; }\nlet mut a = vec![1i64, 2, 3];\nlet s = &a[1..];\ng(&mut a, &[1]);\nprintln!(\"{}\", s[0]);\n"),
    ("loop shared then push", "let mut v = vec![1i64, 2, 3];\nlet s = &v;\nfor i in 0..3 {\n    v.push(i);\n}\nprintln!(\"{}\", s[0]);\n"),
    ("loop mut then read", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nlet mut t = 0;\nwhile t < 3 {\n    t += v.len();\n}\nr.push(1);\n"),
    ("arr mut ref reborrow shared", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet s = &*r;\nr[0] = 1;\nprintln!(\"{}\", s[0]);\n"),
    ("arr mut elem ref then read", "let mut a = [1i64, 2, 3];\nlet r = &mut a[..];\nlet x = a[1];\nr[0] = x;\n"),
    ("shared param mut slice", "fn f(a: &[i64]) {\n    let r = &mut a[..];\n    r[0] = 1;\n}\nlet a = vec![1i64; 3];\nf(&a);\n"),
    ("shared param mut slice arr", "fn f(a: &[i64; 3]) -> i64 {\n    let r = &mut a[1..];\n    r[0]\n}\nlet a = [1i64; 3];\nlet x = f(&a);\n"),
    ("closure mut then read elem", "let mut a = [1i64, 2, 3];\nlet mut c = || a[0] += 1;\nlet x = a[1];\nc();\nprintln!(\"{}\", x);\n"),
    ("closure mut then len", "let mut v = vec![1i64, 2, 3];\nlet mut c = || v.push(1);\nlet n = v.len();\nc();\nprintln!(\"{}\", n);\n"),
    ("closure mut then ref", "let mut a = [1i64, 2, 3];\nlet mut c = || a[0] += 1;\nlet s = &a;\nc();\nprintln!(\"{:?}\", s);\n"),
    ("closure shared then mut ref", "let mut a = [1i64, 2, 3];\nlet c = || a[0] + 1;\nlet r = &mut a;\nr[0] = 2;\nprintln!(\"{}\", c());\n"),
    ("mut ref in while", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nlet mut i = 0;\nwhile i < v.len() {\n    r[i] += 1;\n    i += 1;\n}\n"),
    ("mut ref used in loop read after", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nfor i in 0..3 {\n    r[i] += 1;\n}\nprintln!(\"{:?}\", v);\nr[0] = 0;\n"),
    ("shared then param fn mut", "fn zero(x: &mut [i64]) { x[0] = 0; }\nlet mut a = [1i64, 2, 3];\nlet s = &a[1..];\nzero(&mut a);\nprintln!(\"{:?}\", s);\n"),
    ("mut slice then fn shared", "fn tot(x: &[i64]) -> i64 { x.iter().sum() }\nlet mut v = vec![1i64, 2, 3];\nlet r = &mut v[1..];\nlet t = tot(&v);\nr[0] = t;\n"),
    ("mut ref then fn mut", "fn zero(x: &mut [i64]) { x[0] = 0; }\nlet mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nzero(&mut v);\nr[0] = 1;\n"),
    ("mut ref then iter sum", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nlet s: i64 = v.iter().sum();\nr[0] = s;\n"),
    ("mut ref then for ref", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor x in &a {\n    println!(\"{}\", x);\n}\nr[0] = 0;\n"),
    ("mut ref then for by value", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor x in a {\n    println!(\"{}\", x);\n}\nr[0] = 0;\n"),
    ("mut ref then assert", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nassert_eq!(a[0], 1);\nr[0] = 0;\n"),
    ("mut ref then index by elem", "let mut v = vec![0usize, 1, 2];\nlet r = &mut v;\nr[v[0]] = 5;\n"),
    ("mut ref rhs reads", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nr[0] = a[1];\n"),
    ("mut ref vec rhs reads", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nr[0] = v.len() as i64;\n"),
    ("mut ref push own", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nr.push(v[0]);\n"),
    ("nested block mut", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\n{\n    let x = a[2];\n    r[0] = x;\n}\n"),
    ("if branch mut", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nif v.len() > 2 {\n    r[0] = 1;\n}\n"),
    ("2d arr mut", "let mut g = [[0i64; 2]; 2];\nlet r = &mut g[0];\nlet x = g[1][0];\nr[0] = x;\n"),
    ("2d arr shared assign", "let mut g = [[0i64; 2]; 2];\nlet r = &g[0];\ng[1][0] = 3;\nprintln!(\"{:?}\", r);\n"),
    ("vec first then mut ref", "let mut v = vec![1i64, 2, 3];\nlet m = v.first();\nlet r = &mut v;\nr[0] = 2;\nprintln!(\"{:?}\", m);\n"),
    ("global mut then read in fn", "fn f(a: &mut [i64; 3], b: &[i64; 3]) { a[0] = b[0]; }\nlet mut a = [1i64, 2, 3];\nlet r = &mut a;\nf(r, &a);\n"),
    ("mut ref tuple shared", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet t = (a[0], 1);\nr[1] = t.0;\n"),
    ("fn mut then shared", "fn zero(x: &mut [i64]) { x[0] = 0; }\nlet mut a = [1i64, 2, 3];\nzero(&mut a);\nlet s = &a[1..];\nzero(&mut a[1..]);\nprintln!(\"{:?}\", a);\nprintln!(\"{}\", s.len() + 0 * 0);\n"),
    ("slice param mut opassign", "fn f(a: &mut [i64]) {\n    let r = &mut a[1..];\n    a[0] += 1;\n    r[0] = 1;\n}\nlet mut v = vec![1i64; 3];\nf(&mut v);\n"),
    ("slice param shared local", "fn f(a: &mut [i64]) -> i64 {\n    let r = &mut a[1..];\n    let s = &a;\n    r[0] = 1;\n    s[0]\n}\nlet mut v = vec![1i64; 3];\nlet x = f(&mut v);\n"),
    ("tuple shared push", "let mut v = vec![1i64, 2];\nlet w = vec![3i64];\nlet t = (&v, &w);\nv.push(1);\nprintln!(\"{}\", t.0.len());\n"),
    ("shared iter mut", "let mut a = [1i64, 2, 3];\nlet s = &a;\nfor x in a.iter_mut() {\n    *x += 1;\n}\nprintln!(\"{:?}\", s);\n"),
    ("mut held iter mut", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor x in a.iter_mut() {\n    *x += 1;\n}\nr[0] = 0;\n"),
    ("reborrow shared then mut", "let mut v = vec![1i64, 2];\nlet r = &mut v;\nlet s = &*r;\nr.push(3);\nprintln!(\"{}\", s.len());\n"),
    ("closure captures mut ref bad", "let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet mut c = || r[0] += 1;\nprintln!(\"{:?}\", a);\nc();\n"),
    ("fold mut held", "let mut v = vec![1i64, 2];\nlet r = &mut v;\nlet s = v.iter().fold(0, |a, x| a + x);\nr.push(s);\n"),
    ("mut param pass twice", "fn bump(x: &mut [i64]) { x[0] += 1; }\nfn f(a: &mut Vec<i64>) {\n    let r = &mut a[..];\n    bump(a);\n    r[0] = 0;\n}\nlet mut v = vec![1i64];\nf(&mut v);\n"),
    ("shared slice then sort like", "let mut v = vec![3i64, 1, 2];\nlet s = &v[..2];\nv.swap(0, 2);\nprintln!(\"{:?}\", s);\n"),
    ("mut vec then contains", "let mut v = vec![3i64, 1, 2];\nlet r = &mut v;\nlet b = v.contains(&3);\nr.push(1);\nprintln!(\"{}\", b);\n"),
    ("mut then clone", "let mut v = vec![3i64, 1, 2];\nlet r = &mut v;\nlet w = v.clone();\nr.push(1);\nprintln!(\"{:?}\", w);\n"),
    ("mut arr then eq", "let mut a = [1i64, 2];\nlet r = &mut a;\nlet e = a == [1, 2];\nr[0] = 5;\nprintln!(\"{}\", e);\n"),
    ("shared global nested block", "let mut v = vec![1i64];\nlet s = &v;\n{\n    v.push(2);\n}\nprintln!(\"{:?}\", s);\n"),
    ("mut held in if", "let mut v = vec![1i64];\nlet r = &mut v;\nif r.len() > 0 {\n    v.push(2);\n}\nr.push(3);\n"),
    ("mut held eq vec", "let mut v = vec![1i64];\nlet r = &mut v;\nassert!(v.len() == 1);\nr.push(1);\n"),
    ("shared vec opassign", "let mut v = vec![1i64, 2];\nlet s = &v[1..];\nv[0] += 1;\nprintln!(\"{:?}\", s);\n"),
    ("shared vec insert", "let mut v = vec![1i64, 2];\nlet s = v.last();\nv.insert(0, 5);\nprintln!(\"{:?}\", s);\n"),
    ("shared vec extend", "let mut v = vec![1i64, 2];\nlet w = vec![3i64];\nlet s = &v;\nv.extend_from_slice(&w);\nprintln!(\"{:?}\", s);\n"),
    ("shared vec remove", "let mut v = vec![1i64, 2];\nlet s = &v[0];\nlet x = v.remove(1);\nprintln!(\"{} {}\", s, x);\n"),
    ("shared vec pop print", "let mut v = vec![1i64, 2];\nlet s = &v;\nlet p = v.pop();\nprintln!(\"{:?} {:?}\", s, p);\n"),
    ("mut vec clear", "let mut v = vec![1i64, 2];\nlet r = &mut v[..];\nv.clear();\nr[0] = 1;\n"),
    ("mut vec truncate len", "let mut v = vec![1i64, 2];\nlet r = &mut v;\nv.truncate(1);\nr.push(1);\n"),
    ("mut arr fill", "let mut a = [1i64, 2];\nlet r = &mut a;\na.fill(0);\nr[0] = 1;\n"),
    ("mut arr swap", "let mut a = [1i64, 2];\nlet r = &mut a[..];\na.swap(0, 1);\nr[0] = 1;\n"),
    ("mut arr index in fmt width", "let mut a = [1i64, 2];\nlet r = &mut a;\nlet n = a.len();\nprintln!(\"{}\", n);\nr[0] = 1;\n"),
    ("mut 2d row then elem", "let mut g = [[0i64; 2]; 2];\nlet r = &mut g[1];\ng[0][0] = 1;\nr[0] = 2;\nprintln!(\"{:?}\", g);\n"),
    ("mut vec2d row", "let mut g = vec![vec![0i64; 2]; 2];\nlet r = &mut g[1];\nlet x = g[0][0];\nr[0] = x;\n"),
    ("shared in while cond", "let mut v = vec![1i64, 2];\nlet s = &v;\nwhile v.len() < 4 {\n    v.push(0);\n}\nprintln!(\"{:?}\", s);\n"),
    ("mut held map closure", "let mut v = vec![1i64, 2];\nlet r = &mut v;\nlet s: i64 = (0..2).map(|i| v[i]).sum();\nr.push(s);\n"),
    ("closure held ref then push", "let mut v = vec![1i64, 2];\nlet r = &v;\nlet c = || r.len();\nv.push(3);\nprintln!(\"{}\", c());\n"),
    ("mut held for over range len", "let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nfor i in 0..v.len() {\n    r[i] += 1;\n}\n"),
    ("shared param then mut call", "fn g(a: &mut [i64]) { a[0] = 0; }\nfn f(a: &mut [i64; 2]) -> i64 {\n    let s = &a[1];\n    g(a);\n    *s\n}\nlet mut a = [4i64, 5];\nprintln!(\"{}\", f(&mut a));\n"),
    ("mut held any", "let mut v = vec![1i64, 2];\nlet r = &mut v;\nlet has = v.iter().any(|x| *x > 1);\nr.push(has as i64);\n"),
    ("if then use after", "let mut v = vec![1i64];\nlet s = &v;\nlet c = true;\nif c {\n    v.push(2);\n}\nprintln!(\"{:?}\", s);\n"),
    ("if else mut both", "let mut v = vec![1i64];\nlet c = v.len() > 5;\nlet r = &mut v;\nif c {\n    v.push(2);\n    r.push(0);\n} else {\n    r.push(1);\n}\n"),
];

#[test]
fn type_errors_point_where_rustc_points() {
    like_rustc(TYPE_ERRORS, "type errors not reported like rustc");
}

#[test]
fn borrow_errors_point_where_rustc_points() {
    like_rustc(BORROW_ERRORS, "borrow errors not reported like rustc");
}

fn like_rustc(table: &[(&str, &str)], kind: &str) {
    let mut failures = Vec::new();
    for (what, src) in table {
        let want = rustc_error_spans(src);
        assert!(
            !want.is_empty(),
            "{what}: rustc accepted the program (test bug):\n{src}"
        );
        let r = std::panic::catch_unwind(|| {
            let (ds, _) = refused(src);
            let d = &ds[0];
            let at = want.iter().find(|(l, c, _)| *l == d.line && *c == d.col);
            assert!(
                at.is_some(),
                "{what}: fast tier says {}:{} `{}`; rustc says {:?}\n{}",
                d.line,
                d.col,
                d.message,
                want,
                d.rendered
            );
            // Same code and message: rustc's short form is `error[CODE]: message[: primary label]`.
            let head = d.rendered.lines().next().unwrap_or("");
            let label = d
                .rendered
                .lines()
                .find_map(|l| {
                    l.split_once('^')
                        .map(|(_, r)| r.trim_start_matches('^').trim().to_string())
                })
                .unwrap_or_default();
            let rustc = &at.unwrap().2;
            assert!(
                rustc == head || (!label.is_empty() && *rustc == format!("{head}: {label}")),
                "{what}: fast tier says `{head}` (label `{label}`); rustc says `{rustc}`\n{}",
                d.rendered
            );
            check_rendered(d, src);
        });
        if let Err(p) = r {
            failures.push((what.to_string(), fast::panic_text(&*p)));
        }
    }
    gate(kind, table.len(), failures);
}

/// References into a Vec bound by `let` whose borrow has ended (or never existed) before a mutation.
#[test]
fn references_into_a_vec_used_before_mutation_run() {
    let src = "let mut c = vec![1i64, 2];\nlet y = *c.iter().max().unwrap();\nc.push(3);\nlet z = c.first().copied();\nc.push(4);\nlet w = c.last();\nprintln!(\"{:?}\", w);\nc.push(5);\nlet q = c.first();\nc.push(*q.unwrap());\n(y, z, c.len(), c[5])\n";
    let o = fast::run_one(src, &opts(), T);
    assert_eq!(
        ok_value(&o).as_deref(),
        Some("(2, Some(1), 6, 1)"),
        "{}",
        o.describe()
    );
}

/// A workspace variable holding a borrow (`let f = w.first();` at top level) may not be used in a
/// later cell: the cell before could have pushed to `w` (reallocating what `f` points into).
/// evcxr refuses to persist such a variable at all; the fast tier allows it within its cell.
#[test]
fn a_borrow_is_not_kept_across_cells() {
    let cells: Vec<String> = [
        "let mut w = vec![1i64, 2];\nlet f = w.first();\nprintln!(\"{:?}\", f);\n",
        "w.push(3);\nw.push(4);\nprintln!(\"{:?}\", f);\n",
        "w.len()\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let outs = fast::run_cells(&cells, &opts(), T);
    match &outs[0] {
        CellOutcome::Ran {
            result: Ok(None),
            stdout,
            ..
        } => assert_eq!(stdout, "Some(1)\n"),
        o => panic!("cell 1 should run: {}", o.describe()),
    }
    match &outs[1] {
        CellOutcome::Ran {
            result: Err(Failure::Compile(ds)),
            stdout,
            ..
        } => {
            assert!(
                stdout.is_empty(),
                "refused before running anything: {stdout}"
            );
            assert_eq!(
                (ds[0].line, ds[0].col, ds[0].end_col),
                (3, 18, 19),
                "{}",
                ds[0].rendered
            );
            assert!(
                ds[0].rendered.contains("`f`") && ds[0].rendered.contains("%%rust"),
                "{}",
                ds[0].rendered
            );
            check_rendered(&ds[0], &cells[1]);
        }
        o => panic!("cell 2 should be refused: {}", o.describe()),
    }
    assert_eq!(ok_value(&outs[2]).as_deref(), Some("2"));
}

/// Iterating over an array by value copies it: the body may assign into it (rustc accepts).
#[test]
fn for_over_an_array_by_value_may_assign_into_it() {
    let src = "let mut a = [1i64, 2, 3];\nfor x in a {\n    a[0] += x;\n}\na\n";
    let o = fast::run_one(src, &opts(), T);
    assert_eq!(
        ok_value(&o).as_deref(),
        Some("[7, 2, 3]"),
        "{}",
        o.describe()
    );
}

/// A closure's borrow of a scalar ends at its last call; a closure that only reads may share it.
#[test]
fn scalar_captures_end_at_the_last_call() {
    let src = "let mut t = 0i64;\nlet mut bump = || t += 10;\nbump();\nbump();\nlet k = 3.0;\nlet sc = |v: f64| v * k;\nlet q = k + sc(2.0);\n(t, q)\n";
    let o = fast::run_one(src, &opts(), T);
    assert_eq!(
        ok_value(&o).as_deref(),
        Some("(20, 9.0)"),
        "{}",
        o.describe()
    );
}

/// A closure's borrow ends at its last call: using the Vec afterwards is fine (rustc accepts).
#[test]
fn closure_borrows_end_at_the_last_call() {
    let src = "let mut v = vec![1i64, 2];\nlet mut c = || v.push(1);\nc();\nc();\nv.push(2);\nlet d = || v.len();\nlet n = d() + v.len();\nv.push(3);\n(n, v.len())\n";
    let o = fast::run_one(src, &opts(), T);
    assert_eq!(ok_value(&o).as_deref(), Some("(10, 6)"), "{}", o.describe());
}

/// Panicking cells: message and line equal rustc's (run here with release semantics).
const PANICS: &[&str] = &[
    "let v = vec![1, 2, 3];\nlet i = 5usize;\nlet x = v[i];\n",
    "let a = 7i32;\nlet z = a - 7;\nlet q = a / z;\n",
    "let a = 7u8;\nlet z = a - 7;\nlet q = a % z;\n",
    "let m = i32::MIN;\nlet d = -1i32;\nlet q = m / d;\n",
    "let o: Option<i32> = None;\nlet x = 3i32.checked_add(i32::MAX).unwrap();\n",
    "let n = 3;\npanic!(\"boom {} {:?}\", n, 2.5);\n",
    "let a = 1;\nassert!(a > 2);\n",
    "let a = 1;\nassert_eq!(a + 1, 3);\n",
    "let a = 1;\nassert!(a > 2, \"a was {}\", a);\n",
    "fn f(v: &[f64], i: usize) -> f64 {\n    v[i]\n}\nlet v = vec![1.0, 2.0];\nprintln!(\"before\");\nlet x = f(&v, 2);\n",
    "let x: u32 = 0;\nunreachable!();\n",
    "let v: Vec<i64> = Vec::new();\nlet s = &v[..];\nlet x = s[0];\n",
];

#[test]
fn panic_messages_and_lines_match_rustc() {
    let cases: Vec<RefCase> = PANICS
        .iter()
        .map(|c| RefCase {
            cell: c.to_string(),
            main_line: c
                .lines()
                .position(|l| !l.starts_with("fn ") && !l.starts_with("    ") && l != "}")
                .unwrap()
                + 1,
            trailing_expr: false,
        })
        .collect();
    let refs = rustc_ref::run_batch(
        &common::scratch_dir("diagnostics-panics"),
        "panics",
        &cases,
        T,
    )
    .expect("rustc");
    let mut failures = Vec::new();
    for (c, r) in PANICS.iter().zip(&refs) {
        let (line, msg) = r
            .panic
            .clone()
            .unwrap_or_else(|| panic!("rustc did not panic on:\n{c}"));
        match fast::run_one(c, &opts(), T) {
            CellOutcome::Ran {
                result: Err(Failure::Panic { message, line: l }),
                stdout,
                ..
            } => {
                if message != msg || l != line || stdout != r.stdout {
                    failures.push(format!("{c}\n  fast: line {l} {message:?} stdout {stdout:?}\n  rustc: line {line} {msg:?} stdout {:?}", r.stdout));
                }
            }
            o => failures.push(format!(
                "{c}\n  fast: {}\n  rustc: line {line} {msg:?}",
                o.describe()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} panics differ from rustc:\n{}",
        failures.len(),
        PANICS.len(),
        failures.join("\n")
    );
}

fn ok_value(o: &CellOutcome) -> Option<String> {
    match o {
        CellOutcome::Ran { result: Ok(v), .. } => v.as_ref().map(|v: &Value| v.text.clone()),
        o => panic!("expected success, got {}", o.describe()),
    }
}

#[test]
fn tier_survives_panics_with_its_variables_and_fns() {
    let cells: Vec<String> = [
        "fn twice(x: i64) -> i64 { 2 * x }\nlet mut keep = 41i64;\nlet v = vec![1.5f64, 2.5, 3.5];\n",
        "let bad = v[5];\n",
        "keep += 1;\nkeep\n",
        "let z = keep - 42;\nlet q = keep / z;\n",
        "let s = twice(keep) as f64 + v[2];\nprintln!(\"{} {:?}\", keep, v);\ns\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let outs = fast::run_cells(&cells, &opts(), T);
    assert_eq!(
        outs.len(),
        cells.len(),
        "{:?}",
        outs.iter().map(|o| o.describe()).collect::<Vec<_>>()
    );
    assert_eq!(ok_value(&outs[0]), None);
    match &outs[1] {
        CellOutcome::Ran {
            result: Err(Failure::Panic { message, line }),
            ..
        } => {
            assert_eq!(
                message,
                "index out of bounds: the len is 3 but the index is 5"
            );
            assert_eq!(*line, 1);
        }
        o => panic!("cell 2 should panic: {}", o.describe()),
    }
    assert_eq!(ok_value(&outs[2]).as_deref(), Some("42"));
    match &outs[3] {
        CellOutcome::Ran {
            result: Err(Failure::Panic { message, line }),
            ..
        } => {
            assert_eq!(message, "attempt to divide by zero");
            assert_eq!(*line, 2);
        }
        o => panic!("cell 4 should panic: {}", o.describe()),
    }
    match &outs[4] {
        CellOutcome::Ran {
            result: Ok(Some(v)),
            stdout,
            ..
        } => {
            assert_eq!(v.text, "87.5");
            assert_eq!(stdout, "42 [1.5, 2.5, 3.5]\n");
        }
        o => panic!("cell 5: {}", o.describe()),
    }
}

/// Runs `cells[0]` (setup) then `cells[1]` (an infinite loop) on one tier; sets the interrupt
/// flag once the loop has run `after`; returns the time from setting the flag to `run_cell`
/// returning, the loop cell's result, and the result of `cells[2]` run afterwards.
fn interrupt_after(
    cells: [&str; 3],
    after: Duration,
) -> (
    Duration,
    Result<Option<Value>, Failure>,
    Result<Option<Value>, Failure>,
) {
    let (flag_tx, flag_rx) = mpsc::channel();
    let (started_tx, started_rx) = mpsc::channel();
    let (res_tx, res_rx) = mpsc::channel();
    let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
    std::thread::spawn(move || {
        let mut tier = FastTier::new();
        flag_tx.send(tier.interrupt_flag()).unwrap();
        let cap = fast::Capture::default();
        let r0 = tier.run_cell(&cells[0], &opts(), &cap);
        assert!(r0.is_ok(), "setup cell failed: {r0:?}");
        started_tx.send(()).unwrap();
        let r1 = tier.run_cell(&cells[1], &opts(), &cap);
        let done = Instant::now();
        res_tx.send((done, r1)).unwrap();
        // The kernel clears the flag after an interrupt is handled.
        let r2 = tier.run_cell(&cells[2], &opts(), &cap);
        res_tx.send((Instant::now(), r2)).unwrap();
    });
    let flag = flag_rx.recv().unwrap();
    started_rx.recv_timeout(T).expect("setup cell finished");
    std::thread::sleep(after);
    let t0 = Instant::now();
    flag.store(true, Ordering::SeqCst);
    let (done, r1) = res_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("interrupted cell returned within 10 s");
    flag.store(false, Ordering::SeqCst);
    let (_, r2) = res_rx
        .recv_timeout(T)
        .expect("the cell after the interrupt returned");
    (done.saturating_duration_since(t0), r1, r2)
}

#[test]
fn interrupt_stops_infinite_loops_within_100ms_and_keeps_variables() {
    let loops = [
        ("loop", "let mut i: u64 = 0;\nloop { i = i.wrapping_add(1); }\n"),
        ("while true", "let mut j: u64 = 1;\nwhile j > 0 { j = j.wrapping_mul(3) | 1; }\n"),
        ("huge for in a fn", "fn spin(n: u64) -> u64 { let mut s = 0u64; for k in 0..n { s = s.wrapping_add(k ^ (s >> 3)); } s }\nlet r = spin(u64::MAX);\n"),
        ("nested for", "let mut acc = 0i64;\nfor a in 0..i64::MAX { for b in 0..3 { acc = acc.wrapping_add(a * b); } }\n"),
    ];
    let mut failures = Vec::new();
    for (what, body) in loops {
        let (dt, r1, r2) = interrupt_after(
            ["let mut kept = 7i64;\n", body, "kept += 1;\nkept\n"],
            Duration::from_millis(300),
        );
        if !matches!(r1, Err(Failure::Interrupted)) {
            failures.push(format!("{what}: interrupted cell returned {r1:?}"));
        }
        if dt > Duration::from_millis(100) {
            failures.push(format!(
                "{what}: stopped {dt:?} after the flag was set (limit 100 ms)"
            ));
        }
        match r2 {
            Ok(Some(v)) if v.text == "8" => {}
            other => failures.push(format!(
                "{what}: the cell after the interrupt gave {other:?}, want 8"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn deep_recursion_is_an_error_not_a_crash() {
    let cells: Vec<String> = [
        "fn depth(n: u64) -> u64 { if n == 0 { 0 } else { 1 + depth(n - 1) } }\nlet small = depth(1000);\n",
        "let big = depth(1_000_000_000);\n",
        "small + depth(10)\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let outs = fast::run_cells(&cells, &opts(), Duration::from_secs(60));
    assert_eq!(
        outs.len(),
        3,
        "{:?}",
        outs.iter().map(|o| o.describe()).collect::<Vec<_>>()
    );
    assert_eq!(ok_value(&outs[0]), None);
    match &outs[1] {
        CellOutcome::Ran {
            result: Err(Failure::StackOverflow),
            ..
        } => {}
        o => panic!("deep recursion: {}", o.describe()),
    }
    assert_eq!(ok_value(&outs[2]).as_deref(), Some("1010"));
}

/// Views alias the array they borrow: what rustc's borrow checker refuses while a `let`-bound
/// view is alive must be refused (code, line:col of the offending use).
const VIEW_ALIASING: &[(&str, &str, &str, usize, usize)] = &[
    ("write under a view", "let mut a = Array2::<f64>::zeros((2, 3));\n{\n    let r = a.row(0);\n    a[[0, 1]] = 1.0;\n    println!(\"{r}\");\n}\n", "error[E0502]", 4, 5),
    ("mutating method under a view", "let mut a = Array1::<f64>::zeros(4);\n{\n    let v = a.slice(s![1..]);\n    a.fill(2.0);\n    println!(\"{}\", v.sum());\n}\n", "error[E0502]", 4, 5),
    ("read under a mutable view", "let mut a = Array2::<i64>::zeros((2, 2));\n{\n    let mut m = a.column_mut(1);\n    let s = a.sum();\n    m[0] = s;\n}\n", "error[E0502]", 4, 13),
    // (checked against rustc with the accel crate)
    ("write under a view used later", "let mut a = Array2::<f64>::zeros((2, 3));\n{\n    let r = a.row(0);\n    a[[0, 1]] = 1.0;\n    println!(\"{}\", r.sum());\n}\n", "error[E0502]", 4, 5),
    ("write under a view of a view", "let mut a = Array2::<f64>::zeros((2, 3));\n{\n    let r = a.row(0);\n    let q = r.slice(s![..2]);\n    a[[0, 1]] = 1.0;\n    println!(\"{}\", q.sum());\n}\n", "error[E0502]", 5, 5),
    ("write in a loop under a view", "let mut a = Array1::<f64>::zeros(4);\n{\n    let v = a.slice(s![1..]);\n    for i in 0..2 {\n        a[i] = v[0];\n    }\n}\n", "error[E0502]", 5, 9),
    ("move of a viewed array", "fn take(a: Array1<f64>) -> f64 { a.sum() }\nlet a = Array1::<f64>::zeros(3);\n{\n    let v = a.view();\n    let t = take(a);\n    println!(\"{t} {v}\");\n}\n", "error[E0505]", 5, 18),
];

#[test]
fn view_aliasing_is_refused_like_rustc() {
    for (what, src, code, line, col) in VIEW_ALIASING {
        let (ds, _) = refused(src);
        let d = &ds[0];
        assert!(
            d.rendered.starts_with(code),
            "{what}: want {code}, got:\n{}",
            d.rendered
        );
        assert_eq!((d.line, d.col), (*line, *col), "{what}:\n{}", d.rendered);
        check_rendered(d, src);
    }
    // the same accesses after the view's block are accepted and run
    let ok = "let mut a = Array2::<f64>::zeros((2, 3));\n{\n    let r = a.row(0);\n    println!(\"{r}\");\n}\na[[0, 1]] = 1.0;\na.fill(3.0);\na.sum()\n";
    assert_eq!(
        ok_value(&fast::run_one(ok, &opts(), T)).as_deref(),
        Some("18.0")
    );
    // and after the view's last use (NLL; stdout of the rustc-compiled programs)
    for (src, want) in [
        ("let mut a = Array2::<f64>::zeros((2, 3));\n{\n    let r = a.row(0);\n    println!(\"{}\", r.sum());\n    a[[0, 1]] = 1.0;\n}\nprintln!(\"{}\", a.sum());\n", "0\n1\n"),
        ("let mut a = Array1::<f64>::zeros(4);\n{\n    let mut m = a.slice_mut(s![1..]);\n    m[0] = 2.0;\n    let t = a.sum();\n    println!(\"{}\", t);\n}\n", "2\n"),
        ("let mut a = Array1::<f64>::zeros(4);\n{\n    let v = a.slice(s![1..]);\n    let t = v.sum();\n    a.fill(t + 2.0);\n}\nprintln!(\"{}\", a.sum());\n", "8\n"),
        ("let mut a = Array1::<f64>::zeros(4);\n{\n    let mut m = a.slice_mut(s![1..]);\n    m[0] = 3.0;\n    m[1] = 4.0;\n}\nlet t = a.sum();\nprintln!(\"{}\", t);\n", "7\n"),
    ] {
        match fast::run_one(src, &opts(), T) {
            CellOutcome::Ran { result: Ok(_), stdout, .. } => assert_eq!(stdout, want, "{src}"),
            o => panic!("{src}: {}", o.describe()),
        }
    }
}
