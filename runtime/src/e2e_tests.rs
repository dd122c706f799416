//! End-to-end tests of the whole pipeline (parse → typeck → lower → exec → display).

use crate::api::*;
use crate::FastTier;

pub(crate) use crate::e2e_support::Cap;
use crate::e2e_support::{panic_in, run_in, value_in};

/// The cell's value as text (or why there is none) and its stdout.
pub(crate) fn run(ft: &mut FastTier, src: &str) -> (Result<Option<String>, Failure>, String) {
    let (r, o) = run_in(ft, src);
    (r.map(|v| v.map(|v| v.text)), o)
}

/// The value of a cell run in a fresh fast tier.
pub(crate) fn value(src: &str) -> String {
    value_in(&mut FastTier::new(), src)
}

/// The panic message of a cell run in a fresh fast tier.
pub(crate) fn panic_msg(src: &str) -> String {
    panic_in(&mut FastTier::new(), src)
}

const PRIMES: &str = "fn get_primes(x: i64) -> Vec<i64> {
    let mut res = Vec::new();
    for v in 0..=x {
        if v < 2 { continue; }
        let mut flag = true;
        for i in 2..((v as f64).sqrt() as i64 + 1) {
            if v % i == 0 { flag = false; }
        }
        if flag { res.push(v); }
    }
    res
}
let p = get_primes(100000);
p.len()";

#[test]
fn get_primes_end_to_end() {
    let mut ft = FastTier::new();
    let (r, _) = run(&mut ft, PRIMES);
    assert_eq!(r.unwrap().unwrap(), "9592");
    // The workspace keeps `p`; a later cell sees it and the fn.
    let (r, _) = run(
        &mut ft,
        "p[0] + p[p.len() - 1] + get_primes(10).len() as i64",
    );
    assert_eq!(r.unwrap().unwrap(), format!("{}", 2 + 99991 + 4));
    assert_eq!(
        ft.variables(),
        vec![("p".to_string(), "Vec<i64>".to_string())]
    );
}

#[test]
fn panics_have_rustc_messages() {
    assert_eq!(
        panic_msg("let v = vec![1, 2, 3]; let i = 5; v[i]"),
        "index out of bounds: the len is 3 but the index is 5"
    );
    assert_eq!(
        panic_msg("let a = 1; let b = 0; a / b"),
        "attempt to divide by zero"
    );
    assert_eq!(
        panic_msg("let a = 1; let b = 0; a % b"),
        "attempt to calculate the remainder with a divisor of zero"
    );
    assert_eq!(
        panic_msg("let a = i32::MIN; let b = -1; a / b"),
        "attempt to divide with overflow"
    );
    assert_eq!(
        panic_msg("let x: Option<i32> = None; x.unwrap()"),
        "called `Option::unwrap()` on a `None` value"
    );
    assert_eq!(
        panic_msg("let x = 3; assert!(x < 2);"),
        "assertion failed: x < 2"
    );
    assert_eq!(
        panic_msg("assert_eq!(1 + 1, 3);"),
        "assertion `left == right` failed\n  left: 2\n right: 3"
    );
    assert_eq!(panic_msg("let n = 4; panic!(\"bad {n}\");"), "bad 4");
}

#[test]
fn overflow_wraps_and_shifts_mask() {
    assert_eq!(value("let x: i32 = i32::MAX; x + 1"), "-2147483648");
    assert_eq!(value("let x: u8 = 250; x * 2"), "244");
    assert_eq!(value("let s: u32 = 33; 1u32 << s"), "2");
    assert_eq!(value("(-1.5f64) as u8"), "0");
    assert_eq!(value("let f = f64::NAN; f as i32"), "0");
    assert_eq!(value("1e10 as i32"), "2147483647");
}

#[test]
fn floats_print_like_rust() {
    let mut ft = FastTier::new();
    let (r, out) = run(
        &mut ft,
        "let x = 0.1 + 0.2; println!(\"{} {:?} {:.3} {:>8.2}|\", x, 1.0f64, x, -1.5); x",
    );
    assert_eq!(
        out,
        format!(
            "{} {:?} {:.3} {:>8.2}|\n",
            0.1 + 0.2,
            1.0f64,
            0.1 + 0.2,
            -1.5
        )
    );
    assert_eq!(r.unwrap().unwrap(), "0.30000000000000004");
    assert_eq!(value("let v = vec![1.5, 2.0]; (v.len(), v[1])"), "(2, 2.0)");
    assert_eq!(
        value("(1e21f64, 1e-7f64, f64::INFINITY)"),
        "(1e21, 1e-7, inf)"
    );
    assert_eq!(
        value("std::f64::consts::PI.sin()"),
        format!("{:?}", std::f64::consts::PI.sin())
    );
}

#[test]
fn panic_keeps_workspace() {
    let mut ft = FastTier::new();
    run(&mut ft, "let v = vec![1, 2, 3];").0.unwrap();
    assert!(run(&mut ft, "let w = v[10];").0.is_err());
    assert_eq!(run(&mut ft, "v").0.unwrap().unwrap(), "[1, 2, 3]");
}

#[test]
fn refusals_are_diagnostics() {
    let mut ft = FastTier::new();
    match run(&mut ft, "struct P { x: f64 }").0 {
        Err(Failure::Compile(d)) => {
            assert!(
                d[0].rendered
                    .contains("unsupported struct definition in %%jit"),
                "{}",
                d[0].rendered
            );
            assert!(d[0]
                .rendered
                .contains("hint: use %%rust for the rustc tier"));
        }
        other => panic!("{other:?}"),
    }
    match run(&mut ft, "let x: i64 = 1;\nlet y: f64 = x + 1.0;").0 {
        // rustc: E0277 at the operator.
        Err(Failure::Compile(d)) => assert_eq!(
            (d[0].line, d[0].col, d[0].message.as_str()),
            (2, 16, "cannot add `{float}` to `i64`")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn stack_overflow_is_reported() {
    let mut ft = FastTier::new();
    let r = run(
        &mut ft,
        "fn f(n: u64) -> u64 { if n == 0 { 0 } else { 1 + f(n - 1) } }\nf(100000000)",
    )
    .0;
    assert_eq!(r, Err(Failure::StackOverflow));
    assert_eq!(run(&mut ft, "f(1000)").0.unwrap().unwrap(), "1000");
}

#[test]
fn interrupt_stops_a_loop() {
    let mut ft = FastTier::new();
    let flag = ft.interrupt_flag();
    let h = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let t = std::time::Instant::now();
    let r = run(
        &mut ft,
        "let mut i: u64 = 0; loop { i = i.wrapping_add(1); }",
    )
    .0;
    h.join().unwrap();
    assert_eq!(r, Err(Failure::Interrupted));
    assert!(t.elapsed().as_millis() < 1000);
}

#[test]
fn redefinition_recompiles_callers() {
    let mut ft = FastTier::new();
    run(
        &mut ft,
        "fn g(x: i64) -> i64 { x + 1 }\nfn f(x: i64) -> i64 { g(x) * 2 }",
    )
    .0
    .unwrap();
    assert_eq!(run(&mut ft, "f(1)").0.unwrap().unwrap(), "4");
    run(&mut ft, "fn g(x: i64) -> i64 { x + 10 }").0.unwrap();
    assert_eq!(run(&mut ft, "f(1)").0.unwrap().unwrap(), "22");
}

#[test]
fn iterator_chains_and_closures() {
    assert_eq!(value("let v: Vec<f64> = (0..5).map(|i| i as f64).collect::<Vec<f64>>(); v.iter().map(|x| x.sqrt()).sum::<f64>()"), format!("{:?}", (0..5).map(|i| (i as f64).sqrt()).sum::<f64>()));
    assert_eq!(
        value("(1..=10).filter(|x| x % 2 == 0).map(|x| x * x).sum::<i32>()"),
        "220"
    );
    assert_eq!(value("let v = vec![3, 1, 4, 1, 5]; (v.iter().max(), v.iter().enumerate().skip(1).take(2).map(|(i, x)| i as i32 * x).sum::<i32>())"), "(Some(5), 9)");
    assert_eq!(value("let a = [1.0, 2.0, 3.0]; let b = [4.0, 5.0, 6.0]; a.iter().zip(b.iter()).map(|(x, y)| x * y).sum::<f64>()"), "32.0");
    assert_eq!(value("let k = 3; let add = |x: i32| x + k; add(4)"), "7");
    assert_eq!(
        value("(0..10).rev().step_by(3).collect::<Vec<i32>>()"),
        "[9, 6, 3, 0]"
    );
}

#[test]
fn seed_kernels() {
    let src =
        "fn do_sum(a: &[f64]) -> f64 { let mut acc = 0.0; for &x in a { acc += x.sqrt(); } acc }
fn smooth_i8(x: &[i8], n: usize, m: usize, out: &mut [i8]) {
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            let mut s: i32 = 0;
            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1] as i32; } }
            out[i * m + j] = s.div_euclid(9) as i8;
        }
    }
}
fn lj(c: &[[f64; 3]]) -> f64 {
    let n = c.len();
    let mut e = 0.0;
    for i in 0..n {
        for j in i + 1..n {
            let mut d2 = 0.0;
            for k in 0..3 { let d = c[i][k] - c[j][k]; d2 += d * d; }
            let sr6 = (1.0 / d2).powi(3);
            e += 4.0 * (sr6 * sr6 - sr6);
        }
    }
    e
}
let a: Vec<f64> = (0..40000).map(|i| i as f64).collect();
let x = vec![3i8; 100];
let mut o = vec![0i8; 100];
smooth_i8(&x, 10, 10, &mut o);
let c = vec![[0.0, 0.0, 0.0], [1.0, 0.5, 0.25], [2.0, -1.0, 0.5]];
(do_sum(&a), o[11], o[0], lj(&c))";
    fn do_sum(a: &[f64]) -> f64 {
        let mut acc = 0.0;
        for &x in a {
            acc += x.sqrt();
        }
        acc
    }
    fn lj(c: &[[f64; 3]]) -> f64 {
        let n = c.len();
        let mut e = 0.0;
        for i in 0..n {
            for j in i + 1..n {
                let mut d2 = 0.0;
                for k in 0..3 {
                    let d = c[i][k] - c[j][k];
                    d2 += d * d;
                }
                let sr6 = (1.0 / d2).powi(3);
                e += 4.0 * (sr6 * sr6 - sr6);
            }
        }
        e
    }
    let a: Vec<f64> = (0..40000).map(|i| i as f64).collect();
    let c = vec![[0.0, 0.0, 0.0], [1.0, 0.5, 0.25], [2.0, -1.0, 0.5]];
    assert_eq!(
        value(src),
        format!("({:?}, 3, 0, {:?})", do_sum(&a), lj(&c))
    );
}

#[test]
fn fastmath_sum_is_close_and_strict_is_exact() {
    let src =
        "fn s(a: &[f64]) -> f64 { let mut acc = 0.0; for &x in a { acc += x.sqrt() * 0.5; } acc }
fn t(a: &[f64]) -> f64 { a.iter().map(|x| x.sqrt() * 0.5).sum::<f64>() }
let a: Vec<f64> = (0..1003).map(|i| i as f64).collect();
(s(&a), t(&a))";
    let strict: f64 = (0..1003)
        .map(|i| (i as f64).sqrt() * 0.5)
        .fold(0.0, |a, x| a + x);
    let mut ft = FastTier::new();
    let cap = Cap::default();
    let fast = ft
        .run_cell(
            src,
            &JitOptions {
                fastmath: true,
                ..JitOptions::default()
            },
            &cap,
        )
        .unwrap()
        .unwrap()
        .text;
    let nums: Vec<f64> = fast
        .trim_matches(|c| c == '(' || c == ')')
        .split(", ")
        .map(|x| x.parse().unwrap())
        .collect();
    for v in nums {
        assert!((v - strict).abs() < 1e-9 * strict, "{v} vs {strict}");
    }
    assert_eq!(value(src), format!("({strict:?}, {strict:?})"));
}

/// `--fastmath` sums whose summand takes one square root go block by block through the
/// runtime's wide sqrt kernel where the CPU has AVX (`exec::vmath`): every block length and
/// remainder, the element itself or an expression under the root, the element read again
/// outside it, NaN, and the empty sum's -0.0 all agree with rustc's strict loop.
#[test]
fn fastmath_sqrt_sums_agree_with_strict_at_every_length() {
    let src = "fn a(v: &[f64]) -> f64 { let mut acc = 0.0; for &x in v { acc += x.sqrt(); } acc }
fn b(v: &[f64]) -> f64 { let mut acc = 1.5; for x in v.iter() { acc += (x * 2.0 + 1.0).sqrt() * 0.5 - x; } acc }
fn c(v: &[f64]) -> f64 { v.iter().map(|&x| x.sqrt()).sum::<f64>() }
fn d(v: &[f64]) -> f64 { v.iter().map(|x| -(x / 3.0).sqrt() + x * 0.25).sum::<f64>() }";
    let fa = |v: &[f64]| v.iter().fold(0.0, |a, x| a + x.sqrt());
    let fb = |v: &[f64]| {
        v.iter()
            .fold(1.5, |a, x| a + ((x * 2.0 + 1.0).sqrt() * 0.5 - x))
    };
    let fc = |v: &[f64]| v.iter().fold(-0.0, |a, x| a + x.sqrt());
    let fd = |v: &[f64]| {
        v.iter()
            .fold(-0.0, |a, x| a + (-(x / 3.0).sqrt() + x * 0.25))
    };
    let mut ft = FastTier::new();
    let cap = Cap::default();
    let fast = JitOptions {
        fastmath: true,
        ..JitOptions::default()
    };
    ft.run_cell(src, &fast, &cap).unwrap();
    for n in [0usize, 1, 2, 7, 8, 9, 255, 256, 257, 513, 1003, 10_000] {
        let cell = format!("let v: Vec<f64> = (0..{n}).map(|i| i as f64 * 0.75).collect();\n(a(&v), b(&v), c(&v), d(&v))");
        let got = ft.run_cell(&cell, &fast, &cap).unwrap().unwrap().text;
        let v: Vec<f64> = (0..n).map(|i| i as f64 * 0.75).collect();
        let want = [fa(&v), fb(&v), fc(&v), fd(&v)];
        let nums: Vec<f64> = got
            .trim_matches(|c| c == '(' || c == ')')
            .split(", ")
            .map(|x| x.parse().unwrap())
            .collect();
        for (k, (g, w)) in nums.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                "n={n} fn {k}: {g} vs strict {w}"
            );
            if n == 0 {
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "empty sum of fn {k}: {g:?} vs {w:?}"
                );
            }
        }
    }
    let nan = ft
        .run_cell("let w = vec![4.0, -1.0, 9.0]; (a(&w), c(&w))", &fast, &cap)
        .unwrap()
        .unwrap()
        .text;
    assert_eq!(nan, "(NaN, NaN)");
}

/// `--fastmath` dot products written with `zip` (iterator chain and `for` loop, by reference
/// and by pattern `(&x, &y)`): vectorised, as many elements as the shorter slice, within
/// rounding of the strict order; without `--fastmath` the same cells are rustc's to the bit.
#[test]
fn fastmath_zip_sums() {
    let src = "fn d1(a: &[f64], b: &[f64]) -> f64 { a.iter().zip(b.iter()).map(|(x, y)| x * y).sum::<f64>() }
fn d2(a: &[f64], b: &Vec<f64>) -> f64 { let mut s = 0.25; for (&x, &y) in a.iter().zip(b) { s += (x - y) * (x - y); } s }
fn d3(a: &[f64], b: &[f64]) -> f64 { a.iter().zip(b).map(|(&x, &y)| x * 2.0 + y.sqrt()).sum::<f64>() }";
    let f1 = |a: &[f64], b: &[f64]| a.iter().zip(b).fold(-0.0, |s, (x, y)| s + x * y);
    let f2 = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .fold(0.25, |s, (x, y)| s + (x - y) * (x - y))
    };
    let f3 = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .fold(-0.0, |s, (x, y)| s + (x * 2.0 + y.sqrt()))
    };
    let cap = Cap::default();
    for fastmath in [true, false] {
        let opts = JitOptions {
            fastmath,
            ..JitOptions::default()
        };
        let mut ft = FastTier::new();
        ft.run_cell(src, &opts, &cap).unwrap();
        for (n, m) in [
            (0usize, 0usize),
            (1, 3),
            (9, 8),
            (100, 101),
            (1003, 1003),
            (17, 0),
        ] {
            let cell = format!("let a: Vec<f64> = (0..{n}).map(|i| (i as f64 * 0.7).cos()).collect();\nlet b: Vec<f64> = (0..{m}).map(|i| 1.0 + i as f64 * 0.5).collect();\n(d1(&a, &b), d2(&a, &b), d3(&a, &b))");
            let got = ft.run_cell(&cell, &opts, &cap).unwrap().unwrap().text;
            let a: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).cos()).collect();
            let b: Vec<f64> = (0..m).map(|i| 1.0 + i as f64 * 0.5).collect();
            let want = [f1(&a, &b), f2(&a, &b), f3(&a, &b)];
            if !fastmath {
                assert_eq!(
                    got,
                    format!("({:?}, {:?}, {:?})", want[0], want[1], want[2])
                );
                continue;
            }
            let nums: Vec<f64> = got
                .trim_matches(|c| c == '(' || c == ')')
                .split(", ")
                .map(|x| x.parse().unwrap())
                .collect();
            for (k, (g, w)) in nums.iter().zip(want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                    "n={n} m={m} fn {k}: {g} vs strict {w}"
                );
            }
        }
    }
}

/// Without `--fastmath`, the same sums take their square roots a block ahead (wide kernel,
/// where the CPU has AVX) but add in source order: bit-identical to rustc's loop, also where
/// the order matters (magnitudes 1e16 and 1 interleaved), at every block boundary.
#[test]
fn strict_sqrt_sums_are_bit_identical_at_every_length() {
    let src = "fn a(v: &[f64]) -> f64 { let mut acc = 0.0; for &x in v { acc += x.sqrt(); } acc }
fn b(v: &[f64]) -> f64 { let mut acc = -0.0; for x in v { acc += (x * 0.5 + 1.0).sqrt() - x * 1e-17; } acc }
fn c(v: &[f64]) -> f64 { v.iter().map(|x| x.sqrt()).sum::<f64>() }";
    let fa = |v: &[f64]| v.iter().fold(0.0, |a, x| a + x.sqrt());
    let fb = |v: &[f64]| {
        v.iter()
            .fold(-0.0, |a, x| a + ((x * 0.5 + 1.0).sqrt() - x * 1e-17))
    };
    let fc = |v: &[f64]| v.iter().fold(-0.0, |a, x| a + x.sqrt());
    let mut ft = FastTier::new();
    let cap = Cap::default();
    let opts = JitOptions::default();
    ft.run_cell(src, &opts, &cap).unwrap();
    for n in [0usize, 1, 3, 255, 256, 257, 600, 5000] {
        let cell = format!("let v: Vec<f64> = (0..{n}).map(|i| if i % 3 == 0 {{ 1e32 }} else {{ 1.0 + i as f64 * 0.37 }}).collect();\n(a(&v), b(&v), c(&v))");
        let got = ft.run_cell(&cell, &opts, &cap).unwrap().unwrap().text;
        let v: Vec<f64> = (0..n)
            .map(|i| {
                if i % 3 == 0 {
                    1e32
                } else {
                    1.0 + i as f64 * 0.37
                }
            })
            .collect();
        assert_eq!(
            got,
            format!("({:?}, {:?}, {:?})", fa(&v), fb(&v), fc(&v)),
            "n = {n}"
        );
    }
}

#[test]
fn powi_and_division_bypass_match_rust() {
    assert_eq!(
        value("let x = 1.1f64; (x.powi(3), x.powi(-2), x.powi(0))"),
        format!(
            "({:?}, {:?}, {:?})",
            1.1f64.powi(3),
            1.1f64.powi(-2),
            1.1f64.powi(0)
        )
    );
    assert_eq!(value("let a: i64 = -7; let b: i64 = 2; let c: i64 = 5000000000; (a / b, a % b, c / b, 7i64 / b)"), "(-3, -1, 2500000000, 3)");
}

/// Every prefix and every single-character deletion of a real program compiles or is
/// refused with a diagnostic — never an internal error.
#[test]
fn front_end_never_panics_on_mangled_input() {
    let base = format!("{PRIMES}\nlet v = vec![1.0, 2.0]; let s: f64 = v.iter().map(|x| x * 2.0).sum(); println!(\"{{}} {{:?}}\", s, (1, 2));\nmatch 3 {{ 0..=2 => 1, _ => 2 }}");
    let chars: Vec<char> = base.chars().collect();
    let mut ft = FastTier::new();
    let opts = JitOptions::default();
    let mut variants = vec![];
    for i in (0..chars.len()).step_by(3) {
        variants.push(chars[..i].iter().collect::<String>());
        let mut d = chars.clone();
        d.remove(i);
        variants.push(d.into_iter().collect());
    }
    for v in variants {
        if let Err(Failure::Compile(ds)) = ft.compile_only(&v, &opts) {
            for d in ds {
                assert!(
                    !d.message.contains("internal compiler error"),
                    "{v}\n=> {}",
                    d.rendered
                );
            }
        }
    }
}

#[test]
fn versioned_loops_keep_panics() {
    let mut ft = FastTier::new();
    run(&mut ft, "fn f(a: &[i64], n: usize) -> i64 { let mut s = 0; for i in 0..n { s += a[i]; } s }\nlet v = vec![1i64, 2, 3];").0.unwrap();
    assert_eq!(run(&mut ft, "f(&v, 3)").0.unwrap().unwrap(), "6");
    match run(&mut ft, "f(&v, 4)").0 {
        Err(Failure::Panic { message, .. }) => assert_eq!(
            message,
            "index out of bounds: the len is 3 but the index is 3"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn affine_versioned_loops_keep_panics_and_hoist_checks() {
    let mut ft = FastTier::new();
    let src = "fn sm(x: &[i64], m: usize, n: usize, out: &mut [i64]) -> i64 {
    let mut t = 0;
    for i in 1..n - 1 {
        for j in 1..m - 1 {
            let mut s = 0;
            for di in 0..3 { for dj in 0..3 { s += x[(i + di - 1) * m + j + dj - 1]; } }
            out[i * m + j] = s;
            t += s;
        }
    }
    t
}
let x: Vec<i64> = (0..20).collect();
let mut o = vec![0i64; 20];";
    run(&mut ft, src).0.unwrap();
    assert_eq!(
        run(&mut ft, "sm(&x, 5, 4, &mut o)").0.unwrap().unwrap(),
        "513"
    );
    // The last row's reads run one element past the end: same panic, same index.
    match run(&mut ft, "sm(&x[..19], 5, 4, &mut o)").0 {
        Err(Failure::Panic { message, .. }) => assert_eq!(
            message,
            "index out of bounds: the len is 19 but the index is 19"
        ),
        other => panic!("{other:?}"),
    }
    // m = 0: `m - 1` wraps, the j loop runs until an index is out of range.
    match run(&mut ft, "sm(&x, 0, 3, &mut o)").0 {
        Err(Failure::Panic { message, .. }) => assert_eq!(
            message,
            "index out of bounds: the len is 20 but the index is 20"
        ),
        other => panic!("{other:?}"),
    }
    let a = ft.annotate("sm").unwrap();
    let l6 = a.text.lines().find(|l| l.starts_with("   6 |")).unwrap();
    assert!(
        l6.contains("1 bounds check(s) hoisted out of the loop")
            && l6.contains("bounds check(s) elided"),
        "{l6}"
    );
    assert!(!l6.contains("runtime call"), "{l6}");
}

#[test]
fn annotate_shows_lines_checks_and_code() {
    let mut ft = FastTier::new();
    run(&mut ft, "fn g(a: &[f64], idx: usize) -> f64 {\n    let mut s = 0.0;\n    for i in 0..a.len() { s += a[i]; }\n    s + a[idx].sqrt().sin()\n}").0.unwrap();
    let a = ft.annotate("g").unwrap();
    assert!(
        a.text
            .contains("   3 |     for i in 0..a.len() { s += a[i]; }"),
        "{}",
        a.text
    );
    assert!(a.text.contains("1 bounds check(s) elided"), "{}", a.text);
    let l4 = a.text.lines().find(|l| l.starts_with("   4 |")).unwrap();
    assert!(
        l4.contains("1 bounds check(s)") && l4.contains("1 libm call(s)"),
        "{l4}"
    );
    assert!(
        a.html.contains("<details>")
            && a.html.contains("machine code")
            && !a.html.contains("<script")
    );
    assert!(ft.annotate("nope").is_err());
}

#[test]
fn aggregate_equality() {
    assert_eq!(value("let v = vec![1, 2, 3]; (v == vec![1, 2, 3], [1.0, f64::NAN] == [1.0, f64::NAN], (1, 2.5) != (1, 2.5))"), "(true, false, false)");
    assert_eq!(
        panic_msg("let v = vec![1, 2]; assert_eq!(v, vec![1, 3]);"),
        "assertion `left == right` failed\n  left: [1, 2]\n right: [1, 3]"
    );
}

#[test]
fn timeit_runs_a_compiled_loop_and_opt_none_works() {
    let mut ft = FastTier::new();
    run(
        &mut ft,
        "fn sq(n: u64) -> u64 { let mut s = 0; for i in 0..n { s += i * i; } s }",
    )
    .0
    .unwrap();
    assert!(ft.accepts("", "sq(10)"));
    assert!(!ft.accepts("", "undefined_thing(1)"));
    let t = ft
        .timeit("", "sq(1000)", Some(50), 3, &Cap::default())
        .unwrap();
    assert_eq!((t.number, t.runs.len()), (50, 3));
    let cap = Cap::default();
    let opts = JitOptions {
        opt: OptLevel::None,
        boundscheck: false,
        ..JitOptions::default()
    };
    assert_eq!(
        ft.run_cell("sq(10)", &opts, &cap).unwrap().unwrap().text,
        "285"
    );
    let dump = JitOptions {
        dump: Some(Dump::Ir),
        ..JitOptions::default()
    };
    ft.run_cell("fn h(x: f64) -> f64 { x.sqrt() }\nh(4.0)", &dump, &cap)
        .unwrap();
    assert!(cap.out.lock().unwrap().contains("sqrt"));
}

#[test]
fn use_in_fn_bodies_and_cells() {
    assert_eq!(
        value("fn c(r: f64) -> f64 { use std::f64::consts::PI; 2.0 * PI * r }\nc(1.0)"),
        format!("{:?}", 2.0 * std::f64::consts::PI)
    );
    assert_eq!(
        value("use std::f64::consts::*;\nE + TAU"),
        format!("{:?}", std::f64::consts::E + std::f64::consts::TAU)
    );
}

#[test]
fn notebook_snippets() {
    let mut ft = FastTier::new();
    let cells = [
        ("let n = 5; let mut v = vec![0.0; n]; for i in 0..n { v[i] = i as f64 * 0.5; } v", "[0.0, 0.5, 1.0, 1.5, 2.0]"),
        ("let total: f64 = v.iter().sum(); total", "5.0"),
        ("fn dot(a: &[f64], b: &[f64]) -> f64 { a.iter().zip(b).map(|(x, y)| x * y).sum() }\ndot(&v, &v)", "7.5"),
        ("v.iter().cloned().fold(f64::NEG_INFINITY, f64::max)", "2.0"),
        ("let (a, b) = (1, 2); let s = format!(\"{}-{}\", a, b); s", "\"1-2\""),
        ("let arr = [3, 1, 2]; let mut m = 0; for x in arr.iter() { if *x > m { m = *x; } } (m, (-7i32).abs(), 3i64.pow(4), 2f64.powf(0.5))", &format!("(3, 7, 81, {:?})", 2f64.powf(0.5))),
        ("let mut i = 0; let mut acc = 0u64; while i < 10 { acc += i; i += 1; } acc", "45"),
        ("let c = 'x'; (c, c as u32, 65u8 as char, true as i32)", "('x', 120, 'A', 1)"),
        ("let w: Vec<i32> = (1..=4).collect(); let sq: Vec<i32> = w.iter().map(|x| x * x).collect(); sq", "[1, 4, 9, 16]"),
        ("(w.iter().any(|&x| x > 3), w.iter().all(|&x| x > 0))", "(true, true)"),
        ("let mut grid = [[0u8; 3]; 2]; grid[1][2] = 7; grid", "[[0, 0, 0], [0, 0, 7]]"),
        ("let r = 'outer: loop { for i in 0.. 10 { if i == 3 { break 'outer i * 2; } } }; r", "6"),
    ];
    for (src, want) in cells {
        match run(&mut ft, src).0 {
            Ok(Some(v)) => assert_eq!(v, want, "{src}"),
            other => panic!("{src}\n=> {other:?}"),
        }
    }
}

#[test]
fn float_min_max_signed_zero() {
    assert_eq!(
        value("((-0.0f64).max(0.0), (0.0f64).min(-0.0), f64::NAN.max(1.0), 2.0f64.min(f64::NAN))"),
        "(0.0, -0.0, 1.0, 2.0)"
    );
}

#[test]
fn const_items() {
    let mut ft = FastTier::new();
    run(&mut ft, "const N: usize = 4;\nconst DT: f64 = -0.5;\nfn f() -> f64 { const K: i32 = 3; N as f64 * DT + K as f64 }").0.unwrap();
    assert_eq!(run(&mut ft, "(f(), N)").0.unwrap().unwrap(), "(1.0, 4)");
    assert!(run(&mut ft, "const M: u8 = 300;").0.is_err());
}

#[test]
fn early_exit_frees_statement_temporaries_once() {
    // A temporary Vec borrowed by the statement that breaks/returns/continues is freed on
    // that exit path and, on the normal path, at the end of the statement (never twice).
    assert_eq!(value("fn f(n: i64) -> i64 { let mut t = 0i64; for i in 0..n { t += vec![i, 1].len() as i64 + if i == 3 { return t * 100; } else { 0 }; } t } f(2) * 1000 + f(10)"), "4600");
    assert_eq!(value("fn f(n: i64) -> i64 { let mut t = 0i64; for i in 0..n { t += vec![i, 1].len() as i64 + if i == 1 { continue; } else { 0 }; } t } f(3)"), "4");
    assert_eq!(value("fn f(n: i64) -> i64 { let mut t = 0i64; for i in 0..n { t += vec![i; 2][0] + loop { if vec![i; 3].len() == 3 { break 1; } }; } t } f(3)"), "6");
}
