//! Test doubles for the rustc tier (the real one is the kernel crate's evcxr tier).
//!
//! - `Scripted` records every eval and answers from a script: enough to test routing.
//! - `Rustc` compiles each eval as a whole program with the real rustc and runs it (no state
//!   across cells): enough to run the code the session generates for `%timeit` and `%time`.

#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use accel_magics::{CellError, MimeBundle, RustcTier, Sink, StreamName};

pub fn text(s: &str) -> MimeBundle {
    let mut b = MimeBundle::new();
    b.insert("text/plain".into(), s.into());
    b
}

/// Everything a cell sent to its sink.
#[derive(Default)]
pub struct Recorder {
    pub out: Mutex<String>,
    pub err: Mutex<String>,
    pub displays: Mutex<Vec<MimeBundle>>,
}

impl Recorder {
    pub fn stdout(&self) -> String {
        self.out.lock().unwrap().clone()
    }
}

impl Sink for Recorder {
    fn stream(&self, name: StreamName, text: &str) {
        match name {
            StreamName::Stdout => self.out.lock().unwrap().push_str(text),
            StreamName::Stderr => self.err.lock().unwrap().push_str(text),
        }
    }
    fn display(&self, data: MimeBundle, _: Option<&str>, _: bool) {
        self.displays.lock().unwrap().push(data);
    }
    fn input(&self, _: &str, _: bool) -> Option<String> {
        None
    }
}

type Answer = Box<dyn FnMut(&str, &dyn Sink) -> Result<Option<MimeBundle>, CellError> + Send>;

/// Shared view of a `Scripted` tier after it moved into the session.
#[derive(Clone, Default)]
pub struct Log {
    pub evals: Arc<Mutex<Vec<String>>>,
    pub interrupts: Arc<AtomicUsize>,
    pub completes: Arc<Mutex<Vec<(String, usize)>>>,
}

impl Log {
    pub fn evals(&self) -> Vec<String> {
        self.evals.lock().unwrap().clone()
    }
}

pub struct Scripted {
    pub log: Log,
    pub answer: Answer,
    pub vars: Vec<(String, String)>,
    pub completion: Option<(usize, usize, Vec<String>)>,
}

impl Scripted {
    /// Answers every eval with `f`.
    pub fn new(
        f: impl FnMut(&str, &dyn Sink) -> Result<Option<MimeBundle>, CellError> + Send + 'static,
    ) -> (Self, Log) {
        let log = Log::default();
        (
            Scripted {
                log: log.clone(),
                answer: Box::new(f),
                vars: vec![],
                completion: None,
            },
            log,
        )
    }

    /// Every eval succeeds with no value.
    pub fn quiet() -> (Self, Log) {
        Self::new(|_, _| Ok(None))
    }
}

impl RustcTier for Scripted {
    fn eval(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        self.log.evals.lock().unwrap().push(code.to_string());
        (self.answer)(code, sink)
    }
    fn variables(&self) -> Vec<(String, String)> {
        self.vars.clone()
    }
    fn complete(&mut self, code: &str, pos: usize) -> Option<(usize, usize, Vec<String>)> {
        self.log
            .completes
            .lock()
            .unwrap()
            .push((code.to_string(), pos));
        self.completion.clone()
    }
    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        let n = self.log.interrupts.clone();
        Box::new(move || {
            n.fetch_add(1, Ordering::SeqCst);
        })
    }
}

/// Compiles `fn main() { let v = { CELL }; ... }` with rustc -O and runs it; the value's `{:?}`
/// comes back as text/plain (none for `()`), its stdout goes to the sink.
pub struct Rustc {
    pub dir: std::path::PathBuf,
    pub count: usize,
}

impl Rustc {
    pub fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("accel-magics-test-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Rustc { dir, count: 0 }
    }
}

const VALUE_MARK: &str = "\u{2}VALUE ";

impl RustcTier for Rustc {
    fn eval(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        self.count += 1;
        let src = self.dir.join(format!("cell{}.rs", self.count));
        let exe = self.dir.join(format!("cell{}", self.count));
        let program = format!(
            // The cell's first line stays line 1, so rustc's line numbers are the cell's.
            "#[allow(unused)] fn main() {{ let __v = {{ {code}\n}};\n    let __s = format!(\"{{:?}}\", __v);\n    if __s != \"()\" {{ print!(\"{VALUE_MARK}{{}}\", __s); }}\n}}\n",
            VALUE_MARK = VALUE_MARK.escape_default()
        );
        std::fs::write(&src, program).unwrap();
        let out = Command::new("rustc")
            .args(["-O", "--edition", "2021", "-o"])
            .arg(&exe)
            .arg(&src)
            .output()
            .unwrap();
        if !out.status.success() {
            let msg = String::from_utf8_lossy(&out.stderr).to_string();
            return Err(CellError::new("CompileError", msg));
        }
        let run = Command::new(&exe).output().unwrap();
        let stdout = String::from_utf8_lossy(&run.stdout).to_string();
        let (printed, value) = match stdout.split_once(VALUE_MARK) {
            Some((p, v)) => (p.to_string(), Some(v.to_string())),
            None => (stdout, None),
        };
        if !printed.is_empty() {
            sink.stream(StreamName::Stdout, &printed);
        }
        if !run.status.success() {
            return Err(CellError::new(
                "Panic",
                String::from_utf8_lossy(&run.stderr).to_string(),
            ));
        }
        Ok(value.map(|v| text(&v)))
    }
    fn variables(&self) -> Vec<(String, String)> {
        vec![]
    }
    fn complete(&mut self, _: &str, _: usize) -> Option<(usize, usize, Vec<String>)> {
        None
    }
    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        Box::new(|| {})
    }
}
