//! The code the session generates for the rustc tier, compiled and run by the real rustc
//! (through a stateless test tier): `%timeit`'s self-timing cell, `%time`'s clocks, and the
//! `TimeitResult` type `-o` defines.

mod support;

use accel_magics::Session;
use support::{Recorder, Rustc};

fn session(name: &str) -> Session {
    Session::new(Box::new(Rustc::new(name)))
}

/// `<mean> <unit> ± <std> <unit> per loop (mean ± std. dev. of R runs, N loops each)`
fn check_timeit_line(line: &str, runs: &str, loops: &str) {
    let tail = format!("per loop (mean \u{b1} std. dev. of {runs}, {loops} each)");
    assert!(line.ends_with(&tail), "{line:?} should end with {tail:?}");
    let head: Vec<&str> = line.split(' ').take(5).collect();
    head[0]
        .parse::<f64>()
        .unwrap_or_else(|_| panic!("mean in {line:?}"));
    assert!(["s", "ms", "\u{3bc}s", "ns"].contains(&head[1]), "{line:?}");
    assert_eq!(head[2], "\u{b1}");
}

#[test]
fn timeit_cell_runs_the_loop_itself() {
    let mut s = session("timeit");
    let rec = Recorder::default();
    let r = s
        .execute(
            "%timeit -n 100 -r 3 (0..1000u64).map(|i| i * i).sum::<u64>()",
            &rec,
        )
        .unwrap();
    assert_eq!(r, None);
    let out = rec.stdout();
    let mut lines = out.lines();
    check_timeit_line(lines.next().unwrap(), "3 runs", "100 loops");
    // rustc's compile time is reported like IPython's "Compiler time".
    if let Some(l) = lines.next() {
        assert!(
            l.starts_with("Compiler time: ") && l.ends_with(" s"),
            "{l:?}"
        );
    }
}

#[test]
fn timeit_autoranges_to_point_two_seconds() {
    let mut s = session("autorange");
    let rec = Recorder::default();
    // 30 ms per loop: 1 loop is too short, 10 loops take 0.3 s.
    s.execute(
        "%timeit -r 1 std::thread::sleep(std::time::Duration::from_millis(30))",
        &rec,
    )
    .unwrap();
    check_timeit_line(rec.stdout().lines().next().unwrap(), "1 run", "10 loops");
}

#[test]
fn cell_timeit_setup_runs_before_each_measurement() {
    let mut s = session("setup");
    let rec = Recorder::default();
    let r = s
        .execute(
            "%%timeit -n 5 -r 2 -o let mut v = vec![3u32, 1, 2];\nv.sort();\nassert_eq!(v[0], 1);",
            &rec,
        )
        .unwrap();
    check_timeit_line(rec.stdout().lines().next().unwrap(), "2 runs", "5 loops");
    let repr = r.unwrap()["text/plain"].as_str().unwrap().to_string();
    assert!(
        repr.starts_with("<TimeitResult : ") && repr.ends_with("5 loops each)>"),
        "{repr}"
    );
}

#[test]
fn timeit_result_type_compiles_and_binds() {
    let mut s = session("bind");
    // The binding cell (type definition + literal) must be valid Rust.
    s.execute("let t = %timeit -q -n 1 -r 2 1 + 1", &Recorder::default())
        .unwrap();
}

#[test]
fn time_reports_cpu_and_wall_and_keeps_the_value() {
    let mut s = session("time");
    let rec = Recorder::default();
    let r = s
        .execute("%time (0..10u64).sum::<u64>()", &rec)
        .unwrap()
        .unwrap();
    assert_eq!(r["text/plain"], "45");
    let out = rec.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("CPU times: user ")
            && lines[0].contains(", sys: ")
            && lines[0].contains(", total: "),
        "{out}"
    );
    assert!(lines[1].starts_with("Wall time: "), "{out}");

    let rec = Recorder::default();
    let r = s
        .execute(
            "%%time\nlet x = 2;\nprintln!(\"hi\");\nlet y = x * 21;\nif y > 0 { y } else { 0 }",
            &rec,
        )
        .unwrap()
        .unwrap();
    assert_eq!(r["text/plain"], "42");
    assert!(
        rec.stdout().starts_with("hi\nCPU times: user "),
        "{}",
        rec.stdout()
    );

    // `let x = %time expr` binds the value instead of showing it.
    let rec = Recorder::default();
    assert_eq!(s.execute("let x = %time 2 + 3", &rec).unwrap(), None);
    assert!(
        rec.stdout().starts_with("CPU times: user "),
        "{}",
        rec.stdout()
    );

    // No trailing expression: no value.
    let rec = Recorder::default();
    assert_eq!(s.execute("%%time\nlet z = 1;", &rec).unwrap(), None);
    assert!(rec.stdout().contains("Wall time: "));
}

#[test]
fn errors_point_at_the_users_line() {
    let mut s = session("lines");
    let e = s
        .execute(
            "let a = 1;\n\n%timeit -n 1 -r 1 undefined_fn(a)",
            &Recorder::default(),
        )
        .unwrap_err();
    assert!(e.evalue.contains("cell2.rs:3:"), "{}", e.evalue);
    let e = s
        .execute(
            "%%timeit -n 1 -r 1 let v = 1;\nv + 1;\nundefined_fn(v)",
            &Recorder::default(),
        )
        .unwrap_err();
    assert!(e.evalue.contains("cell3.rs:3:"), "{}", e.evalue);
    let e = s
        .execute("%%time\nlet v = 1;\nundefined_fn(v)", &Recorder::default())
        .unwrap_err();
    assert!(e.evalue.contains("cell4.rs:3:"), "{}", e.evalue);
}
