//! The fast-tier front ends (`%%jit`, `%timeit`/`%time` routing, `%annotate`, inspect) against the
//! real `accel_runtime::FastTier`; the rustc tier is a scripted double that must not be reached.

mod support;

use accel_magics::{Session, StreamName};
use support::{Recorder, Scripted};

fn session() -> (Session, support::Log) {
    let (tier, log) = Scripted::new(|code, _| {
        Err(accel_magics::CellError::new(
            "Unexpected",
            format!("rustc tier called with {code:?}"),
        ))
    });
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
    s.execute("%timeit -n 3 -r 2 get_primes(100)", &rec)
        .unwrap();
    let out = rec.stdout();
    assert!(
        out.lines()
            .any(|l| l.ends_with("per loop (mean \u{b1} std. dev. of 2 runs, 3 loops each)")),
        "{out}"
    );

    let rec = Recorder::default();
    let r = s
        .execute("%time get_primes(100).len()", &rec)
        .unwrap()
        .unwrap();
    assert_eq!(r["text/plain"], "25");
    assert!(
        rec.stdout().starts_with("CPU times: user "),
        "{}",
        rec.stdout()
    );

    let b = s
        .execute("%annotate get_primes", &Recorder::default())
        .unwrap()
        .unwrap();
    assert!(b.contains_key("text/html") && b.contains_key("text/plain"));

    let b = s.inspect("p.len()", 0).unwrap();
    let text = b["text/plain"].as_str().unwrap();
    assert!(
        text.starts_with("p: Vec<i64>  (fast tier)\nvalue: [2, 3, 5, 7, 11,"),
        "{text}"
    );
    let c = s.complete("get_pr", 6);
    assert!(c.matches.contains(&"get_primes".to_string()), "{c:?}");
    assert!(log.evals().is_empty(), "{:?}", log.evals());
}

#[test]
fn jit_panics_and_prints() {
    let (mut s, _) = session();
    let rec = Recorder::default();
    let r = s
        .execute("%%jit\nprintln!(\"x = {}\", 2 + 3);", &rec)
        .unwrap();
    assert_eq!(r, None);
    assert_eq!(rec.stdout(), "x = 5\n");
    let e = s
        .execute(
            "%%jit\nlet v = vec![1, 2, 3];\nlet i = 5;\nv[i]",
            &Recorder::default(),
        )
        .unwrap_err();
    assert_eq!(e.ename, "Panic");
    assert_eq!(
        e.evalue,
        "index out of bounds: the len is 3 but the index is 5"
    );
    let _ = StreamName::Stdout;
}

#[test]
fn jit_diagnostics_count_lines_from_the_top_of_the_cell() {
    let (mut s, _) = session();
    let e = s
        .execute(
            "%%jit\nlet a = 1;\nlet b: Box<i32> = Box::new(a);",
            &Recorder::default(),
        )
        .unwrap_err();
    assert_eq!(e.ename, "CompileError");
    let tb = e.traceback.join("\n");
    assert!(
        tb.contains("cell:3:"),
        "the Box is on line 3 of the cell:\n{tb}"
    );
}

#[test]
fn jit_options_reach_the_fast_tier() {
    let (mut s, _) = session();
    let rec = Recorder::default();
    s.execute("%%jit --dump ir\nfn one() -> i64 { 1 }\none()", &rec)
        .unwrap();
    let e = s
        .execute("%%jit --opt fast\n1", &Recorder::default())
        .unwrap_err();
    assert!(e.evalue.contains("invalid value 'fast'"), "{e:?}");
    let r = s.execute("%%jit --fastmath --boundscheck off --opt none\nlet v = vec![1.5f64, 2.5];\nv.iter().sum::<f64>()", &Recorder::default()).unwrap();
    assert_eq!(r.unwrap()["text/plain"], "4.0");
}

#[test]
fn interrupt_stops_a_fast_tier_loop_and_keeps_the_session() {
    let (mut s, _) = session();
    s.execute("%%jit\nlet mut keep = 41;", &Recorder::default())
        .unwrap();
    let stop = s.interrupter();
    let worker = std::thread::spawn(move || {
        let r = s.execute(
            "%%jit\nlet mut i: u64 = 0;\nloop { i = i.wrapping_add(1); }",
            &Recorder::default(),
        );
        (s, r)
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let t0 = std::time::Instant::now();
    stop();
    let (mut s, r) = worker.join().unwrap();
    assert!(t0.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(r.unwrap_err().ename, "KeyboardInterrupt");
    // The next cell runs (the flag was cleared) and the variable survived.
    let r = s
        .execute("%%jit\nkeep + 1", &Recorder::default())
        .unwrap()
        .unwrap();
    assert_eq!(r["text/plain"], "42");
}
