//! A scripted stand-in for the rustc tier, selected with the hidden `--tier script`.
//!
//! It exists so the wire protocol and `accel run` can be tested without rustc:
//! every behaviour a real tier has (streaming, rich values, errors, long runs
//! that must be interruptible, stdin, floods of output, panics) is one command.
//! One command per line:
//!
//! | line | effect |
//! |---|---|
//! | `out TEXT` / `err TEXT` | TEXT + newline on stdout / stderr |
//! | `value TEXT` | the cell's value gets `text/plain`: TEXT |
//! | `html TEXT` | the cell's value gets `text/html`: TEXT as well |
//! | `display ID TEXT` | `display_data` (ID `-` means no display id) |
//! | `update ID TEXT` | `update_display_data` for ID |
//! | `fail ENAME EVALUE…` | the cell fails with that error |
//! | `sleep MS` | waits MS ms, stopping early with an error when interrupted |
//! | `input PROMPT` | asks stdin, prints `got: VALUE` |
//! | `password PROMPT` | same with password = true |
//! | `flood BYTES` | prints BYTES bytes (lines of 79 `x` and a newline) |
//! | `let NAME = TEXT` | a variable (listed by `variables`, completed) |
//! | `panic TEXT` | panics inside the tier |

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accel_magics::{CellError, MimeBundle, RustcTier, Sink, StreamName};
use serde_json::Value;

#[derive(Default)]
pub struct ScriptTier {
    stop: Arc<AtomicBool>,
    vars: BTreeMap<String, String>,
}

const COMMANDS: &[&str] = &[
    "out", "err", "value", "html", "display", "update", "fail", "sleep", "input", "password",
    "flood", "let", "panic",
];

impl RustcTier for ScriptTier {
    fn eval(&mut self, code: &str, sink: &dyn Sink) -> Result<Option<MimeBundle>, CellError> {
        self.stop.store(false, Ordering::SeqCst);
        let mut value: Option<MimeBundle> = None;
        for line in code.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
            match cmd {
                "out" => sink.stream(StreamName::Stdout, &format!("{rest}\n")),
                "err" => sink.stream(StreamName::Stderr, &format!("{rest}\n")),
                "value" => {
                    let b = value.get_or_insert_with(MimeBundle::new);
                    b.insert("text/plain".into(), Value::String(rest.into()));
                }
                "html" => {
                    let b = value.get_or_insert_with(MimeBundle::new);
                    b.insert("text/html".into(), Value::String(rest.into()));
                }
                "display" | "update" => {
                    let (id, text) = rest.split_once(' ').unwrap_or((rest, ""));
                    let mut b = MimeBundle::new();
                    b.insert("text/plain".into(), Value::String(text.into()));
                    let id = (id != "-").then_some(id);
                    sink.display(b, id, cmd == "update");
                }
                "fail" => {
                    let (ename, evalue) = rest.split_once(' ').unwrap_or((rest, ""));
                    return Err(CellError::new(ename, evalue));
                }
                "sleep" => {
                    let ms: u64 = rest.parse().map_err(|_| bad(line))?;
                    let end = Instant::now() + Duration::from_millis(ms);
                    while Instant::now() < end {
                        if self.stop.load(Ordering::SeqCst) {
                            return Err(CellError::new("Interrupted", "execution interrupted"));
                        }
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
                "input" | "password" => match sink.input(rest, cmd == "password") {
                    Some(v) => sink.stream(StreamName::Stdout, &format!("got: {v}\n")),
                    None => return Err(CellError::new("StdinNotImplemented", "no stdin")),
                },
                "flood" => {
                    let total: usize = rest.parse().map_err(|_| bad(line))?;
                    let line80 = format!("{}\n", "x".repeat(79));
                    let block = line80.repeat(100);
                    let mut sent = 0;
                    while sent < total {
                        if self.stop.load(Ordering::SeqCst) {
                            return Err(CellError::new("Interrupted", "execution interrupted"));
                        }
                        let n = block.len().min(total - sent);
                        sink.stream(StreamName::Stdout, &block[..n]);
                        sent += n;
                    }
                }
                "let" => {
                    let (name, text) = rest.split_once('=').ok_or_else(|| bad(line))?;
                    self.vars.insert(name.trim().into(), text.trim().into());
                }
                "panic" => panic!("{rest}"),
                _ => return Err(bad(line)),
            }
        }
        Ok(value)
    }

    fn variables(&self) -> Vec<(String, String)> {
        self.vars
            .keys()
            .map(|k| (k.clone(), "String".to_string()))
            .collect()
    }

    fn complete(&mut self, code: &str, pos: usize) -> Option<(usize, usize, Vec<String>)> {
        let pos = pos.min(code.len());
        let start = code[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let word = &code[start..pos];
        let matches: Vec<String> = COMMANDS
            .iter()
            .map(|s| s.to_string())
            .chain(self.vars.keys().cloned())
            .filter(|c| c.starts_with(word))
            .collect();
        Some((start, pos, matches))
    }

    fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        let stop = self.stop.clone();
        Box::new(move || stop.store(true, Ordering::SeqCst))
    }
}

fn bad(line: &str) -> CellError {
    CellError::new("ScriptError", format!("cannot run `{line}`"))
}
