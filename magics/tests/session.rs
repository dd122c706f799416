//! Session routing, magics and the kernel-facing answers, with a scripted rustc tier.

mod support;

use accel_magics::{Completeness, Session, StreamName};
use support::{text, Recorder, Scripted};

const MU: &str = "\u{3bc}";

fn session(tier: Scripted) -> Session {
    Session::new(Box::new(tier))
}

#[test]
fn plain_cells_go_to_the_rustc_tier_whole() {
    let (tier, log) = Scripted::new(|_, _| Ok(Some(text("2"))));
    let mut s = session(tier);
    let r = s
        .execute("let x = 1;\nx + 1", &Recorder::default())
        .unwrap();
    assert_eq!(r, Some(text("2")));
    assert_eq!(log.evals(), vec!["let x = 1;\nx + 1"]);
    // evcxr commands pass through untouched.
    s.execute(":dep ndarray = \"0.16\"", &Recorder::default())
        .unwrap();
    assert_eq!(log.evals()[1], ":dep ndarray = \"0.16\"");
}

#[test]
fn magic_lines_split_the_cell_and_keep_line_numbers() {
    let (tier, log) = Scripted::new(|code, _| Ok(Some(text(&format!("value of {}", code.trim())))));
    let mut s = session(tier);
    let r = s
        .execute("let a = 1;\n%lsmagic\na + 1", &Recorder::default())
        .unwrap();
    // Rust segments run in order; the second one starts on line 3 of the cell.
    assert_eq!(log.evals(), vec!["let a = 1;", "\n\na + 1"]);
    assert_eq!(r, Some(text("value of a + 1")));
    // The last segment's value is the cell's value.
    let r = s
        .execute("let b = 2;\n%lsmagic", &Recorder::default())
        .unwrap()
        .unwrap();
    assert!(r["text/plain"]
        .as_str()
        .unwrap()
        .starts_with("Available line magics:"));
}

#[test]
fn percent_in_strings_is_not_a_magic() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    let code = "let s = \"\n%timeit x\n\";\n// %lsmagic\nlet m = 7\n    % 3;";
    s.execute(code, &Recorder::default()).unwrap();
    assert_eq!(log.evals(), vec![code]);
}

#[test]
fn rust_cell_magic_keeps_cell_lines() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    s.execute("%%rust\nstruct P { x: f64 }", &Recorder::default())
        .unwrap();
    assert_eq!(log.evals(), vec!["\nstruct P { x: f64 }"]);
}

#[test]
fn unknown_magics_name_the_closest() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    let e = s.execute("%timit f()", &Recorder::default()).unwrap_err();
    assert_eq!(e.ename, "UsageError");
    assert_eq!(
        e.evalue,
        "Line magic function `%timit` not found. Did you mean `%timeit`?"
    );
    let e = s
        .execute("%%jitt\nfn f() {}", &Recorder::default())
        .unwrap_err();
    assert_eq!(
        e.evalue,
        "Cell magic `%%jitt` not found. Did you mean `%%jit`?"
    );
    let e = s
        .execute("let x = 1;\n%%rust\nx", &Recorder::default())
        .unwrap_err();
    assert!(e.evalue.contains("must be the first line"), "{e:?}");
    // The Rust before the misplaced magic ran; nothing after it did.
    assert_eq!(log.evals(), vec!["let x = 1;"]);
}

#[test]
fn help_and_bad_arguments() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    for cell in [
        "%timeit --help",
        "%timeit -h",
        "%%timeit --help\nx",
        "%%jit --help\nfn f() {}",
        "%lsmagic --help",
        "%annotate --help",
    ] {
        let rec = Recorder::default();
        assert_eq!(s.execute(cell, &rec).unwrap(), None, "{cell}");
        assert!(
            rec.stdout().contains("Usage: %"),
            "{cell}: {}",
            rec.stdout()
        );
    }
    let rec = Recorder::default();
    s.execute("%%timeit --help\nx", &rec).unwrap();
    assert!(
        rec.stdout().contains("Usage: %%timeit [OPTIONS] [CODE]..."),
        "{}",
        rec.stdout()
    );
    let e = s
        .execute("%timeit -r x f()", &Recorder::default())
        .unwrap_err();
    assert_eq!(e.ename, "UsageError");
    assert!(e.evalue.contains("invalid value 'x' for '-r <R>'"), "{e:?}");
    assert!(
        e.traceback
            .iter()
            .any(|l| l.starts_with("Usage: %timeit [OPTIONS] [CODE]...")),
        "{e:?}"
    );
    let e = s
        .execute("%%jit --fast\n1", &Recorder::default())
        .unwrap_err();
    assert!(e.evalue.contains("unexpected argument '--fast'"), "{e:?}");
    assert!(
        e.traceback.iter().any(|l| l.contains("--fastmath")),
        "clap suggests the closest option: {e:?}"
    );
    assert!(log.evals().is_empty());
}

/// Answers the timing cell by printing `payload` the way the generated code does.
fn payload_tier(payload: &'static str) -> (Scripted, support::Log) {
    Scripted::new(move |code, sink| {
        if code.contains("ACCEL_TIMEIT") {
            sink.stream(StreamName::Stdout, "user output\n");
            sink.stream(StreamName::Stdout, &format!("\u{1}{payload}\n"));
        }
        Ok(None)
    })
}

#[test]
fn timeit_on_the_rustc_tier_is_one_self_timing_cell() {
    let (tier, log) = payload_tier("ACCEL_TIMEIT 1000 1e9 [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]");
    let mut s = session(tier);
    let rec = Recorder::default();
    assert_eq!(
        s.execute("%timeit v.iter().sum::<f64>()", &rec).unwrap(),
        None
    );
    let evals = log.evals();
    assert_eq!(evals.len(), 1);
    assert!(evals[0].contains("v.iter().sum::<f64>()"));
    assert!(evals[0].contains("::std::hint::black_box"));
    assert!(
        evals[0].contains("let mut __accel_number: u64 = 0;"),
        "auto-range by default"
    );
    assert_eq!(
        rec.stdout(),
        format!("user output\n100 {MU}s \u{b1} 0 ns per loop (mean \u{b1} std. dev. of 7 runs, 1,000 loops each)\n")
    );
}

#[test]
fn timeit_options_reach_the_generated_cell() {
    let (tier, log) = payload_tier("ACCEL_TIMEIT 10 1e9 [0.5, 0.25]");
    let mut s = session(tier);
    let rec = Recorder::default();
    s.execute(
        "%%timeit -n 10 -r 2 -p 2 let mut v = vec![3, 1, 2];\nv.sort();",
        &rec,
    )
    .unwrap();
    let cell = &log.evals()[0];
    assert!(cell.contains("let mut __accel_number: u64 = 10;"));
    assert!(cell.contains("for _ in 0..2u32"));
    // Setup runs inside the timed closure before the clock starts, the body inside the loop.
    let setup = cell.find("let mut v = vec![3, 1, 2];").unwrap();
    let clock = cell.find("let __accel_t0").unwrap();
    let body = cell.find("v.sort();").unwrap();
    assert!(setup < clock && clock < body);
    let out = rec.stdout();
    assert_eq!(out, "user output\n38 ms \u{b1} 12 ms per loop (mean \u{b1} std. dev. of 2 runs, 10 loops each)\n");
    // -q prints nothing.
    let rec = Recorder::default();
    s.execute("%timeit -q -n 10 f()", &rec).unwrap();
    assert_eq!(rec.stdout(), "user output\n");
}

#[test]
fn timeit_o_returns_and_let_binds_a_timeit_result() {
    let (tier, log) = payload_tier("ACCEL_TIMEIT 1 1e9 [2.0]");
    let mut s = session(tier);
    let r = s
        .execute("%timeit -o -r 1 f()", &Recorder::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        r["text/plain"],
        "<TimeitResult : 2 s \u{b1} 0 ns per loop (mean \u{b1} std. dev. of 1 run, 1 loop each)>"
    );
    assert_eq!(log.evals().len(), 1, "-o alone binds nothing");
    assert_eq!(
        s.execute("let t = %timeit -r 1 f()", &Recorder::default())
            .unwrap(),
        None
    );
    let evals = log.evals();
    assert_eq!(evals.len(), 3);
    assert!(
        evals[2].contains("pub struct TimeitResult"),
        "the type is defined the first time"
    );
    assert!(evals[2].contains("let t = TimeitResult { loops: 1u64, repeat: 1usize, best: 2.0f64"));
    s.execute("t2 = %timeit -o -r 1 f()", &Recorder::default())
        .unwrap();
    s.execute("%timeit -r 1 -v t3 f()", &Recorder::default())
        .unwrap();
    let evals = log.evals();
    assert!(
        evals[4].starts_with("let t2 = TimeitResult {"),
        "defined once: {}",
        evals[4]
    );
    assert!(evals[6].starts_with("let t3 = TimeitResult {"));
}

#[test]
fn timeit_redefines_the_type_after_a_rustc_restart() {
    let mut lost = false;
    let (tier, log) = Scripted::new(move |code, sink| {
        if code.contains("ACCEL_TIMEIT") {
            sink.stream(StreamName::Stdout, "\u{1}ACCEL_TIMEIT 1 1e9 [2.0]\n");
            return Ok(None);
        }
        if code.starts_with("let t2") && !lost {
            lost = true;
            return Err(accel_magics::CellError::new(
                "CompileError",
                "cannot find struct `TimeitResult` in this scope",
            ));
        }
        Ok(None)
    });
    let mut s = session(tier);
    s.execute("let t = %timeit -r 1 f()", &Recorder::default())
        .unwrap();
    s.execute("let t2 = %timeit -r 1 f()", &Recorder::default())
        .unwrap();
    let evals = log.evals();
    assert!(
        evals[4].contains("pub struct TimeitResult") && evals[4].contains("let t2 = "),
        "{evals:?}"
    );
}

#[test]
fn timeit_reports_a_missing_payload() {
    let (tier, _) = Scripted::new(|_, _| Ok(Some(text("()"))));
    let mut s = session(tier);
    let e = s.execute("%timeit f()", &Recorder::default()).unwrap_err();
    assert_eq!(e.ename, "TimeitError");
    assert!(e.evalue.contains("printed no timings"), "{e:?}");
    // And a failing cell's error is the cell's error.
    let (tier, _) = Scripted::new(|_, _| {
        Err(accel_magics::CellError::new(
            "CompileError",
            "cannot find value `f`",
        ))
    });
    let e = session(tier)
        .execute("%timeit f()", &Recorder::default())
        .unwrap_err();
    assert_eq!(e.evalue, "cannot find value `f`");
}

#[test]
fn empty_timeit_does_nothing() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    assert_eq!(s.execute("%timeit", &Recorder::default()).unwrap(), None);
    assert_eq!(
        s.execute("%timeit -n 3", &Recorder::default()).unwrap(),
        None
    );
    assert!(log.evals().is_empty());
}

#[test]
fn time_formats_what_the_cell_measured() {
    let (tier, log) = Scripted::new(|_, sink| {
        sink.stream(StreamName::Stdout, "hello\n");
        sink.stream(StreamName::Stdout, "\u{1}ACCEL_CLOCKS 0.5 0.0 1.5\n");
        Ok(Some(text("42")))
    });
    let mut s = session(tier);
    let rec = Recorder::default();
    let r = s.execute("%time f()", &rec).unwrap();
    assert_eq!(r, Some(text("42")));
    assert_eq!(
        rec.stdout(),
        "hello\nCPU times: user 500 ms, sys: 0 ns, total: 500 ms\nWall time: 1.5 s\n"
    );
    assert!(log.evals()[0].contains("{ let __accel_time_value = { f() };"));
    let e = s
        .execute("%%time f()\ng()", &Recorder::default())
        .unwrap_err();
    assert_eq!(e.evalue, "Can't use statement directly after '%%time'!");
}

#[test]
fn jit_failures_are_errors() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    let e = s
        .execute("%%jit\ntrait T { fn f(&self); }", &Recorder::default())
        .unwrap_err();
    assert_eq!(e.ename, "CompileError");
    assert!(!e.traceback.is_empty());
    let e = s
        .execute("%annotate no_such_fn", &Recorder::default())
        .unwrap_err();
    assert_eq!(e.ename, "NameError");
    assert!(log.evals().is_empty(), "nothing went to the rustc tier");
}

#[test]
fn who_lists_both_tiers() {
    let (mut tier, _) = Scripted::quiet();
    tier.vars = vec![
        ("beta".into(), "String".into()),
        ("alpha".into(), "i32".into()),
        ("_hidden".into(), "i32".into()),
    ];
    let mut s = session(tier);
    let rec = Recorder::default();
    s.execute("%who", &rec).unwrap();
    assert_eq!(rec.stdout(), "alpha\tbeta\t\n");
    let (tier, _) = Scripted::quiet();
    let rec = Recorder::default();
    session(tier).execute("%who", &rec).unwrap();
    assert_eq!(rec.stdout(), "Interactive namespace is empty.\n");
}

#[test]
fn is_complete_answers() {
    let (tier, _) = Scripted::quiet();
    let s = session(tier);
    assert_eq!(s.is_complete("let x = 1;"), Completeness::Complete);
    assert_eq!(
        s.is_complete("fn f() {"),
        Completeness::Incomplete("    ".into())
    );
    assert_eq!(
        s.is_complete("let x = 1 +"),
        Completeness::Incomplete("".into())
    );
    assert_eq!(s.is_complete("let x = (1];"), Completeness::Invalid);
    assert_eq!(s.is_complete("%timeit f("), Completeness::Complete);
}

#[test]
fn completion_merges_keywords_variables_and_the_tier() {
    let (mut tier, log) = Scripted::quiet();
    tier.vars = vec![("whale".into(), "i32".into())];
    tier.completion = Some((12, 14, vec!["while_evcxr".into()]));
    let mut s = session(tier);
    let c = s.complete("let é = 1;\nwh", 13);
    assert_eq!(
        (c.cursor_start, c.cursor_end),
        (11, 13),
        "code points, not bytes"
    );
    assert_eq!(c.matches, vec!["whale", "where", "while", "while_evcxr"]);
    assert_eq!(
        log.completes.lock().unwrap()[0],
        ("let é = 1;\nwh".to_string(), 14),
        "bytes for the tier"
    );
    let c = s.complete("%ti", 3);
    assert_eq!(
        (c.cursor_start, c.matches.clone()),
        (0, vec!["%time".to_string(), "%timeit".to_string()])
    );
    let c = s.complete("x;\n%%", 5);
    assert_eq!(c.matches, vec!["%%jit", "%%rust", "%%time", "%%timeit"]);
    let c = s.complete("let s = \"wh", 11);
    assert!(c.matches.is_empty());
    // Member completion comes from the rustc tier alone.
    let c = s.complete("v.le", 4);
    assert_eq!(c.matches, vec!["while_evcxr"]);
}

#[test]
fn inspect_shows_types_and_magic_help() {
    let (mut tier, _) = Scripted::quiet();
    tier.vars = vec![("data".into(), "Vec<f64>".into())];
    let mut s = session(tier);
    let b = s.inspect("data.len()", 2).unwrap();
    assert_eq!(b["text/plain"], "data: Vec<f64>  (rustc tier)");
    let b = s.inspect("%timeit f()", 3).unwrap();
    assert!(b["text/plain"].as_str().unwrap().contains("Usage: %timeit"));
    assert!(s.inspect("nothing_here", 3).is_none());
    assert!(s.inspect("while", 2).unwrap()["text/plain"]
        .as_str()
        .unwrap()
        .contains("keyword"));
}

#[test]
fn interrupter_reaches_both_tiers() {
    let (tier, log) = Scripted::quiet();
    let mut s = session(tier);
    let stop = s.interrupter();
    let t = std::thread::spawn(stop);
    t.join().unwrap();
    assert_eq!(log.interrupts.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(s
        .fast_tier()
        .interrupt_flag()
        .load(std::sync::atomic::Ordering::SeqCst));
}
