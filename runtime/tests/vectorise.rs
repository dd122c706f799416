//! The loop vectoriser's decisions, read from `%annotate`'s text: which loops run on vectors
//! (and with how many lanes) and the reason given for those left scalar. Whether vectorised
//! loops compute what rustc computes is the differential test's job (feature `vector_loops`);
//! here the values are checked against hand-computed expectations only where cheap.
//!
//! Statistics over a dumped differential run (how many generated loops vectorised, and why
//! the others did not):
//!     ACCEL_DIFF_DUMP=/tmp/d ACCEL_DIFF_FEATURES==vector_loops cargo test --release -p accel-runtime --test differential
//!     ACCEL_VEC_STATS=/tmp/d cargo test --release -p accel-runtime --test vectorise -- --ignored --nocapture

mod common;

use accel_runtime::{FastTier, JitOptions};
use common::fast::Capture;

/// The annotation line of `fn f`'s loop `for j in ...`.
fn loop_note(src: &str) -> String {
    let mut t = FastTier::new();
    t.compile_only(src, &JitOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}\n{src}"));
    let a = t.annotate("f").unwrap();
    a.text
        .lines()
        .find(|l| l.contains("for j in"))
        .unwrap_or_else(|| panic!("no loop line in\n{}", a.text))
        .to_string()
}

fn vectorised(src: &str, lanes: u32) {
    let n = loop_note(src);
    assert!(
        n.contains(&format!("vectorised ×{lanes}")),
        "expected ×{lanes}: {n}\n{src}"
    );
}

fn refused(src: &str, why: &str) {
    let n = loop_note(src);
    assert!(
        n.contains("not vectorised") && n.contains(why),
        "expected refusal `{why}`: {n}\n{src}"
    );
}

#[test]
fn stencil_on_i8_runs_16_lanes() {
    vectorised(
        "fn f(x: &[i8], n: usize, m: usize, out: &mut [i8]) {\n    for i in 1..n - 1 {\n        for j in 1..m - 1 {\n            let mut s: i32 = 0;\n            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1] as i32; } }\n            out[i * m + j] = s.div_euclid(9) as i8;\n        }\n    }\n}\n",
        16,
    );
}

#[test]
fn elementwise_shapes_vectorise() {
    vectorised("fn f(x: &[f64], y: &mut [f64], a: f64, n: usize) {\n    for j in 0..n {\n        y[j] = a * x[j] + y[j];\n    }\n}\n", 2);
    vectorised("fn f(x: &[f32], y: &mut [f32], n: usize) {\n    for j in 0..n {\n        y[j] = (x[j] * x[j] + 1.0).sqrt();\n    }\n}\n", 4);
    vectorised("fn f(x: &[u8], y: &[i16], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = (x[j] as i32) * 3 - (y[j] as i32).wrapping_mul(7);\n    }\n}\n", 16);
    vectorised("fn f(x: &[i64], o: &mut [i64], k: i64, n: usize) {\n    for j in 1..n {\n        o[j] = x[j].wrapping_mul(k) ^ x[j - 1];\n    }\n}\n", 2);
    vectorised("fn f(x: &[u8], o: &mut [u8], n: usize) {\n    for j in 0..n {\n        o[j] = (x[j] as u16 + 1).rem_euclid(10) as u8;\n    }\n}\n", 16);
    vectorised("fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] += x[j] & 255;\n    }\n}\n", 4);
}

#[test]
fn refusals_keep_the_loop_scalar() {
    refused(
        "fn f(x: &[i32], n: usize) -> i32 {\n    let mut s = 0;\n    for j in 0..n {\n        s = s * 3 + x[j];\n    }\n    s\n}\n",
        "declared outside the loop",
    );
    refused(
        "fn f(x: &[f64], n: usize) -> f64 {\n    let mut s = 0.0;\n    for j in 0..n {\n        s += x[j];\n        s *= 0.5;\n    }\n    s\n}\n",
        "more than once",
    );
    refused("fn f(c: &[[f64; 3]], k: usize, n: usize) -> f64 {\n    let mut s = 0.0;\n    for j in 0..n {\n        s += c[j][k];\n    }\n    s\n}\n", "not a constant");
    refused("fn f(o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j + 1] = o[j] + 1;\n    }\n}\n", "at another index");
    refused("fn f(o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = 1;\n        o[j + 1] = 2;\n    }\n}\n", "two different indexes");
    refused("fn f(x: &[i32], o: &mut [i32], d: i32, n: usize) {\n    for j in 0..n {\n        o[j] = x[j] / d;\n    }\n}\n", "positive constant");
    refused("fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = x[j] / 3;\n    }\n}\n", "negative");
    refused("fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = x[j].div_euclid(3);\n    }\n}\n", "wider than 16 bits");
    refused("fn f(x: &[i8], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = (x[j] as i32 * 300).div_euclid(3);\n    }\n}\n", "range");
    refused("fn f(x: &[f64], o: &mut [f64], n: usize) {\n    for j in 0..n {\n        o[j] = x[j].min(1.0);\n    }\n}\n", "does not handle");
    refused("fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        if x[j] > 0 { o[j] = 1; }\n    }\n}\n", "statement other than");
    refused("fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = x[2 * j];\n    }\n}\n", "hoisted");
}

#[test]
fn vectorised_values_and_epilogue() {
    // 0..37 lanes of u8 → 2 vector blocks of 16 and 5 scalar iterations; wrapping per lane.
    let src = "fn f(x: &[u8], o: &mut [u8], n: usize) {\n    for j in 0..n {\n        o[j] = (x[j] as i32 * 7 - 100).rem_euclid(256) as u8 ^ x[j];\n    }\n}\nlet x: Vec<u8> = (0..40).map(|i| (i * 37 % 256) as u8).collect();\nlet mut o = vec![0u8; 40];\nf(&x, &mut o, 37);\no\n";
    let want: Vec<u8> = (0..40u32)
        .map(|i| {
            if i < 37 {
                let v = (i * 37 % 256) as u8;
                ((v as i32 * 7 - 100).rem_euclid(256) as u8) ^ v
            } else {
                0
            }
        })
        .collect();
    let mut t = FastTier::new();
    let out = Capture::default();
    let v = t
        .run_cell(src, &JitOptions::default(), &out)
        .unwrap()
        .unwrap();
    assert_eq!(v.text, format!("{want:?}"));
}

/// Runs `src` with the vectoriser on and off: the displayed values must be identical.
fn same_with_and_without(src: &str) -> String {
    let run = |vectorize: bool| {
        let mut t = FastTier::new();
        let o = JitOptions {
            vectorize,
            ..JitOptions::default()
        };
        t.run_cell(src, &o, &Capture::default())
            .unwrap_or_else(|e| panic!("{e:?}\n{src}"))
            .unwrap()
            .text
    };
    let (v, s) = (run(true), run(false));
    assert_eq!(v, s, "vectorised and scalar runs differ\n{src}");
    v
}

#[test]
fn reductions_keep_the_scalar_order() {
    // Strict float sums: lanes are added one at a time in iteration order, so values whose
    // sum depends on the order (1e16 + 1 - 1e16) come out as the scalar loop's.
    let sum = "fn f(x: &[f64], n: usize) -> f64 {\n    let mut s = 0.0;\n    for j in 0..n {\n        s += x[j] * 0.5;\n    }\n    s\n}\n";
    // An f64 sum is a loop form (`lower/loop_form`): 8 summands per iteration, in order.
    vectorised(sum, 8);
    let v = same_with_and_without(&format!("{sum}let x: Vec<f64> = (0..41).map(|i| if i % 3 == 0 {{ 1e16 }} else if i % 3 == 1 {{ 1.0 + i as f64 * 0.1 }} else {{ -1e16 }}).collect();\nf(&x, 41)\n"));
    let x: Vec<f64> = (0..41)
        .map(|i| {
            if i % 3 == 0 {
                1e16
            } else if i % 3 == 1 {
                1.0 + i as f64 * 0.1
            } else {
                -1e16
            }
        })
        .collect();
    let mut want = 0.0;
    for &e in &x {
        want += e * 0.5;
    }
    assert_eq!(v, format!("{want:?}"));
    // Integer products and sums wrap per lane exactly as the scalar ones.
    let prod = "fn f(x: &[i32], n: usize) -> i32 {\n    let mut p: i32 = 1;\n    for j in 0..n {\n        p *= x[j] | 1;\n    }\n    p\n}\n";
    vectorised(prod, 4);
    same_with_and_without(&format!(
        "{prod}let x: Vec<i32> = (0..23).map(|i| i * 7919 + 13).collect();\nf(&x, 23)\n"
    ));
    let sub = "fn f(x: &[f32], n: usize) -> f32 {\n    let mut s: f32 = 100.0;\n    for j in 0..n {\n        s -= x[j].sqrt();\n    }\n    s\n}\n";
    vectorised(sub, 4);
    same_with_and_without(&format!(
        "{sub}let x: Vec<f32> = (0..19).map(|i| i as f32 * 1.7).collect();\nf(&x, 19)\n"
    ));
}

#[test]
fn rows_of_fixed_arrays_and_powi() {
    // The Lennard-Jones shape: `c[i][k] - c[j][k]` over `&[[f64; 3]]`, a `powi(3)` and a
    // strict sum; the loop is over `i + 1..n` with `n = c.len()` (proven by its range).
    let lj = "fn f(c: &[[f64; 3]]) -> f64 {\n    let n = c.len();\n    let mut e = 0.0;\n    for i in 0..n {\n        for j in i + 1..n {\n            let mut d2 = 0.0;\n            for k in 0..3 { let d = c[i][k] - c[j][k]; d2 += d * d; }\n            let sr6 = (1.0 / d2).powi(3);\n            e += 4.0 * (sr6 * sr6 - sr6);\n        }\n    }\n    e\n}\n";
    vectorised(lj, 2);
    let data = "let mut c: Vec<[f64; 3]> = Vec::new();\nlet mut s: u64 = 7;\nfor _ in 0..37 {\n    let mut p = [0.0; 3];\n    for k in 0..3 { s ^= s << 13; s ^= s >> 7; s ^= s << 17; p[k] = (s >> 11) as f64 / (1u64 << 53) as f64 * 10.0 - 5.0; }\n    c.push(p);\n}\n";
    same_with_and_without(&format!("{lj}{data}f(&c)\n"));
    // i32 rows, bounds proven by versioning: lanes gathered at a stride of 16 bytes.
    let rows = "fn f(c: &[[i32; 4]], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = c[j][1] * 3 - c[j][3];\n    }\n}\n";
    vectorised(rows, 4);
    same_with_and_without(&format!("{rows}let c: Vec<[i32; 4]> = (0..11).map(|i| [i, i * 5 - 3, -i, i * i]).collect();\nlet mut o = vec![0; 11];\nf(&c, &mut o, 11);\no\n"));
}

#[test]
fn the_loop_index_as_a_value() {
    let idx = "fn f(o: &mut [usize], n: usize) {\n    for j in 0..n {\n        o[j] = j * 3 + 1;\n    }\n}\n";
    vectorised(idx, 2);
    same_with_and_without(&format!(
        "{idx}let mut o = vec![0usize; 9];\nf(&mut o, 9);\no\n"
    ));
    // Narrowed: `j as i32` and `j as u8` keep the low bits, as the scalar `as` does (j > 255 wraps).
    let i32s = "fn f(x: &[i32], o: &mut [i32], n: usize) {\n    for j in 0..n {\n        o[j] = x[j] ^ (j as i32).wrapping_mul(-7);\n    }\n}\n";
    vectorised(i32s, 4);
    same_with_and_without(&format!("{i32s}let x: Vec<i32> = (0..23).map(|i| i * 1001 - 5000).collect();\nlet mut o = vec![0; 23];\nf(&x, &mut o, 23);\no\n"));
    let u8s = "fn f(x: &[u8], o: &mut [u8], n: usize) {\n    for j in 0..n {\n        o[j] = x[j].wrapping_add(j as u8);\n    }\n}\n";
    vectorised(u8s, 16);
    let v = same_with_and_without(&format!("{u8s}let x: Vec<u8> = (0..300).map(|i| (i * 7 % 256) as u8).collect();\nlet mut o = vec![0u8; 300];\nf(&x, &mut o, 299);\no\n"));
    let want: Vec<u8> = (0..300usize)
        .map(|i| {
            if i < 299 {
                ((i * 7 % 256) as u8).wrapping_add(i as u8)
            } else {
                0
            }
        })
        .collect();
    assert_eq!(v, format!("{want:?}"));
}

/// Counts, over a directory of dumped differential programs, the `fv` loops vectorised and
/// the refusal reasons of the others (see the module doc).
#[test]
#[ignore]
fn vector_stats() {
    let Ok(dir) = std::env::var("ACCEL_VEC_STATS") else {
        return;
    };
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    for e in std::fs::read_dir(dir).unwrap() {
        let src = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let Some(start) = src.find("fn fv(") else {
            continue;
        };
        let body = &src[start..];
        let end = body.find("\n}\n").map(|k| k + 3).unwrap_or(body.len());
        let mut t = FastTier::new();
        if t.compile_only(&body[..end], &JitOptions::default())
            .is_err()
        {
            *counts.entry("compile error".into()).or_default() += 1;
            continue;
        }
        let a = t.annotate("fv").unwrap();
        let line = a
            .text
            .lines()
            .find(|l| l.contains("for j in"))
            .unwrap_or("")
            .to_string();
        let key = match (line.find("vectorised ×"), line.find("not vectorised: ")) {
            (_, Some(k)) => line[k..].to_string(),
            (Some(k), None) => line[k..].split(',').next().unwrap().to_string(),
            _ => "no note".into(),
        };
        *counts.entry(key).or_default() += 1;
    }
    for (k, n) in counts {
        println!("{n:5}  {k}");
    }
}

/// Integer `+ - & | ^` reductions run in vector accumulators (exact: wrapping `+` is
/// associative), and so do float `+ -` under `--fastmath`, on 4 parts (f64 ×8, f32 ×16) to
/// hide the add latency — every trip count around the vector width, values equal to the
/// scalar loop's (integers) or within rounding of rustc's strict order (floats).
#[test]
fn reductions_in_vector_accumulators() {
    let ints = "fn f(x: &[i64], y: &[u8], n: usize) -> (i64, i64, u8, u8, u8) {\n    let mut s: i64 = 7;\n    let mut d: i64 = -3;\n    let mut a: u8 = 255;\n    let mut o: u8 = 0;\n    let mut e: u8 = 0;\n    for j in 0..n {\n        s += x[j] * 3;\n        d -= x[j];\n        a &= y[j] | 1;\n        o |= y[j] & 6;\n        e ^= y[j];\n    }\n    (s, d, a, o, e)\n}\n";
    vectorised(ints, 16);
    let xs: Vec<i64> = (0..40)
        .map(|i: i64| i.wrapping_mul(0x3fff_ffff_ffff_fff1).wrapping_add(i * 977))
        .collect();
    let ys: Vec<u8> = (0..40).map(|i: u32| (i * 37 % 251) as u8).collect();
    for n in [0usize, 1, 15, 16, 17, 33, 40] {
        let (mut s, mut d, mut a, mut o, mut e) = (7i64, -3i64, 255u8, 0u8, 0u8);
        for j in 0..n {
            s = s.wrapping_add(xs[j].wrapping_mul(3));
            d = d.wrapping_sub(xs[j]);
            a &= ys[j] | 1;
            o |= ys[j] & 6;
            e ^= ys[j];
        }
        let cell = format!(
            "{ints}let x: Vec<i64> = vec!{xs:?};\nlet y: Vec<u8> = vec!{ys:?};\nf(&x, &y, {n})\n"
        );
        assert_eq!(
            same_with_and_without(&cell),
            format!("{:?}", (s, d, a, o, e)),
            "n = {n}"
        );
    }
    let fast = JitOptions {
        fastmath: true,
        ..JitOptions::default()
    };
    let note = |src: &str| {
        let mut t = FastTier::new();
        t.compile_only(src, &fast)
            .unwrap_or_else(|e| panic!("{e:?}\n{src}"));
        t.annotate("f")
            .unwrap()
            .text
            .lines()
            .find(|l| l.contains("for j in"))
            .unwrap()
            .to_string()
    };
    let dot = "fn f(x: &[f64], y: &[f64], n: usize) -> f64 {\n    let mut s = 0.5;\n    for j in 0..n {\n        s += x[j] * y[j];\n    }\n    s\n}\n";
    assert!(note(dot).contains("vectorised ×8"), "{}", note(dot));
    vectorised(dot, 8); // the loop form's in-order sum (`lower/loop_form`)
    let sub = "fn f(x: &[f32], y: &[f64], n: usize) -> f32 {\n    let mut s: f32 = 100.0;\n    for j in 0..n {\n        s -= x[j].sqrt();\n    }\n    s\n}\n";
    assert!(note(sub).contains("vectorised ×16"), "{}", note(sub));
    for n in [0usize, 1, 7, 8, 9, 15, 16, 17, 31, 100, 1001] {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let y: Vec<f64> = (0..n).map(|i| 1.0 + i as f64 * 0.01).collect();
        let mut want = 0.5;
        for j in 0..n {
            want += x[j] * y[j];
        }
        let cell = format!("{dot}let x: Vec<f64> = (0..{n}).map(|i| (i as f64 * 0.37).sin()).collect();\nlet y: Vec<f64> = (0..{n}).map(|i| 1.0 + i as f64 * 0.01).collect();\nf(&x, &y, {n})\n");
        let mut t = FastTier::new();
        let got: f64 = t
            .run_cell(&cell, &fast, &Capture::default())
            .unwrap()
            .unwrap()
            .text
            .parse()
            .unwrap();
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "dot n = {n}: {got} vs strict {want}"
        );
        let xf: Vec<f32> = (0..n).map(|i| i as f32 * 1.7).collect();
        let mut wf: f32 = 100.0;
        for v in &xf {
            wf -= v.sqrt();
        }
        let cell = format!("{sub}let x: Vec<f32> = (0..{n}).map(|i| i as f32 * 1.7).collect();\nlet y: Vec<f64> = vec![];\nf(&x, &y, {n})\n");
        let got: f32 = t
            .run_cell(&cell, &fast, &Capture::default())
            .unwrap()
            .unwrap()
            .text
            .parse()
            .unwrap();
        assert!(
            (got - wf).abs() <= 1e-4 * wf.abs().max(1.0),
            "f32 n = {n}: {got} vs strict {wf}"
        );
    }
}

/// `for j in 0..x.len() { .. y[j] .. }`: the range proves `x[j]`, and `y[j]` is tested once
/// before the loop, so the loop still runs on vectors; a short `y` takes the checked copy
/// and panics at rustc's index.
#[test]
fn a_range_over_one_slice_versions_the_others() {
    let dot = "fn f(x: &[f64], y: &[f64]) -> f64 {\n    let mut s = 0.0;\n    for j in 0..x.len() {\n        s += x[j] * y[j];\n    }\n    s\n}\n";
    vectorised(dot, 8); // the loop form's in-order sum (`lower/loop_form`)
    let v = same_with_and_without(&format!("{dot}let x: Vec<f64> = (0..37).map(|i| i as f64 * 0.3).collect();\nlet y: Vec<f64> = (0..40).map(|i| 1.0 / (1.0 + i as f64)).collect();\nf(&x, &y)\n"));
    let mut want = 0.0;
    for j in 0..37 {
        want += (j as f64 * 0.3) * (1.0 / (1.0 + j as f64));
    }
    assert_eq!(v, format!("{want:?}"));
    let mut t = FastTier::new();
    let err = t
        .run_cell(
            &format!("{dot}let x = vec![1.0; 5];\nlet y = vec![2.0; 3];\nf(&x, &y)\n"),
            &JitOptions::default(),
            &Capture::default(),
        )
        .unwrap_err();
    let msg = format!("{err:?}");
    assert!(
        msg.contains("index out of bounds: the len is 3 but the index is 3"),
        "{msg}"
    );
}
