//! Conversions between the fast tier's types and the session's: its `Output` writes to a `Sink`,
//! its `Failure`s become Jupyter-shaped `CellError`s, its `Value`s become MIME bundles.

use accel_runtime::{Failure, Output, Value};

use crate::tier::{CellError, MimeBundle, Sink, StreamName};

/// Fast-tier prints go to the cell's sink as they happen.
pub struct SinkOutput<'a>(pub &'a dyn Sink);

impl Output for SinkOutput<'_> {
    fn stdout(&self, text: &str) {
        self.0.stream(StreamName::Stdout, text)
    }
    fn stderr(&self, text: &str) {
        self.0.stream(StreamName::Stderr, text)
    }
    /// One display per computation, updated in place (as the rustc tier's progress markers).
    fn progress(&self, fraction: f64, elapsed: std::time::Duration, finished: bool) {
        static ID: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
        let mut id = ID.lock().unwrap_or_else(|e| e.into_inner());
        let first = id.is_none();
        let d = id.get_or_insert_with(crate::tier::new_display_id).clone();
        self.0.progress(
            &d,
            first,
            &crate::tier::Progress {
                fraction,
                elapsed,
                finished,
            },
        );
        if finished {
            *id = None;
        }
    }
}

/// Drops output (inspection must not print).
pub struct Discard;

impl Output for Discard {
    fn stdout(&self, _: &str) {}
    fn stderr(&self, _: &str) {}
}

/// `%%jit` failures as `error` replies: compile diagnostics with rustc's rendered text as the
/// traceback, panics with rustc's message, interrupts as IPython's `KeyboardInterrupt`.
pub fn failure_to_error(f: Failure) -> CellError {
    match f {
        Failure::Compile(diags) => {
            let evalue = match diags.len() {
                0 => "the fast tier could not compile this cell".to_string(),
                1 => diags[0].message.clone(),
                n => format!("{} (and {} more errors)", diags[0].message, n - 1),
            };
            let mut tb: Vec<String> = diags
                .iter()
                .flat_map(|d| {
                    d.rendered
                        .trim_end()
                        .lines()
                        .map(str::to_string)
                        .chain([String::new()])
                })
                .collect();
            tb.pop();
            if tb.is_empty() {
                tb.push(format!("CompileError: {evalue}"));
            }
            CellError::new("CompileError", evalue).with_traceback(tb)
        }
        Failure::Panic { message, line } => {
            let tb = vec![
                format!("thread 'main' panicked at cell line {line}:"),
                message.clone(),
            ];
            CellError::new("Panic", message).with_traceback(tb)
        }
        Failure::Interrupted => CellError::new("KeyboardInterrupt", "interrupted"),
        Failure::StackOverflow => {
            CellError::new("StackOverflow", "stack overflow (recursion too deep?)")
        }
    }
}

pub fn value_bundle(v: Value) -> MimeBundle {
    let mut b = MimeBundle::new();
    b.insert("text/plain".into(), v.text.into());
    if let Some(html) = v.html {
        b.insert("text/html".into(), html.into());
    }
    b
}

pub fn text_bundle(text: impl Into<String>) -> MimeBundle {
    let mut b = MimeBundle::new();
    b.insert("text/plain".into(), text.into().into());
    b
}

/// The `text/plain` of a bundle, if any.
pub fn plain_text(b: &MimeBundle) -> Option<&str> {
    b.get("text/plain").and_then(|v| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use accel_runtime::Diagnostic;

    #[test]
    fn failures_map_to_jupyter_errors() {
        let d = Diagnostic {
            message: "unsupported: trait objects".into(),
            line: 2,
            col: 5,
            end_line: 2,
            end_col: 9,
            rendered: "error: unsupported: trait objects\n --> cell:2:5\n  |\n2 | let x: Box<dyn T>;\n  |     ^^^^\n  = help: use %%rust\n".into(),
        };
        let e = failure_to_error(Failure::Compile(vec![d.clone(), d]));
        assert_eq!(e.ename, "CompileError");
        assert_eq!(e.evalue, "unsupported: trait objects (and 1 more errors)");
        assert_eq!(e.traceback[1], " --> cell:2:5");
        assert_eq!(e.traceback.len(), 13);
        let e = failure_to_error(Failure::Panic {
            message: "index out of bounds: the len is 3 but the index is 5".into(),
            line: 4,
        });
        assert_eq!(
            (e.ename.as_str(), e.evalue.as_str()),
            (
                "Panic",
                "index out of bounds: the len is 3 but the index is 5"
            )
        );
        assert_eq!(e.traceback[0], "thread 'main' panicked at cell line 4:");
        assert_eq!(
            failure_to_error(Failure::Interrupted).ename,
            "KeyboardInterrupt"
        );
        assert_eq!(
            failure_to_error(Failure::Compile(vec![])).traceback.len(),
            1
        );
    }

    #[test]
    fn values_become_bundles() {
        let b = value_bundle(Value {
            text: "9592".into(),
            html: None,
        });
        assert_eq!(plain_text(&b), Some("9592"));
        assert!(!b.contains_key("text/html"));
        let b = value_bundle(Value {
            text: "x".into(),
            html: Some("<b>x</b>".into()),
        });
        assert_eq!(b["text/html"], "<b>x</b>");
    }
}
