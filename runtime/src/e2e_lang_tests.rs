//! End-to-end tests of language coverage and correctness fixes (parse → typeck → lower → exec).

use crate::api::*;
use std::sync::Mutex;

#[derive(Default)]
struct Cap {
    out: Mutex<String>,
}

impl Output for Cap {
    fn stdout(&self, t: &str) {
        self.out.lock().unwrap().push_str(t);
    }
    fn stderr(&self, _t: &str) {}
}

fn run(ft: &mut FastTier, src: &str) -> (Result<Option<String>, Failure>, String) {
    let cap = Cap::default();
    let r = ft.run_cell(src, &JitOptions::default(), &cap).map(|v| v.map(|v| v.text));
    let o = cap.out.lock().unwrap().clone();
    (r, o)
}

fn value(src: &str) -> String {
    let mut ft = FastTier::new();
    match run(&mut ft, src).0 {
        Ok(Some(v)) => v,
        other => panic!("{src}\n=> {other:?}"),
    }
}

fn panic_msg(src: &str) -> String {
    let mut ft = FastTier::new();
    match run(&mut ft, src).0 {
        Err(Failure::Panic { message, .. }) => message,
        other => panic!("{src}\n=> expected a panic, got {other:?}"),
    }
}

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
