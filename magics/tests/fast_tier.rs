//! The fast-tier front ends (`%%jit`, `%timeit`/`%time` routing, `%annotate`, inspect) against the
//! real `accel_runtime::FastTier`; the rustc tier is a scripted double that must not be reached.

mod support;

use accel_magics::{Session, StreamName};
use support::{Recorder, Scripted};

fn session() -> (Session, support::Log) {
    let (tier, log) = Scripted::new(|code, _| Err(accel_magics::CellError::new("Unexpected", format!("rustc tier called with {code:?}"))));
    (Session::new(Box::new(tier)), log)
}

const PRIMES: &str = "%%jit
fn get_primes(x: i64) -> Vec<i64> {
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
let p = get_primes(1000);
p.len()";

#[test]
fn jit_cell_runs_and_routes_timeit_and_time_to_the_fast_tier() {
    let (mut s, log) = session();
    let r = s.execute(PRIMES, &Recorder::default()).unwrap().unwrap();
    assert_eq!(r["text/plain"], "168");

    let rec = Recorder::default();
    s.execute("%timeit -n 3 -r 2 get_primes(100)", &rec).unwrap();
    let out = rec.stdout();
    assert!(out.lines().any(|l| l.ends_with("per loop (mean \u{b1} std. dev. of 2 runs, 3 loops each)")), "{out}");

    let rec = Recorder::default();
    let r = s.execute("%time get_primes(100).len()", &rec).unwrap().unwrap();
    assert_eq!(r["text/plain"], "25");
    assert!(rec.stdout().starts_with("CPU times: user "), "{}", rec.stdout());

    let b = s.execute("%annotate get_primes", &Recorder::default()).unwrap().unwrap();
    assert!(b.contains_key("text/html") && b.contains_key("text/plain"));

    let b = s.inspect("p.len()", 0).unwrap();
    let text = b["text/plain"].as_str().unwrap();
    assert!(text.starts_with("p: Vec<i64>  (fast tier)\nvalue: [2, 3, 5, 7, 11,"), "{text}");
    let c = s.complete("get_pr", 6);
    assert!(c.matches.contains(&"get_primes".to_string()), "{c:?}");
    assert!(log.evals().is_empty(), "{:?}", log.evals());
}

#[test]
fn jit_panics_and_prints() {
    let (mut s, _) = session();
    let rec = Recorder::default();
    let r = s.execute("%%jit\nprintln!(\"x = {}\", 2 + 3);", &rec).unwrap();
    assert_eq!(r, None);
    assert_eq!(rec.stdout(), "x = 5\n");
    let e = s.execute("%%jit\nlet v = vec![1, 2, 3];\nlet i = 5;\nv[i]", &Recorder::default()).unwrap_err();
    assert_eq!(e.ename, "Panic");
    assert_eq!(e.evalue, "index out of bounds: the len is 3 but the index is 5");
    let _ = StreamName::Stdout;
}
