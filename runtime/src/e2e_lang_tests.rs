//! End-to-end tests of language coverage and correctness fixes (parse → typeck → lower → exec).

use crate::api::*;

use crate::e2e_tests::{panic_msg, run, value, Cap};

#[test]
fn calls_nested_in_iterator_arguments_are_callees() {
    // A fn of an earlier cell called only inside a `.fold(init, …)` initializer, a `.take(n)`
    // or a zipped iterator of a later cell must be linked into that cell (was "fn `f0` not declared").
    let mut ft = FastTier::new();
    run(&mut ft, "fn f0(x: i64) -> i64 { x * 2 }\nfn n0() -> usize { 2 }\nfn v0() -> Vec<i64> { vec![5, 6, 7] }").0.unwrap();
    assert_eq!(run(&mut ft, "(0..3i64).fold(f0(5), |a, x| a + x)").0.unwrap().unwrap(), "13");
    assert_eq!(run(&mut ft, "(0..10i64).take(n0()).sum::<i64>()").0.unwrap().unwrap(), "1");
    assert_eq!(run(&mut ft, "(0..3i64).zip(v0().iter()).map(|(a, b)| a * b).sum::<i64>()").0.unwrap().unwrap(), "20");
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
    assert_eq!(ft.last_run_unfreed_vecs(), 4, "s, e, t, u live on in the workspace");
}

#[test]
fn timeit_setup_runs_in_the_timer_scope() {
    let mut ft = FastTier::new();
    run(&mut ft, "let keep = 2.0f64;").0.unwrap();
    let t = ft.timeit("let v = vec![keep; 1000];\nlet w = 3usize;", "v.iter().sum::<f64>() + w as f64", Some(20), 3, &Cap::default()).unwrap();
    assert_eq!((t.number, t.runs.len()), (20, 3));
    assert!(t.runs.iter().all(|r| *r > 0.0 && *r < 1.0), "{:?}", t.runs);
    // IPython runs setup in the timer's scope: nothing of it lands in the workspace.
    assert_eq!(ft.variables(), vec![("keep".to_string(), "f64".to_string())]);
    assert_eq!(ft.last_run_unfreed_vecs(), 0, "the setup's Vec is freed after each measurement");
    assert!(matches!(run(&mut ft, "v.len()").0, Err(Failure::Compile(_))));
}
