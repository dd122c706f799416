//! Optimisations follow meaning, not spelling: every spelling of one reduction is recognised
//! into the same loop form (`lower/loop_form/`) and gets the same code. For each group of
//! spellings this compiles every member, strict and under `--fastmath`, and checks that
//! `%annotate` reports the same strategy and costs for all of them and that they compute the
//! same bits; strict sums must also be bit-identical to the same sum computed here by rustc.

mod common;

use accel_runtime::{FastTier, JitOptions};
use common::fast::Capture;

/// The body of `fn f(a: &[f64]) -> f64` (or `(a, b)`) for each spelling of a sum of
/// `E(x)`: `{x}` in the template stands for the element.
fn singles(e: &str) -> Vec<String> {
    let at = |x: &str| e.replace("{x}", x);
    let (x, ai) = (at("x"), at("a[i]"));
    vec![
        format!("    let mut acc = 0.0;\n    for x in a {{ acc += {x}; }}\n    acc\n"),
        format!("    let mut acc = 0.0;\n    for &x in a {{ acc += {x}; }}\n    acc\n"),
        format!("    let mut acc = 0.0;\n    for x in a.iter() {{ acc += {x}; }}\n    acc\n"),
        format!("    let mut acc = 0.0;\n    for i in 0..a.len() {{ acc += {ai}; }}\n    acc\n"),
        format!("    let n = a.len();\n    let mut acc = 0.0;\n    for i in 0..n {{ acc += {ai}; }}\n    acc\n"),
        format!("    a.iter().map(|x| {x}).sum::<f64>()\n"),
        format!("    a.iter().copied().map(|x| {x}).sum::<f64>()\n"),
        format!("    (0..a.len()).map(|i| {ai}).sum::<f64>()\n"),
        format!("    a.iter().fold(0.0, |acc, x| acc + ({x}))\n"),
        format!("    a.iter().fold(0.0, |acc, &x| acc + ({x}))\n"),
        format!("    let mut acc = 0.0;\n    a.iter().for_each(|x| acc += {x});\n    acc\n"),
    ]
}

fn dots() -> Vec<String> {
    vec![
        "    let mut acc = 0.0;\n    for (x, y) in a.iter().zip(b) { acc += x * y; }\n    acc\n".into(),
        "    let mut acc = 0.0;\n    for (&x, &y) in a.iter().zip(b.iter()) { acc += x * y; }\n    acc\n".into(),
        "    a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>()\n".into(),
        "    a.iter().zip(b.iter()).fold(0.0, |acc, (x, y)| acc + x * y)\n".into(),
        "    let mut acc = 0.0;\n    a.iter().zip(b).for_each(|(x, y)| acc += x * y);\n    acc\n".into(),
        "    let n = a.len().min(b.len());\n    let mut acc = 0.0;\n    for i in 0..n { acc += a[i] * b[i]; }\n    acc\n".into(),
    ]
}

fn annotate(src: &str, opts: &JitOptions) -> String {
    let mut t = FastTier::new();
    t.compile_only(src, opts)
        .unwrap_or_else(|e| panic!("{e:?}\n{src}"));
    t.annotate("f").unwrap().text
}

/// The cost notes of `fn f`'s lines, without the bounds checks a range spelling elides (its
/// bound proves them) or hoists (one test and a checked fallback copy before the same loop).
fn notes(src: &str, opts: &JitOptions) -> Vec<String> {
    annotate(src, opts)
        .lines()
        .filter_map(|l| l.split_once("    // ").map(|(_, n)| n.to_string()))
        .map(|n| {
            n.split(", ")
                .filter(|p| {
                    !p.contains("hoisted") && !p.contains("fallback") && !p.contains("elided")
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

fn bits(src: &str, call: &str, opts: &JitOptions) -> String {
    let mut t = FastTier::new();
    let cell = format!("{src}{call}");
    t.run_cell(&cell, opts, &Capture::default())
        .unwrap_or_else(|e| panic!("{e:?}\n{cell}"))
        .unwrap()
        .text
}

/// (Results compare as `{:?}` text: the shortest text that reads back as the same bits.)
/// Data whose sum depends on the order of the additions (`1e16 + 1 - 1e16`), 1003 elements
/// (not a multiple of any group size).
fn data(seed: u64) -> Vec<f64> {
    (0..1003u64)
        .map(|i| match (i * 7 + seed) % 3 {
            0 => 1e16,
            1 => 1.0 + i as f64 * 0.1,
            _ => 3e15 + i as f64,
        })
        .collect()
}

fn check_group(sig: &str, bodies: &[String], call_setup: &str, call: &str, strict_want: f64) {
    for fastmath in [false, true] {
        let o = JitOptions {
            fastmath,
            ..JitOptions::default()
        };
        let srcs: Vec<String> = bodies
            .iter()
            .map(|b| format!("{sig} {{\n{b}}}\n"))
            .collect();
        let first = notes(&srcs[0], &o);
        assert!(
            first.iter().any(|n| n.contains("loop form:")),
            "no loop form: {first:?}\n{}",
            srcs[0]
        );
        let want = bits(&srcs[0], &format!("{call_setup}{call}"), &o);
        if !fastmath {
            assert_eq!(
                want,
                format!("{strict_want:?}"),
                "strict sum != rustc's\n{}",
                srcs[0]
            );
        }
        for src in &srcs[1..] {
            assert_eq!(
                notes(src, &o),
                first,
                "fastmath={fastmath}: other code than\n{}\nfor\n{src}",
                srcs[0]
            );
            assert_eq!(
                bits(src, &format!("{call_setup}{call}"), &o),
                want,
                "fastmath={fastmath}: other bits\n{src}"
            );
        }
    }
}

fn vec_lit(v: &[f64]) -> String {
    format!("vec!{:?}", v)
}

#[test]
fn single_sequence_sums_share_their_code() {
    let a = data(0);
    let setup = format!("let a: Vec<f64> = {};\n", vec_lit(&a));
    let cases: [(&str, fn(f64) -> f64); 3] = [
        ("{x}.sqrt()", |x| x.sqrt()),
        ("{x} * {x}", |x| x * x),
        ("{x} * 2.0 + 1.0", |x| x * 2.0 + 1.0),
    ];
    for (e, g) in cases {
        let mut want = 0.0;
        for &x in &a {
            want += g(x);
        }
        check_group(
            "fn f(a: &[f64]) -> f64",
            &singles(e),
            &setup,
            "f(&a)\n",
            want,
        );
    }
}

#[test]
fn dot_products_share_their_code() {
    let (a, b) = (data(1), data(2)[..997].to_vec());
    let setup = format!(
        "let a: Vec<f64> = {};\nlet b: Vec<f64> = {};\n",
        vec_lit(&a),
        vec_lit(&b)
    );
    let mut want = 0.0;
    for (x, y) in a.iter().zip(&b) {
        want += x * y;
    }
    check_group(
        "fn f(a: &[f64], b: &[f64]) -> f64",
        &dots(),
        &setup,
        "f(&a, &b)\n",
        want,
    );
}

/// `sum()` starts at -0.0, `fold(0.0, ..)` at +0.0: the sign of an empty or all-(-0.0) sum.
#[test]
fn each_spelling_keeps_its_first_value() {
    let o = JitOptions::default();
    for fastmath in [false, true] {
        let o = JitOptions {
            fastmath,
            ..o.clone()
        };
        let sum = "fn f(a: &[f64]) -> f64 {\n    a.iter().map(|x| x * 2.0).sum::<f64>()\n}\n";
        let fold = "fn f(a: &[f64]) -> f64 {\n    a.iter().fold(0.0, |s, x| s + x * 2.0)\n}\n";
        for n in [0usize, 3, 9] {
            let setup = format!("let a = vec![-0.0f64; {n}];\n");
            assert_eq!(bits(sum, &format!("{setup}f(&a)\n"), &o), "-0.0");
            assert_eq!(bits(fold, &format!("{setup}f(&a)\n"), &o), "0.0");
        }
    }
}

/// A range past the end of a sequence runs the loop as written and panics where rustc does.
#[test]
fn a_short_sequence_panics_as_rustc() {
    let src = "fn f(a: &[f64], b: &[f64], n: usize) -> f64 {\n    let mut acc = 0.0;\n    for i in 0..n { acc += a[i] * b[i]; }\n    acc\n}\nlet a = vec![1.0; 20];\nlet b = vec![2.0; 10];\n";
    let mut t = FastTier::new();
    let ok = t
        .run_cell(
            &format!("{src}f(&a, &b, 10)\n"),
            &JitOptions::default(),
            &Capture::default(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(ok.text, "20.0");
    let mut t = FastTier::new();
    let err = t.run_cell(
        &format!("{src}f(&a, &b, 11)\n"),
        &JitOptions::default(),
        &Capture::default(),
    );
    let msg = format!("{err:?}");
    assert!(
        msg.contains("index out of bounds: the len is 10 but the index is 10"),
        "{msg}"
    );
}
