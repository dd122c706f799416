//! Tests that run real evcxr (rustc + cargo + a child process).
//!
//! evcxr's child must be a binary that calls `evcxr::runtime_hook()` before anything
//! else. Here the current executable is this crate's unit-test harness (and
//! `CARGO_BIN_EXE_accel` is only set for integration tests), so the harness itself is the
//! child: a function in `.init_array` calls the hook before libtest's `main` (evcxr marks
//! its child with `EVCXR_IS_RUNTIME`; the hook never returns then, and returns at once in
//! the test process itself). Running the child through libtest instead would put libtest's
//! "running 1 test" banner on evcxr's protocol stdout.
//!
//! All tests share one tier (one evcxr startup, several seconds) behind a mutex, so they
//! run one at a time; each uses its own names. `timing_first_and_later_cells` starts a
//! second tier to measure startup. Run: `cargo test --release -p accel-kernel rustc_tier`
//! (add `-- --nocapture` to see the timings).

use super::render::strip_ansi;
use super::EvcxrTier;
use accel_magics::{CellError, MimeBundle, RustcTier, Sink, StreamName};
use serde_json::Value;
use std::collections::VecDeque;
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static EVCXR_CHILD_HOOK: extern "C" fn() = {
    extern "C" fn hook() {
        evcxr::runtime_hook();
    }
    hook
};

fn child_command() -> Command {
    Command::new(std::env::current_exe().expect("test executable"))
}

fn shared_tier() -> MutexGuard<'static, EvcxrTier> {
    static TIER: OnceLock<Mutex<EvcxrTier>> = OnceLock::new();
    TIER.get_or_init(|| Mutex::new(EvcxrTier::with_child_command(child_command)))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Clone)]
enum Seen {
    Stream(StreamName, String, Instant),
    #[allow(dead_code)] // recorded for failure messages
    Display(MimeBundle),
    Input(String, bool),
}

/// Records everything, answers input requests from a queue, and can signal when a
/// given text has been streamed.
#[derive(Default)]
struct TestSink {
    seen: Mutex<Vec<Seen>>,
    answers: Mutex<VecDeque<String>>,
    watch: Mutex<Option<(String, crossbeam_channel::Sender<()>)>>,
}

impl Sink for TestSink {
    fn stream(&self, name: StreamName, text: &str) {
        self.seen
            .lock()
            .unwrap()
            .push(Seen::Stream(name, text.to_owned(), Instant::now()));
        if let Some((needle, signal)) = &*self.watch.lock().unwrap() {
            if text.contains(needle.as_str()) {
                let _ = signal.send(());
            }
        }
    }
    fn display(&self, data: MimeBundle, _display_id: Option<&str>, _update: bool) {
        self.seen.lock().unwrap().push(Seen::Display(data));
    }
    fn input(&self, prompt: &str, password: bool) -> Option<String> {
        self.seen
            .lock()
            .unwrap()
            .push(Seen::Input(prompt.to_owned(), password));
        self.answers.lock().unwrap().pop_front()
    }
}

impl TestSink {
    fn text(&self, stream: StreamName) -> String {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|s| match s {
                Seen::Stream(n, t, _) if *n == stream => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }
    fn all_text(&self) -> String {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|s| match s {
                Seen::Stream(_, t, _) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn run(tier: &mut EvcxrTier, code: &str) -> (Result<Option<MimeBundle>, CellError>, TestSink) {
    let sink = TestSink::default();
    let result = tier.eval(code, &sink);
    (result, sink)
}

fn ok(tier: &mut EvcxrTier, code: &str) -> (Option<MimeBundle>, TestSink) {
    match run(tier, code) {
        (Ok(value), sink) => (value, sink),
        (Err(e), sink) => panic!("cell failed: {code}\n{e:?}\noutput: {}", sink.all_text()),
    }
}

fn plain(value: &Option<MimeBundle>) -> String {
    match value.as_ref().and_then(|b| b.get("text/plain")) {
        Some(Value::String(s)) => s.clone(),
        other => panic!("no text/plain in {other:?} / {value:?}"),
    }
}

fn err(tier: &mut EvcxrTier, code: &str) -> (CellError, TestSink) {
    match run(tier, code) {
        (Err(e), sink) => (e, sink),
        (Ok(v), sink) => panic!(
            "cell should fail: {code}\ngot {v:?}, output {}",
            sink.all_text()
        ),
    }
}

#[test]
fn persistence_of_variables_fns_structs_traits() {
    let mut tier = shared_tier();
    ok(&mut tier, "let persist_a: i32 = 40;");
    ok(&mut tier, "fn persist_add2(x: i32) -> i32 { x + 2 }");
    ok(
        &mut tier,
        "struct PersistP { v: i32 }\ntrait PersistGet { fn get(&self) -> i32; }\nimpl PersistGet for PersistP { fn get(&self) -> i32 { self.v } }",
    );
    ok(
        &mut tier,
        "let persist_p = PersistP { v: persist_add2(persist_a) };",
    );
    let (value, _) = ok(&mut tier, "persist_p.get()");
    assert_eq!(plain(&value), "42");
    let vars = tier.variables();
    assert!(
        vars.contains(&("persist_a".into(), "i32".into())),
        "{vars:?}"
    );
    assert!(
        vars.iter()
            .any(|(n, t)| n == "persist_p" && t.contains("PersistP")),
        "{vars:?}"
    );
}

#[test]
fn output_streams_in_order_as_produced_and_is_complete_at_return() {
    let mut tier = shared_tier();
    let sink = TestSink::default();
    let code = r#"println!("one");
eprintln!("two");
std::thread::sleep(std::time::Duration::from_millis(1500));
println!("three");
eprint!("partial");"#;
    let result = tier.eval(code, &sink);
    let returned = Instant::now();
    assert!(matches!(result, Ok(None)), "{result:?}");
    let seen = sink.seen.lock().unwrap().clone();
    let streams: Vec<(StreamName, String, Instant)> = seen
        .into_iter()
        .filter_map(|s| match s {
            Seen::Stream(n, t, at) => Some((n, t, at)),
            _ => None,
        })
        .collect();
    // Each stream keeps its order; across streams, writes microseconds apart may swap
    // (the child's relay reads two pipes), so only per-stream order is asserted.
    let text_of = |name: StreamName| -> Vec<&str> {
        streams
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, t, _)| t.as_str())
            .collect()
    };
    assert_eq!(text_of(StreamName::Stdout), vec!["one\n", "three\n"]);
    assert_eq!(text_of(StreamName::Stderr).concat(), "two\npartial");
    // "one" reached the sink while the cell was still sleeping, not at the end.
    let one = streams.iter().find(|(_, t, _)| t == "one\n").expect("one");
    let early = returned.duration_since(one.2);
    assert!(
        early >= Duration::from_millis(1000),
        "first line arrived only {early:?} before return"
    );
}

#[test]
fn compile_errors_point_at_cell_line_and_column() {
    let mut tier = shared_tier();
    let (e, _) = err(&mut tier, "let fine = 1;\nlet bad: i32 = \"text\";");
    assert_eq!(e.ename, "CompilationError");
    assert!(e.evalue.contains("mismatched types"), "{}", e.evalue);
    assert!(e.evalue.contains("line 2, column 16"), "{}", e.evalue);
    let traceback = strip_ansi(&e.traceback.join("\n"));
    assert!(
        traceback.contains("error[E0308]: mismatched types"),
        "{traceback}"
    );
    assert!(traceback.contains("--> cell:2:16"), "{traceback}");
    assert!(
        traceback.contains("2 | let bad: i32 = \"text\";"),
        "{traceback}"
    );
    assert!(
        traceback.contains(&format!(" |{}^^^^^^ expected", " ".repeat(16))),
        "{traceback}"
    );
    // A failed cell changes nothing: `fine` was never defined.
    assert!(!tier.variables().iter().any(|(n, _)| n == "fine"));
}

#[test]
fn panics_are_errors_with_the_message_and_caught_panics_are_not() {
    let mut tier = shared_tier();
    ok(&mut tier, "let panic_before: u8 = 7;");
    let (e, sink) = err(
        &mut tier,
        "println!(\"about to\");\nlet v: Vec<i32> = Vec::new();\npanic!(\"boom {}\", v.len() + 7);",
    );
    assert_eq!(e.ename, "Panic");
    assert_eq!(e.evalue, "boom 7");
    assert_eq!(sink.text(StreamName::Stdout), "about to\n");
    assert!(
        !sink.text(StreamName::Stderr).contains("boom"),
        "message shown twice"
    );
    // Existing variables survive a panic (evcxr keeps them).
    let (value, _) = ok(&mut tier, "panic_before + 1");
    assert_eq!(plain(&value), "8");
    // Out-of-bounds: rustc's own panic message.
    let (e, _) = err(&mut tier, "let v = vec![1, 2, 3];\nlet i = v.len();\nv[i]");
    assert_eq!(
        e.evalue,
        "index out of bounds: the len is 3 but the index is 3"
    );
    // Caught by the user's code: the cell succeeds; the message is on stderr like Rust's.
    let (_, sink) = ok(&mut tier, "println!(\"caught {}\", std::panic::catch_unwind(|| -> i32 { panic!(\"inner\") }).is_err());");
    assert_eq!(sink.text(StreamName::Stdout), "caught true\n");
    assert!(
        sink.text(StreamName::Stderr).contains("inner"),
        "{}",
        sink.all_text()
    );
    // A panic in another thread that the cell joins is not the cell's panic.
    let (_, sink) = ok(&mut tier, "println!(\"joined {}\", std::thread::spawn(|| -> i32 { panic!(\"in thread\") }).join().is_err());");
    assert!(
        sink.text(StreamName::Stdout).contains("joined true"),
        "{}",
        sink.all_text()
    );
    assert!(
        sink.text(StreamName::Stderr).contains("in thread"),
        "{}",
        sink.all_text()
    );
}

#[test]
fn crashed_child_restarts_and_says_variables_were_lost() {
    let mut tier = shared_tier();
    ok(
        &mut tier,
        "let crash_lost: i32 = 5;\nfn crash_survivor() -> i32 { 41 }",
    );
    let (e, _) = err(
        &mut tier,
        "unsafe { std::ptr::null_mut::<i32>().write_volatile(1); }",
    );
    assert_eq!(e.ename, "RustcTierRestarted");
    assert!(
        e.evalue.contains("restarted") && e.evalue.contains("variables were lost"),
        "{}",
        e.evalue
    );
    // Items survive (evcxr recompiles them); variables are gone.
    let (value, _) = ok(&mut tier, "crash_survivor() + 1");
    assert_eq!(plain(&value), "42");
    assert!(!tier.variables().iter().any(|(n, _)| n == "crash_lost"));
    let (e, _) = err(&mut tier, "crash_lost");
    assert_eq!(e.ename, "CompilationError");
    // abort() too, and panics are still reported after the restart (setup re-armed).
    let (e, _) = err(&mut tier, "std::process::abort();");
    assert_eq!(e.ename, "RustcTierRestarted");
    let (e, _) = err(&mut tier, "panic!(\"after restart\");");
    assert_eq!(
        (e.ename.as_str(), e.evalue.as_str()),
        ("Panic", "after restart")
    );
}

#[test]
fn interrupt_stops_a_running_loop_within_one_second() {
    let mut tier = shared_tier();
    ok(&mut tier, "fn interrupt_survivor() -> i32 { 2 }");
    let sink = TestSink::default();
    let (started_tx, started_rx) = crossbeam_channel::bounded(1);
    *sink.watch.lock().unwrap() = Some(("looping".into(), started_tx));
    let stop = tier.interrupter();
    let interrupted_at = std::thread::spawn(move || {
        started_rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the loop never started");
        std::thread::sleep(Duration::from_millis(300));
        let at = Instant::now();
        stop();
        at
    });
    let result = tier.eval(
        "println!(\"looping\");\nwhile std::hint::black_box(true) { std::hint::spin_loop(); }",
        &sink,
    );
    let returned = Instant::now();
    let at = interrupted_at.join().unwrap();
    let e = result.expect_err("an interrupted cell is an error");
    assert_eq!(e.ename, "KeyboardInterrupt");
    assert!(e.evalue.contains("variables were lost"), "{}", e.evalue);
    let took = returned.duration_since(at);
    assert!(took < Duration::from_secs(1), "interrupt took {took:?}");
    println!("interrupt returned control after {took:?}");
    let (value, _) = ok(&mut tier, "interrupt_survivor() * 21");
    assert_eq!(plain(&value), "42");
    // An interrupt between cells is ignored (nothing is killed).
    ok(&mut tier, "let interrupt_kept = 1;");
    (tier.interrupter())();
    let (value, _) = ok(&mut tier, "interrupt_kept + 1");
    assert_eq!(plain(&value), "2");
}

#[test]
fn dep_command_and_input_requests() {
    let mut tier = shared_tier();
    ok(&mut tier, ":dep evcxr_input = \"1\"");
    let sink = TestSink::default();
    sink.answers
        .lock()
        .unwrap()
        .extend(["Ada".to_owned(), "s3cret".to_owned()]);
    let code = "println!(\"before\");\nlet who = evcxr_input::get_string(\"Name? \");\nlet pw = evcxr_input::get_password(\"Password? \");\nprintln!(\"hello {who} {}\", pw.len());";
    let result = tier.eval(code, &sink);
    assert!(matches!(result, Ok(None)), "{result:?} {}", sink.all_text());
    let seen = sink.seen.lock().unwrap().clone();
    let inputs: Vec<_> = seen
        .iter()
        .filter_map(|s| match s {
            Seen::Input(p, pw) => Some((p.as_str(), *pw)),
            _ => None,
        })
        .collect();
    assert_eq!(inputs, vec![("Name? ", false), ("Password? ", true)]);
    // Output printed before the request reached the sink before the request did.
    assert!(
        matches!(&seen[0], Seen::Stream(StreamName::Stdout, t, _) if t == "before\n"),
        "{seen:?}"
    );
    assert_eq!(sink.text(StreamName::Stdout), "before\nhello Ada 6\n");
}

#[test]
fn colon_commands_and_rich_results() {
    let mut tier = shared_tier();
    ok(&mut tier, "let cmd_var: u64 = 3;");
    let (value, _) = ok(&mut tier, ":vars");
    assert!(plain(&value).contains("cmd_var: u64"), "{value:?}");
    assert!(value.as_ref().unwrap().contains_key("text/html"));
    let (value, _) = ok(&mut tier, ":help");
    assert!(plain(&value).contains(":dep"), "{value:?}");
    let (value, _) = ok(&mut tier, ":version");
    assert_eq!(plain(&value).trim(), "0.22.0");
    let (e, _) = err(&mut tier, ":nosuchcommand");
    assert!(e.evalue.contains("Unrecognised command"), "{e:?}");
    // evcxr's display protocol: a type with `evcxr_display` shows as HTML.
    let (value, _) = ok(
        &mut tier,
        "struct Red;\nimpl Red { fn evcxr_display(&self) { println!(\"EVCXR_BEGIN_CONTENT text/html\\n<b style='color:red'>red</b>\\nEVCXR_END_CONTENT\"); } }\nRed",
    );
    assert_eq!(
        value.unwrap()["text/html"],
        Value::String("<b style='color:red'>red</b>".into())
    );
}

#[test]
fn completions_come_from_evcxr() {
    let mut tier = shared_tier();
    ok(&mut tier, "let completion_target_value = 1;");
    let code = "let x = 1;\ncompletion_tar";
    let (start, end, matches) = tier.complete(code, code.len()).expect("completions");
    assert_eq!((start, end), (11, code.len()));
    assert!(
        matches.iter().any(|m| m == "completion_target_value"),
        "{matches:?}"
    );
    let (_, _, matches) = tier.complete(":de", 3).expect("command completions");
    assert!(matches.iter().any(|m| m == ":dep"), "{matches:?}");
}

/// Not shared: measures a fresh tier. Prints the numbers (run with `--nocapture`).
#[test]
fn timing_first_and_later_cells() {
    let created = Instant::now();
    let mut tier = EvcxrTier::with_child_command(child_command);
    let construct = created.elapsed();
    assert!(
        construct < Duration::from_millis(100),
        "creating the tier took {construct:?}"
    );
    let (value, _) = ok(&mut tier, "1 + 1");
    let first = created.elapsed();
    assert_eq!(plain(&value), "2");
    let mut later = Vec::new();
    for i in 0..5 {
        let t = Instant::now();
        let (value, _) = ok(&mut tier, &format!("let t{i} = {i} * 2;\nt{i} + 1"));
        later.push(t.elapsed());
        assert_eq!(plain(&value), (i * 2 + 1).to_string());
    }
    later.sort();
    println!(
        "rustc tier timing: construct {construct:?}; first cell (incl. evcxr startup) {first:?}; \
         later simple cells min {:?} median {:?} max {:?}",
        later[0], later[2], later[4]
    );
}
