//! End-to-end tests of language coverage and correctness fixes (parse → typeck → lower → exec).

use crate::api::*;
use crate::FastTier;

use crate::e2e_tests::{panic_msg, run, value, Cap};

#[test]
fn calls_nested_in_iterator_arguments_are_callees() {
    // A fn of an earlier cell called only inside a `.fold(init, …)` initializer, a `.take(n)`
    // or a zipped iterator of a later cell must be linked into that cell (was "fn `f0` not declared").
    let mut ft = FastTier::new();
    run(&mut ft, "fn f0(x: i64) -> i64 { x * 2 }\nfn n0() -> usize { 2 }\nfn v0() -> Vec<i64> { vec![5, 6, 7] }").0.unwrap();
    assert_eq!(
        run(&mut ft, "(0..3i64).fold(f0(5), |a, x| a + x)")
            .0
            .unwrap()
            .unwrap(),
        "13"
    );
    assert_eq!(
        run(&mut ft, "(0..10i64).take(n0()).sum::<i64>()")
            .0
            .unwrap()
            .unwrap(),
        "1"
    );
    assert_eq!(
        run(
            &mut ft,
            "(0..3i64).zip(v0().iter()).map(|(a, b)| a * b).sum::<i64>()"
        )
        .0
        .unwrap()
        .unwrap(),
        "20"
    );
    let _ = (value, panic_msg);
}

/// Runs `src` (a cell whose value is a scalar and which stores nothing in the workspace) and
/// returns (value, Vecs left unfreed).
fn value_and_leaks(src: &str) -> (String, i64) {
    let mut ft = FastTier::new();
    let v = match run(&mut ft, src).0 {
        Ok(Some(v)) => v,
        other => panic!("{src}\n=> {other:?}"),
    };
    (v, ft.last_run_unfreed_vecs())
}

#[test]
fn return_out_of_an_inlined_closure_frees_its_temporaries() {
    // The counter sees leaks at all: a Vec left in the workspace counts.
    let mut ft = FastTier::new();
    run(&mut ft, "let w = vec![1, 2];").0.unwrap();
    assert_eq!(ft.last_run_unfreed_vecs(), 1);
    // `return` from a closure body inlined into an iterator loop: the closure's own locals
    // and the statement temporaries it created must be freed on that path.
    let cases = [
        ("(0..5i64).map(|i| { let t = vec![i; 3]; if i % 2 == 0 { return t.len() as i64; } t[0] }).sum::<i64>()", "13"),
        ("(0..5usize).map(|i| vec![i; 3].len()).sum::<usize>()", "15"),
        ("(0..4i64).map(|i| { let a = vec![i]; { let b = vec![i, i]; if i > 1 { return b.len() as i64 + a[0]; } } 0 }).sum::<i64>()", "9"),
        ("(0..4i64).filter(|&i| { if vec![i; 2].len() == 2 && i > 1 { return true; } false }).count()", "2"),
        ("let f = |i: i64| -> i64 { let v = vec![i; 4]; for x in v.iter() { if *x > 2 { return *x + vec![1].len() as i64; } } 0 }; f(1) + f(5)", "6"),
        ("let f = |v: Vec<i64>| -> usize { if v.len() > 1 { return v.len(); } 0 }; f(vec![1, 2]) + f(vec![3])", "2"),
        ("(0..3i64).map(|i| { let v = vec![i; 2]; v }).map(|v| v.len()).sum::<usize>()", "6"),
    ];
    for (src, want) in cases {
        assert_eq!(value_and_leaks(src), (want.to_string(), 0), "{src}");
    }
}

#[test]
fn temporaries_made_once_per_iteration_are_freed_once_per_iteration() {
    // Within one statement a loop runs its condition and its body's tail many times.
    for (src, want) in [
        ("let mut k = 0usize; while vec![1, 2, 3].len() > k { k += 1; } k", "3"),
        ("let mut k = 0usize; for i in 0..3usize { k += vec![i].len() } k", "3"),
        ("let mut k = 0usize; for i in 0..30usize { k += match i % 3 { 0 => vec![i].len(), _ => { let w = vec![i, i]; w.len() } } } k", "50"),
        ("let mut k = 0usize; let mut i = 0; loop { i += 1; if vec![i].len() + i > 4 { break; } k += 1; } k", "3"),
        ("(0..4usize).filter(|i| vec![*i].len() > 0).map(|i| vec![i, i].len()).fold(0, |a, x| a + x + vec![1].len())", "12"),
        ("fn g(v: Vec<i64>) -> i64 { v[0] } (0..3i64).map(|i| g(vec![i])).sum::<i64>()", "3"),
        ("fn h(n: usize) -> Vec<usize> { vec![n; n] } (0..3usize).map(|i| h(i).len()).sum::<usize>()", "3"),
    ] {
        assert_eq!(value_and_leaks(src), (want.to_string(), 0), "{src}");
    }
}

#[test]
fn str_to_string_and_string_clone() {
    // `"x".to_string()` used to reach lowering with a (ptr, len) receiver and panic the compiler.
    let mut ft = FastTier::new();
    let (r, out) = run(&mut ft, "let s = \"x\".to_string(); let n = s.len(); let e = String::new(); let r = &e; let t = r.clone(); let a = \"xy\"; let u = a.to_string(); println!(\"{s}{n}|{t}|{u}{}\", u.len());");
    r.unwrap();
    assert_eq!(out, "x1||xy2\n");
    assert_eq!(
        ft.last_run_unfreed_vecs(),
        4,
        "s, e, t, u live on in the workspace"
    );
}

#[test]
fn timeit_setup_runs_in_the_timer_scope() {
    let mut ft = FastTier::new();
    run(&mut ft, "let keep = 2.0f64;").0.unwrap();
    let t = ft
        .timeit(
            "let v = vec![keep; 1000];\nlet w = 3usize;",
            "v.iter().sum::<f64>() + w as f64",
            Some(20),
            3,
            &Cap::default(),
        )
        .unwrap();
    assert_eq!((t.number, t.runs.len()), (20, 3));
    assert!(t.runs.iter().all(|r| *r > 0.0 && *r < 1.0), "{:?}", t.runs);
    // IPython runs setup in the timer's scope: nothing of it lands in the workspace.
    assert_eq!(
        ft.variables(),
        vec![("keep".to_string(), "f64".to_string())]
    );
    assert_eq!(
        ft.last_run_unfreed_vecs(),
        0,
        "the setup's Vec is freed after each measurement"
    );
    assert!(matches!(
        run(&mut ft, "v.len()").0,
        Err(Failure::Compile(_))
    ));
}

#[test]
fn option_patterns_and_methods() {
    use crate::e2e_support::{panic_in, value_in};
    let mut ft = FastTier::new();
    run(&mut ft, "let a: Option<i64> = Some(3);\nlet b: Option<i64> = None;\nfn find(v: &[i64], t: i64) -> Option<usize> { for i in 0..v.len() { if v[i] == t { return Some(i); } } None }").0.unwrap();
    for (src, want) in [
        ("(a == b, b == None, a == Some(3), a != Some(4))", "(false, true, true, true)"),
        ("let mut w = vec![1i64, 2, 3]; let mut s = 0; while let Some(x) = w.pop() { s = s * 10 + x; } s", "321"),
        ("if let Some(x) = a { x } else { 0 }", "3"),
        ("if let Some(x) = b { x } else if let Some(y) = a { y * 100 } else { 0 }", "300"),
        ("let mut n = 0; if let Some(x) = a { n += x; } if let None = b { n += 10; } n", "13"),
        ("match a { Some(x) if x > 2 => x, Some(_) => 1, None => 0 }", "3"),
        ("match b { Some(0..=5) => 1, Some(_) => 2, None => 3 }", "3"),
        ("match Some(4i64) { Some(3) | Some(4) => 1, _ => 2 }", "1"),
        ("match &a { Some(i) => *i + 1, None => 0 }", "4"),
        ("(a.unwrap_or_else(|| 7), b.unwrap_or_else(|| 7), a.map(|x| x as f64 * 0.5), b.map(|x| x + 1))", "(3, 7, Some(1.5), None)"),
        ("(a.unwrap_or(1), b.unwrap_or(1), a.is_some(), b.is_none())", "(3, 1, true, true)"),
        ("let z = [1i64, 2, 3]; let e: Vec<f64> = Vec::new(); (z.first().copied(), z.last(), z.get(5), z.get(1), e.first(), e.last().copied())", "(Some(1), Some(3), None, Some(2), None, None)"),
        ("let v = vec![1.5f64, 2.5, -1.0]; (v.iter().position(|&x| x < 0.0), v.iter().position(|x| *x > 9.0))", "(Some(2), None)"),
        ("(find(&[4, 5, 6], 6), find(&[], 1))", "(Some(2), None)"),
        ("let mut k = 0usize; 'o: while let Some(i) = find(&[1, 2, 3, 4], k as i64 + 1) { k += 1; if i == 1 { continue 'o; } if i == 2 { break; } } k", "3"),
        ("let o: Option<f64> = Some(1.5); let p = o; format!(\"{:?} {:?} {:?}\", p, b, Some('x'))", "\"Some(1.5) None Some('x')\""),
    ] {
        assert_eq!(value_in(&mut ft, src), want, "{src}");
    }
    assert_eq!(
        panic_in(&mut ft, "b.expect(\"no value here\")"),
        "no value here"
    );
    assert_eq!(
        panic_in(&mut ft, "b.unwrap()"),
        "called `Option::unwrap()` on a `None` value"
    );
    // Refused: non-exhaustive, and Option payloads that own memory.
    for (src, msg) in [
        (
            "match b { Some(x) => x, }",
            "non-exhaustive patterns: `None` not covered",
        ),
        ("let q: Option<Vec<i64>> = None;", "`Option<Vec<i64>>`"),
    ] {
        match run(&mut ft, src).0 {
            Err(Failure::Compile(ds)) => {
                assert!(ds[0].message.contains(msg), "{src}: {}", ds[0].message)
            }
            other => panic!("{src}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn mut_reference_parameters() {
    use crate::e2e_support::{panic_in, value_in};
    let mut ft = FastTier::new();
    run(&mut ft, "fn bump(x: &mut i64) { *x += 1; }\nfn twice(x: &mut i64) { bump(x); bump(x); }\nfn scale(x: &mut f64, k: f64) { *x = *x * k; }\nfn push_sq(v: &mut Vec<i64>, n: i64) { for i in 0..n { v.push(i * i); } }\nfn rd(a: &mut i64, b: i64) { *a += b; }\nfn two(a: &mut i64, b: &mut i64) { *a += *b; }\nfn clr(v: &mut Vec<i64>) { *v = vec![9]; }\nfn ln(v: &mut Vec<i64>) -> usize { (*v).len() + v.len() }\nlet mut g = 10i64;").0.unwrap();
    for (src, want) in [
        ("let mut a = 1i64; bump(&mut a); twice(&mut a); a", "4"),
        ("let mut v = vec![1i64, 2, 3]; bump(&mut v[1]); push_sq(&mut v, 3); v", "[1, 3, 3, 0, 1, 4]"),
        ("let mut f = 2.0f64; scale(&mut f, 1.5); let mut t = (1i64, 2.0f64); bump(&mut t.0); (f, t)", "(3.0, (2, 2.0))"),
        ("let mut s = 0i64; for i in 0..5 { if i % 2 == 0 { bump(&mut s); } } s", "3"),
        ("let mut x = 1i64; let mut y = 2i64; std::mem::swap(&mut x, &mut y); (x, y)", "(2, 1)"),
        ("let mut x = 5i64; let y = x; rd(&mut x, y); x", "10"),
        ("let mut x = 1i64; let mut y = 7i64; two(&mut x, &mut y); (x, y)", "(8, 7)"),
        ("let mut v = vec![1i64, 2]; let k = v[1]; rd(&mut v[0], k); v", "[3, 2]"),
        ("let mut c = 0i64; let mut inc = || bump(&mut c); inc(); inc(); c", "2"),
        ("let mut w = vec![1i64, 2]; clr(&mut w); let n = ln(&mut w); (n, w[0])", "(2, 9)"),
        ("bump(&mut g); g", "11"),
        // A loop whose bound changes through `&mut` keeps its checks (no stale hoisting).
        ("let v = vec![1i64; 8]; let mut k = 0i64; let mut s = 0; for j in 0..3usize { s += v[k as usize + j]; bump(&mut k); } s", "3"),
    ] {
        assert_eq!(value_in(&mut ft, src), want, "{src}");
    }
    assert_eq!(
        panic_in(&mut ft, "let mut v = vec![1i64]; bump(&mut v[3]);"),
        "index out of bounds: the len is 1 but the index is 3"
    );
    assert_eq!(
        ft.last_run_unfreed_vecs(),
        1,
        "the panicking cell's own Vec only"
    );
    // Refused as rustc refuses them (or outside the subset): aliasing arguments, `&mut` locals.
    for (src, msg) in [
        (
            "let mut x = 1i64; two(&mut x, &mut x);",
            "cannot borrow `x` as mutable more than once at a time",
        ),
        (
            "let mut v = vec![1i64, 2]; two(&mut v[0], &mut v[1]);",
            "cannot borrow `v` as mutable more than once at a time",
        ),
        (
            "let mut x = 1i64; rd(&mut x, x);",
            "cannot use `x` because it was mutably borrowed",
        ),
        (
            "let mut v = vec![1i64, 2]; rd(&mut v[0], v[1]);",
            "cannot use `v` because it was mutably borrowed",
        ),
        (
            "let mut x = 1i64; let r = &mut x; *r += 1;",
            "outside a call argument",
        ),
    ] {
        match run(&mut ft, src).0 {
            Err(Failure::Compile(ds)) => {
                assert!(ds[0].message.contains(msg), "{src}: {}", ds[0].message)
            }
            other => panic!("{src}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn vec_of_vecs() {
    use crate::e2e_support::value_in;
    // Scalar results: every row freed with its Vec (no leak) on each path.
    for (src, want) in [
        ("let mut m = vec![vec![0.0f64; 3]; 2]; m[1][2] = 5.0; m[0][0] += 1.5; m[0][0] + m[1][2] + m.len() as f64 + m[1].len() as f64", "11.5"),
        ("let mut g: Vec<Vec<i64>> = Vec::new(); for i in 0..4 { let mut row = Vec::new(); for j in 0..i { row.push(j); } g.push(row); } let mut t = 0; for row in &g { for x in row { t += x; } } t", "4"),
        ("let g = vec![vec![1i64, 2], vec![3]]; let mut h = g.clone(); h[0].push(7); h[1] = vec![9, 9, 9]; (g[0].len() + h[0].len() + h[1].len()) as i64 + h.remove(0)[2]", "15"),
        ("let c: Vec<Vec<usize>> = (0..4).map(|i| vec![i; i]).collect(); c.iter().map(|r| r.iter().sum::<usize>()).sum::<usize>()", "14"),
        ("let mut k = vec![vec![1i64], vec![2, 3]]; k.truncate(1); k.clear(); k.push(vec![]); k.insert(0, vec![5]); k.swap(0, 1); (k == vec![vec![], vec![5]]) as i64", "1"),
        ("let e: Vec<Vec<i64>> = vec![vec![1]; 0]; let v3 = vec![vec![vec![1u8; 2]; 3]; 2]; e.len() + v3[1][2].len() + v3.len()", "4"),
        ("let mut s = 0usize; for i in 0..5 { let g = vec![vec![i; i]; 3]; if i == 3 { break; } s += g[2].len(); } s", "3"),
    ] {
        // In a block: its lets are locals, not workspace variables.
        let src = format!("{{ {src} }}");
        assert_eq!(value_and_leaks(&src), (want.to_string(), 0), "{src}");
    }
    let mut ft = FastTier::new();
    run(&mut ft, "fn tr(a: &Vec<Vec<f64>>) -> Vec<Vec<f64>> { let n = a.len(); let m = a[0].len(); let mut out = vec![vec![0.0; n]; m]; for i in 0..n { for j in 0..m { out[j][i] = a[i][j]; } } out }\nfn sumall(a: &[Vec<f64>]) -> f64 { a.iter().map(|r| r.iter().sum::<f64>()).sum() }\nfn fill(g: &mut Vec<Vec<i64>>, n: usize) { for i in 0..n { g.push(vec![i as i64; 2]); } }").0.unwrap();
    assert_eq!(
        value_in(
            &mut ft,
            "let m = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.5]]; let t2 = tr(&m); sumall(&t2)"
        ),
        "21.5"
    );
    // Workspace variables of type Vec<Vec<T>>: displayed like rustc's {:?}, freed when replaced.
    assert_eq!(
        value_in(&mut ft, "t2"),
        "[[1.0, 4.0], [2.0, 5.0], [3.0, 6.5]]"
    );
    assert_eq!(
        value_in(
            &mut ft,
            "let mut w: Vec<Vec<i64>> = Vec::new(); fill(&mut w, 3); w[2][1] = 8; w.len()"
        ),
        "3"
    );
    assert_eq!(
        ft.last_run_unfreed_vecs(),
        4,
        "w and its three rows stay in the workspace"
    );
    assert_eq!(value_in(&mut ft, "w"), "[[0, 0], [1, 1], [2, 8]]");
    assert_eq!(
        value_in(&mut ft, "format!(\"{:?}\", w)"),
        "\"[[0, 0], [1, 1], [2, 8]]\""
    );
    assert_eq!(value_in(&mut ft, "w = vec![]; w.len()"), "0");
    assert_eq!(
        ft.last_run_unfreed_vecs(),
        -3,
        "replacing w freed its three rows"
    );
}

#[test]
fn saturating_arithmetic_matches_std_for_every_integer_type() {
    // Each type's edges (MIN, MAX, 0, ±1, mid values) pairwise through saturating_add/sub/mul,
    // and saturating_pow with small and huge exponents; the expected text is std's own result.
    macro_rules! check {
        ($($t:ident),*) => {$({
            let xs: Vec<$t> = vec![$t::MIN, $t::MAX, 0, 1, $t::MAX / 2, $t::MIN / 2, (0 as $t).wrapping_sub(1), 3];
            let mut want = Vec::new();
            let mut src = format!("let xs: Vec<{0}> = vec![{1}];\nlet mut out: Vec<{0}> = Vec::new();\n", stringify!($t),
                xs.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(", "));
            src += "for i in 0..xs.len() { for j in 0..xs.len() {\n";
            src += "    out.push(xs[i].saturating_add(xs[j])); out.push(xs[i].saturating_sub(xs[j])); out.push(xs[i].saturating_mul(xs[j]));\n";
            src += "} }\nfor i in 0..xs.len() { for e in [0u32, 1, 2, 3, 7, 31, 63, 64, u32::MAX] { out.push(xs[i].saturating_pow(e)); } }\nout\n";
            for &a in &xs {
                for &b in &xs {
                    want.extend([a.saturating_add(b), a.saturating_sub(b), a.saturating_mul(b)]);
                }
            }
            for &a in &xs {
                for e in [0u32, 1, 2, 3, 7, 31, 63, 64, u32::MAX] {
                    want.push(a.saturating_pow(e));
                }
            }
            assert_eq!(value(&src), format!("{want:?}"), "{}", stringify!($t));
        })*};
    }
    check!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
    // unsigned underflow stops at 0, signed overflow at the bound the true result lies beyond
    assert_eq!(value("let a: u8 = 3; a.saturating_sub(200)"), "0");
    assert_eq!(
        value("let a: i32 = i32::MIN; a.saturating_mul(-1)"),
        "2147483647"
    );
    assert_eq!(
        value("let a: i64 = -2; a.saturating_pow(63)"),
        "-9223372036854775808"
    );
    assert_eq!(
        value("let a: i64 = -2; a.saturating_pow(64)"),
        "9223372036854775807"
    );
    assert_eq!(value("let a: usize = 0; a.saturating_sub(1)"), "0");
}

/// Borrows of arrays, Vecs and slices that rustc accepts (a borrow ends at its last use, a
/// reassigned reference ends the old borrow, a `move` closure not outliving a change): they run
/// and print what the rustc-compiled program prints (stdout taken from rustc 1.95).
#[test]
fn borrows_rustc_accepts_run() {
    for (src, want) in [
        ("let mut v = vec![1i64, 2, 3];\nlet mut r = &v[0];\nfor i in 0..3 {\n    println!(\"{}\", r);\n    v.push(i);\n    r = &v[0];\n}\n", "1\n1\n1\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nr[0] = 5;\nlet s = &a;\nprintln!(\"{:?} {}\", s, a.len());\n", "[5, 2, 3] 3\n"),
        ("let mut a = vec![1i64, 2, 3];\nlet r = &mut a;\nr[0] = 5;\nr.push(4);\nlet s = &a;\nprintln!(\"{:?} {}\", s, a.len());\n", "[5, 2, 3, 4] 4\n"),
        ("let a = [1i64, 2, 3];\nlet s = &a;\nlet t = &a[1..];\nprintln!(\"{} {} {}\", s[0], t[0], a.len());\n", "1 2 3\n"),
        ("let mut a = [1i64, 2, 3];\nlet s = &a;\nprintln!(\"{}\", s[2]);\nlet r = &mut a;\nr[1] = 7;\nprintln!(\"{:?}\", a);\n", "3\n[1, 7, 3]\n"),
        ("let mut v = vec![1i64, 2, 3];\nlet r = &mut v[1..];\nr[0] = 9;\nlet x = v[1];\nprintln!(\"{}\", x);\n", "9\n"),
        ("fn f(a: &mut [i64; 3]) {\n    let r = &a[0];\n    println!(\"{}\", r);\n    a[1] = 2;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\nprintln!(\"{:?}\", a);\n", "1\n[1, 2, 1]\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nfor i in 0..3 {\n    r[i] *= 2;\n}\nprintln!(\"{:?}\", a);\n", "[2, 4, 6]\n"),
        ("fn sum(x: &[i64]) -> i64 { x.iter().sum() }\nlet mut a = [1i64, 2, 3];\nlet r = &mut a;\nr[0] = 4;\nlet t = sum(r);\nprintln!(\"{} {:?}\", t, a);\n", "9 [4, 2, 3]\n"),
        ("let mut a = [1i64, 2, 3];\nlet x = a[0];\nlet r = &mut a;\nr[0] = x + 10;\nprintln!(\"{:?}\", a);\n", "[11, 2, 3]\n"),
        ("let a = vec![1i64, 2, 3];\nlet t = (&a, &a[1..]);\nprintln!(\"{} {} {}\", t.0.len(), t.1[0], a[2]);\n", "3 2 3\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nr[2] = 0;\nlet c = || a[0] + a[2];\nprintln!(\"{}\", c());\n", "1\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet s = &a;\nprintln!(\"{}\", s[0]);\n", "1\n"),
        ("fn f(v: &mut Vec<i64>) {\n    let r = &mut v[..];\n    r[0] = 3;\n    let n = v.len();\n    v.push(n as i64);\n}\nlet mut v = vec![1i64];\nf(&mut v);\nprintln!(\"{:?}\", v);\n", "[3, 1]\n"),
        ("let mut a = [1i64, 2, 3];\nfor i in 0..3 {\n    let s = &a;\n    let x = s[i];\n    a[i] = x * 2;\n}\nprintln!(\"{:?}\", a);\n", "[2, 4, 6]\n"),
        ("let mut v = vec![1i64, 2, 3];\nfor i in 0..3 {\n    let r = &mut v;\n    r[i] += 1;\n    let n = v.len();\n    v[i] += n as i64;\n}\nprintln!(\"{:?}\", v);\n", "[5, 6, 7]\n"),
        ("fn f(a: &mut [i64; 3]) {\n    let r = &mut a[1..];\n    r[0] = 7;\n    let n = a.len();\n    a[0] = n as i64;\n}\nlet mut a = [1i64; 3];\nf(&mut a);\nprintln!(\"{:?}\", a);\n", "[3, 7, 1]\n"),
        ("fn f(a: &mut [i64]) {\n    let r = &mut a[1..];\n    r[0] += 5;\n    let x = a[1];\n    a[0] = x;\n}\nlet mut v = vec![1i64; 3];\nf(&mut v);\nprintln!(\"{:?}\", v);\n", "[6, 6, 1]\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet c = || r[0] + 1;\nprintln!(\"{} {}\", c(), a[0]);\n", "2 1\n"),
        ("let mut v = vec![1i64, 2, 3];\nlet r = &v[0];\nv.push(*r);\n", ""),
        ("let mut v = vec![1i64, 2, 3];\nlet mut r = &mut v;\nfor i in 0..3 {\n    r[0] += i;\n    let n = v.len();\n    r = &mut v;\n    r[1] += n as i64;\n}\n", ""),
        ("let mut v = vec![1i64, 2, 3];\nlet mut r = &v[0];\nprintln!(\"{}\", r);\nv.push(4);\nr = &v[3];\nprintln!(\"{}\", r);\n", "1\n4\n"),
        ("let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nr.push(4);\nfor x in v.iter() {\n    print!(\"{} \", x);\n}\nprintln!();\n", "1 2 3 4 \n"),
        ("let mut a = [1i64, 2, 3];\nlet mut c = || a[0] += 1;\nc();\nc();\nlet s = &a;\nprintln!(\"{:?}\", s);\n", "[3, 2, 3]\n"),
        ("let v = vec![1i64, 2, 3];\nlet a = &v;\nlet b = &v[1..];\nlet c = v.first();\nprintln!(\"{} {} {:?} {}\", a[0], b[0], c, v.len());\n", "1 2 Some(1) 3\n"),
        ("let mut v = vec![1i64];\nlet mut r = &v[0];\nfor i in 0..3 {\n    print!(\"{} \", r);\n    v.push(i);\n    r = &v[v.len() - 1];\n}\nprintln!(\"{}\", r);\n", "1 0 1 2\n"),
        ("let mut v = vec![1i64, 2, 3];\nlet mut r = &v[0];\nprintln!(\"{}\", r);\nv.push(4);\nr = &v[3];\nprintln!(\"{}\", r);\n", "1\n4\n"),
        ("let mut a = [1i64, 2, 3];\nlet x = a[1];\nlet r = &mut a;\nr[0] = x;\nr[2] += r[0];\nprintln!(\"{:?}\", a);\n", "[2, 2, 5]\n"),
        ("let mut v = vec![1i64, 2, 3, 4];\n{\n    let s = &mut v[..2];\n    s[0] = 10;\n}\nlet t = &v[2..];\nprintln!(\"{:?} {:?}\", t, v);\n", "[3, 4] [10, 2, 3, 4]\n"),
        ("fn g(x: &mut [i64; 3]) { x[0] += 1; }\nfn f(a: &mut [i64; 3]) {\n    g(a);\n    let r = &a[1..];\n    println!(\"{:?}\", r);\n    g(a);\n}\nlet mut a = [1i64; 3];\nf(&mut a);\nprintln!(\"{:?}\", a);\n", "[1, 1]\n[3, 1, 1]\n"),
        ("let mut v = vec![3i64, 2, 1];\nlet r = &mut v;\nlet mut i = 0;\nwhile i < r.len() {\n    r[i] *= 2;\n    i += 1;\n}\nprintln!(\"{:?}\", v);\n", "[6, 4, 2]\n"),
        ("let x = 2i64;\nlet c = move |y: i64| x * y;\nprintln!(\"{} {}\", c(3), x);\n", "6 2\n"),
        ("let mut x = 1i64;\nlet c = move || x + 1;\nprintln!(\"{}\", c());\nx = 5;\nprintln!(\"{}\", x);\n", "2\n5\n"),
        ("let mut x = 0i64;\nfor i in 0..3i64 {\n    let c = move || x + i;\n    println!(\"{}\", c());\n    x += 1;\n}\n", "0\n2\n4\n"),
        ("let mut v = vec![1i64, 2];\nif let Some(x) = v.first() {\n    v.push(*x);\n}\n", ""),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet x = r[0];\na[0] = x + 1;\nprintln!(\"{:?}\", a);\n", "[2, 2, 3]\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nlet mut c = || r[0] += 1;\nc();\nprintln!(\"{:?}\", a);\n", "[2, 2, 3]\n"),
        ("let mut v = vec![1i64, 2];\nlet m = v.first();\nmatch m {\n    Some(x) => v.push(*x),\n    None => {}\n}\n", ""),
        ("fn tot(x: &[i64]) -> i64 { x.iter().sum() }\nlet mut v = vec![1i64, 2];\nlet r = &mut v;\nr.push(3);\nlet t = tot(&v);\nv.push(t);\nprintln!(\"{:?}\", v);\n", "[1, 2, 3, 6]\n"),
        ("let mut v = vec![1i64];\nfor _ in 0..3 {\n    let l = v.last().copied();\n    let r = &v;\n    let n = r.len();\n    v.push(l.unwrap() + n as i64);\n}\nprintln!(\"{:?}\", v);\n", "[1, 2, 4, 7]\n"),
        ("let mut a = [0i64; 4];\nfor i in 0..4 {\n    let r = &mut a;\n    r[i] = i as i64;\n    let s = &a;\n    println!(\"{}\", s[i]);\n}\n", "0\n1\n2\n3\n"),
        ("fn f(a: &[i64]) -> i64 {\n    let s = &a[1..];\n    let t = &a[..1];\n    s[0] + t[0] + a.len() as i64\n}\nprintln!(\"{}\", f(&[1, 2, 3]));\n", "6\n"),
        ("let mut a = [1i64, 2];\nlet r = &mut a;\nr[0] = 3;\nassert_eq!(a[0], 3);\nprintln!(\"ok\");\n", "ok\n"),
        ("let mut g = [[0i64; 2]; 2];\nlet x = g[0][0];\nlet r = &mut g[1];\nr[0] = x + 4;\nprintln!(\"{:?}\", g);\n", "[[0, 0], [4, 0]]\n"),
        ("let mut v = vec![1i64, 2];\nlet r = &mut v;\nr.push(3);\nlet mut t = 0;\nfor i in 0..v.len() {\n    t += v[i];\n}\nprintln!(\"{}\", t);\n", "6\n"),
        ("let mut v = vec![1.5f64, 2.5];\nlet total: f64 = v.iter().sum();\nlet r = &mut v;\nr[0] = total;\nprintln!(\"{:?}\", v);\n", "[4.0, 2.5]\n"),
        ("let mut a = [1i64, 2, 3];\nlet r = &mut a;\nr.swap(0, 1);\na.swap(1, 2);\nprintln!(\"{:?}\", a);\n", "[2, 3, 1]\n"),
        ("fn f(v: &mut Vec<f64>) {\n    let n = v.len();\n    let s = &mut v[..n];\n    s[0] = 1.0;\n    v.push(2.0);\n}\nlet mut v = vec![0.0f64];\nf(&mut v);\nprintln!(\"{:?}\", v);\n", "[1.0, 2.0]\n"),
        ("let mut v = vec![1i64, 2];\nv.push(3);\nlet r = &v;\nlet c = || r.len();\nprintln!(\"{} {}\", c(), v.len());\n", "3 3\n"),
        ("let mut v = vec![1i64, 2, 3];\nlet r = &mut v;\nlet n = r.len();\nfor i in 0..n {\n    r[i] += 1;\n}\nprintln!(\"{:?}\", v);\n", "[2, 3, 4]\n"),
        ("fn g(a: &[i64]) -> i64 { a[0] }\nfn f(a: &mut [i64; 2]) -> i64 {\n    let x = g(&a[..]);\n    a[1] = x;\n    g(a)\n}\nlet mut a = [4i64, 5];\nprintln!(\"{} {:?}\", f(&mut a), a);\n", "4 [4, 4]\n"),
        ("let mut v = vec![1i64, 2];\nlet has = v.iter().any(|x| *x > 1);\nlet r = &mut v;\nr.push(has as i64);\nprintln!(\"{:?}\", v);\n", "[1, 2, 1]\n"),
        ("let mut v = vec![1i64];\nlet c = v.len() > 5;\nlet r = &mut v;\nif c {\n    v.push(2);\n} else {\n    r.push(1);\n}\nprintln!(\"{:?}\", v);\n", "[1, 1]\n"),
        ("let mut v = vec![1i64];\nlet s = &v;\nlet c = true;\nif c {\n    v.push(2);\n} else {\n    println!(\"{:?}\", s);\n}\nprintln!(\"{:?}\", v);\n", "[1, 2]\n"),
        ("let mut v = vec![1i64];\nlet s = v.first();\nlet k = 2;\nmatch k {\n    1 => println!(\"{:?}\", s),\n    _ => v.push(3),\n}\nprintln!(\"{:?}\", v);\n", "[1, 3]\n"),
    ] {
        let (r, out) = run(&mut FastTier::new(), src);
        assert!(r.is_ok(), "{src}\n=> {r:?}");
        assert_eq!(out, want, "{src}");
    }
}
