//! The rustc tier: any Rust, compiled by rustc through the `evcxr` crate, with evcxr's
//! `:` commands (`:dep`, `:opt`, `:vars`, `:help`, ...) passed straight through.
//!
//! Layout: `engine` owns evcxr on a worker thread; this file is the session-side half
//! (streams output to the `Sink` as it arrives, answers input requests, handles
//! interrupts); `child_setup` is the code run inside evcxr's child (output relay, panic
//! hook); `render` turns evcxr's results and errors into bundles and `CellError`s.
//!
//! The child process evcxr runs user code in is `accel` itself (`main` calls
//! `evcxr::runtime_hook()` first). Its variables live there: when it dies — a segfault in
//! `unsafe`, `abort`, or an interrupt, which can only stop running code by killing it —
//! evcxr restarts it, the cell fails with an error saying the variables were lost, and
//! items (fns, structs, traits, `:dep`s) survive because evcxr recompiles them.

mod child_setup;
mod engine;
mod lockfile;
mod prelude_dep;
mod render;
#[cfg(test)]
mod tests;
pub mod workdir;

use accel_magics::{new_display_id, CellError, MimeBundle, Progress, RustcTier, Sink, StreamName};
use child_setup::{parse_marker, Marker};
use crossbeam_channel::Select;
use engine::{ChildCommand, Event, Job, Shared};
use serde_json::Value;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// After killing the child on interrupt, how long to wait for evcxr to notice before
/// handing control back anyway (the job then finishes in the background).
const INTERRUPT_GRACE: Duration = Duration::from_millis(700);
/// Stream text is sent in pieces of at most this size, coalescing lines that are
/// already waiting (one message per line would flood iopub on big outputs).
const STREAM_CHUNK: usize = 64 * 1024;

pub struct EvcxrTier {
    jobs: crossbeam_channel::Sender<Job>,
    shared: Arc<Shared>,
    command: Option<ChildCommand>,
}

/// A cell that has waited this long for the background preload of the accel crate says so.
const PRELOAD_NOTE_AFTER: Duration = Duration::from_millis(1000);

impl EvcxrTier {
    /// Starts evcxr in the background (`on_first_use`: when the first job arrives), with this
    /// executable (`accel`) as its child. Returns at once; the first `eval` waits for evcxr to
    /// be ready. Once idle, the tier preloads the accel crate (`prelude_dep`, "Preloading";
    /// `ACCEL_PRELOAD_ACCEL=0`: off).
    pub fn new(on_first_use: bool) -> Self {
        Self::start(None, prelude_dep::preload_enabled(), on_first_use)
    }

    /// Like `new`, but evcxr's child is `command()`: a binary that calls
    /// `evcxr::runtime_hook()` before anything else (used by tests, where the current
    /// executable is the test harness).
    #[cfg_attr(not(test), allow(dead_code))] // test-only constructor
    pub fn with_child_command(command: impl Fn() -> Command + Send + Sync + 'static) -> Self {
        Self::start(Some(Arc::new(command)), false, false)
    }

    fn start(command: Option<ChildCommand>, preload: bool, on_first_use: bool) -> Self {
        let shared = Arc::new(Shared::new());
        let jobs = engine::spawn_worker(command.clone(), shared.clone(), preload, on_first_use);
        EvcxrTier {
            jobs,
            shared,
            command,
        }
    }

    /// Whether evcxr has finished starting (cells before that wait for it).
    pub fn is_ready(&self) -> bool {
        self.shared.ready.load(Ordering::SeqCst)
    }

    fn submit(&mut self, job: Job) {
        if let Err(crossbeam_channel::SendError(job)) = self.jobs.send(job) {
            // The worker thread is gone (it never should be): start a new one.
            self.jobs =
                engine::spawn_worker(self.command.clone(), self.shared.clone(), false, false);
            let _ = self.jobs.send(job);
        }
    }

    fn run(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        let (events_tx, events) = crossbeam_channel::unbounded();
        let cancelled = Arc::new(AtomicBool::new(false));
        self.submit(Job::Eval {
            code: code.to_owned(),
            cancelled: cancelled.clone(),
            events: events_tx,
        });
        let interrupts = self.shared.interrupt_rx.clone();
        let mut out = Output::new(sink);
        let mut begun = false;
        let mut give_up_at: Option<Instant> = None;
        // Until the cell starts: when to say that it waits for the background preload.
        let mut preload_note_at = Some(Instant::now() + PRELOAD_NOTE_AFTER);
        loop {
            let mut select = Select::new();
            let on_event = select.recv(&events);
            let on_interrupt = select.recv(&interrupts);
            let op = match (give_up_at, preload_note_at) {
                (None, Some(note_at)) => match select.select_deadline(note_at) {
                    Ok(op) => op,
                    Err(_) => {
                        preload_note_at = None;
                        if !begun && self.shared.preloading.load(Ordering::SeqCst) {
                            out.note("accel: waiting for the accel crate, which the kernel is adding in the background…");
                        }
                        continue;
                    }
                },
                (None, None) => select.select(),
                (Some(deadline), _) => match select.select_deadline(deadline) {
                    Ok(op) => op,
                    Err(_) => {
                        out.flush();
                        return Err(render::restarted("", true));
                    }
                },
            };
            if op.index() == on_interrupt {
                let _ = op.recv(&interrupts);
                if !begun {
                    // Still starting evcxr or waiting for an earlier job: nothing ran yet.
                    cancelled.store(true, Ordering::SeqCst);
                    return Err(CellError::new(
                        "KeyboardInterrupt",
                        "interrupted before the cell started running",
                    ));
                }
                if give_up_at.is_none() {
                    self.shared.kill_child();
                    give_up_at = Some(Instant::now() + INTERRUPT_GRACE);
                }
                continue;
            }
            debug_assert_eq!(op.index(), on_event);
            match op.recv(&events) {
                Ok(Event::Begin) => {
                    begun = true;
                    preload_note_at = None;
                }
                Ok(Event::Note(text)) => out.note(&text),
                Ok(Event::Stdout(line)) => out.line(line, true),
                Ok(Event::Stderr(line)) => out.line(line, false),
                Ok(Event::Input {
                    prompt,
                    password,
                    reply,
                }) => {
                    out.flush();
                    let _ = reply.send(sink.input(&prompt, password).unwrap_or_default());
                }
                Ok(Event::Done(result)) => {
                    // Done travels behind every line the cell printed (see engine's forwarder),
                    // and the relay put all stderr ahead of evcxr's end-of-cell line.
                    if give_up_at.is_some() {
                        out.flush();
                        return Err(render::restarted("", true));
                    }
                    return out.finish(result, code);
                }
                Ok(Event::Unavailable(why)) => {
                    return Err(CellError::new(
                        "RustcTierUnavailable",
                        format!("evcxr could not start: {why}"),
                    ))
                }
                Err(_) => {
                    return Err(CellError::new(
                        "RustcTierUnavailable",
                        "the rustc tier's worker stopped",
                    ))
                }
            }
            // Lines already waiting go out as one piece; otherwise send what we have now.
            if events.is_empty() || out.pending_len() >= STREAM_CHUNK {
                out.flush();
            }
        }
    }
}

impl Drop for EvcxrTier {
    fn drop(&mut self) {
        // Variables die with the tier; don't leave a child spinning in user code.
        self.shared.kill_child();
    }
}

impl RustcTier for EvcxrTier {
    fn eval(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        while self.shared.interrupt_rx.try_recv().is_ok() {}
        self.shared.in_eval.store(true, Ordering::SeqCst);
        let result = self.run(code, sink);
        self.shared.in_eval.store(false, Ordering::SeqCst);
        result
    }

    fn variables(&self) -> Vec<(String, String)> {
        let mut vars = self
            .shared
            .vars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        vars.sort();
        vars
    }

    fn complete(&mut self, code: &str, pos: usize) -> Option<(usize, usize, Vec<String>)> {
        if !self.is_ready() || self.shared.preloading.load(Ordering::SeqCst) {
            return None; // never make a completion request wait for evcxr's startup or a preload
        }
        let mut pos = pos.min(code.len());
        while !code.is_char_boundary(pos) {
            pos -= 1;
        }
        let (reply, answer) = crossbeam_channel::bounded(1);
        self.submit(Job::Complete {
            code: code.to_owned(),
            pos,
            reply,
        });
        let found = answer.recv_timeout(Duration::from_secs(10)).ok()??;
        let matches = found.completions.into_iter().map(|c| c.code).collect();
        Some((found.start_offset, found.end_offset, matches))
    }

    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        let shared = self.shared.clone();
        Box::new(move || {
            if shared.in_eval.load(Ordering::SeqCst) {
                let _ = shared.interrupt_tx.send(());
            }
        })
    }
}

/// What a running cell has written, on its way to the sink.
struct Output<'a> {
    sink: &'a dyn Sink,
    pending: String,
    pending_stream: StreamName,
    /// The last panic on the cell thread (message, location), and whether it was already
    /// shown as stderr text because the cell kept running (user code caught it).
    last_panic: Option<(String, String)>,
    panic_shown: bool,
    uncaught: bool,
    /// The display id of the computation reporting progress now (None between computations).
    progress_id: Option<String>,
}

impl<'a> Output<'a> {
    fn new(sink: &'a dyn Sink) -> Self {
        Output {
            sink,
            pending: String::new(),
            pending_stream: StreamName::Stdout,
            last_panic: None,
            panic_shown: true,
            uncaught: false,
            progress_id: None,
        }
    }

    fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// A line from the kernel about the cell, on its stderr stream, sent at once.
    fn note(&mut self, text: &str) {
        self.text(StreamName::Stderr, text, true);
        self.flush();
    }

    fn line(&mut self, line: String, from_stdout: bool) {
        if from_stdout {
            self.stdout_line(line)
        } else {
            self.text(StreamName::Stderr, &line, true)
        }
    }

    fn stdout_line(&mut self, line: String) {
        match parse_marker(&line) {
            None => self.text(StreamName::Stdout, &line, true),
            Some(Marker::Stderr { text, newline }) => self.text(StreamName::Stderr, &text, newline),
            Some(Marker::Panic { message, location }) => {
                self.show_caught_panic();
                self.last_panic = Some((message, location));
                self.panic_shown = false;
            }
            Some(Marker::Uncaught) => self.uncaught = true,
            Some(Marker::Progress {
                fraction,
                elapsed,
                finished,
            }) => {
                // Text printed before the bar appears before it.
                self.flush();
                let first = self.progress_id.is_none();
                let id = self.progress_id.get_or_insert_with(new_display_id).clone();
                let progress = Progress {
                    fraction,
                    elapsed: Duration::from_secs_f64(elapsed),
                    finished,
                };
                self.sink.progress(&id, first, &progress);
                if finished {
                    self.progress_id = None;
                }
            }
        }
    }

    fn text(&mut self, stream: StreamName, text: &str, newline: bool) {
        // Output after a panic means user code caught it: show it as Rust's hook would.
        self.show_caught_panic();
        if stream != self.pending_stream {
            self.flush();
            self.pending_stream = stream;
        }
        self.pending.push_str(text);
        if newline {
            self.pending.push('\n');
        }
    }

    fn show_caught_panic(&mut self) {
        if self.panic_shown || self.uncaught {
            return;
        }
        self.panic_shown = true;
        if let Some((message, location)) = self.last_panic.clone() {
            let text = format!("thread '<unnamed>' panicked at {location}:\n{message}");
            self.text(StreamName::Stderr, &text, true);
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.sink.stream(self.pending_stream, &self.pending);
            self.pending.clear();
        }
    }

    fn finish(
        mut self,
        result: Result<evcxr::EvalOutputs, evcxr::Error>,
        code: &str,
    ) -> Result<Option<MimeBundle>, CellError> {
        if !self.uncaught {
            self.show_caught_panic();
        }
        self.flush();
        match result {
            Ok(_) if self.uncaught => {
                let message = self.last_panic.map(|(m, _)| m);
                Err(render::panic(
                    message.as_deref().unwrap_or("(panic message unavailable)"),
                ))
            }
            Ok(outputs) => {
                if let Some(took) = outputs.timing {
                    // `:timing` on: evcxr_jupyter shows the duration as a separate output.
                    let mut data = MimeBundle::new();
                    let ms = took.as_millis();
                    data.insert("text/plain".into(), Value::String(format!("Took {ms}ms")));
                    data.insert(
                        "text/html".into(),
                        Value::String(format!(
                            "<span style=\"color: rgba(0,0,0,0.4);\">Took {ms}ms</span>"
                        )),
                    );
                    self.sink.display(data, None, false);
                }
                let bundle = render::bundle(outputs.content_by_mime_type);
                if ends_in_statement(code) {
                    // No trailing expression, so this is what `evcxr_display()` calls printed:
                    // a display, as in IPython's `display(x)`, not the cell's value.
                    if let Some(data) = bundle {
                        self.sink.display(data, None, false);
                    }
                    return Ok(None);
                }
                Ok(bundle)
            }
            Err(evcxr::Error::CompilationErrors(errors)) => {
                Err(render::compilation_errors(&errors, code))
            }
            Err(evcxr::Error::SubprocessTerminated(why)) => Err(render::restarted(&why, false)),
            Err(other) => Err(render::message(&other.to_string())),
        }
    }
}

/// Whether a cell ends in a statement (`;`) rather than a trailing expression, judged on
/// its last line of code (line comments and blank lines skipped).
fn ends_in_statement(code: &str) -> bool {
    code.lines()
        .map(|l| l.split("//").next().unwrap_or("").trim_end())
        .filter(|l| !l.is_empty())
        .last()
        .is_some_and(|l| l.ends_with(';'))
}

#[cfg(test)]
mod statement_tests {
    use super::ends_in_statement;

    #[test]
    fn statement_or_expression() {
        assert!(ends_in_statement("x.evcxr_display();"));
        assert!(ends_in_statement("x.evcxr_display(); // show it\n\n"));
        assert!(!ends_in_statement("let x = 1;\nx"));
        assert!(!ends_in_statement(""));
    }
}
