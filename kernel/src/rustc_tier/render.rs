//! evcxr results → the session's types: `EvalOutputs` → `MimeBundle`, `evcxr::Error` →
//! `CellError` (rustc-style diagnostics with cell-relative line:column).

use accel_magics::{CellError, MimeBundle};
use evcxr::CompilationError;
use serde_json::Value;
use std::collections::HashMap;

const RED: &str = "\x1b[31m";
const BOLD_RED: &str = "\x1b[1;31m";
const BLUE: &str = "\x1b[34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// evcxr's `content_by_mime_type` as a Jupyter bundle; JSON mime types carry parsed JSON
/// (as evcxr_jupyter sends them), everything else the text evcxr produced.
pub(super) fn bundle(content: HashMap<String, String>) -> Option<MimeBundle> {
    if content.is_empty() {
        return None;
    }
    let mut data = MimeBundle::new();
    for (mime, text) in content {
        let value = if mime.contains("json") {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        } else {
            Value::String(text)
        };
        data.insert(mime, value);
    }
    Some(data)
}

/// Compile errors, rendered like rustc but against the cell's own lines.
pub(super) fn compilation_errors(errors: &[CompilationError], code: &str) -> CellError {
    let lines: Vec<&str> = code.lines().collect();
    let mut traceback = Vec::new();
    let mut first: Option<String> = None;
    for error in errors {
        let (rendered, summary) = render_one(error, &lines);
        traceback.extend(rendered);
        first.get_or_insert(summary);
    }
    let mut evalue = first.unwrap_or_else(|| "compilation failed".to_owned());
    if errors.len() > 1 {
        evalue.push_str(&format!(" (and {} more)", errors.len() - 1));
    }
    CellError::new("CompilationError", evalue).with_traceback(traceback)
}

/// Returns the traceback lines of one error and its one-line summary
/// (`message (line L, column C)`).
fn render_one(error: &CompilationError, lines: &[&str]) -> (Vec<String>, String) {
    let message = error.message();
    let level = match error.level() {
        "" => "error",
        level => level,
    };
    let header = match error.code() {
        Some(code) => format!("{BOLD_RED}{level}[{code}]{RESET}{BOLD}: {message}{RESET}"),
        None => format!("{BOLD_RED}{level}{RESET}{BOLD}: {message}{RESET}"),
    };
    let mut out = vec![header];
    let primary = error
        .primary_spanned_message()
        .and_then(|m| m.span.map(|s| (m, s)));
    let summary = match &primary {
        Some((_, span)) => {
            out.push(format!(
                "{BLUE} --> {RESET}cell:{}:{}",
                span.start_line, span.start_column
            ));
            format!(
                "{message} (line {}, column {})",
                span.start_line, span.start_column
            )
        }
        None => message.clone(),
    };
    // Every labelled span in the cell: the source line, then carets under the span.
    let width = error
        .spanned_messages()
        .iter()
        .filter_map(|m| m.span.map(|s| s.end_line.to_string().len()))
        .max()
        .unwrap_or(1);
    let gutter = " ".repeat(width);
    let mut shown_gutter = false;
    for spanned in error.spanned_messages() {
        let Some(span) = spanned.span else {
            if !spanned.label.is_empty() {
                out.push(format!("{BLUE}{gutter} = {RESET}{}", spanned.label));
            }
            continue;
        };
        let Some(source) = lines.get(span.start_line.wrapping_sub(1)) else {
            continue;
        };
        if !shown_gutter {
            out.push(format!("{BLUE}{gutter} |{RESET}"));
            shown_gutter = true;
        }
        out.push(format!(
            "{BLUE}{:>width$} |{RESET} {source}",
            span.start_line
        ));
        let chars = source.chars().count();
        let start = span.start_column.max(1);
        let end = if span.end_line == span.start_line {
            span.end_column
        } else {
            chars + 1
        };
        let carets = "^".repeat(end.saturating_sub(start).max(1));
        let pad = " ".repeat(start - 1);
        let label = if spanned.label.is_empty() {
            String::new()
        } else {
            format!(" {}", spanned.label)
        };
        out.push(format!(
            "{BLUE}{gutter} |{RESET} {pad}{RED}{carets}{label}{RESET}"
        ));
    }
    for help in error.help() {
        out.push(format!("{BLUE}{gutter} = {RESET}{BOLD}help{RESET}: {help}"));
    }
    if let Some(hint) = error.evcxr_extra_hint() {
        out.push(format!("{BLUE}{gutter} = {RESET}{BOLD}note{RESET}: {hint}"));
    }
    if let Some(hint) = prelude_hint(&message) {
        out.push(format!("{BLUE}{gutter} = {RESET}{BOLD}help{RESET}: {hint}"));
    }
    (out, summary)
}

/// Names of `accel::prelude` (runtime/prelude/src/lib.rs) and of the ndarray prelude it
/// re-exports that cells most often use: `%%jit` cells have them in scope, rustc-tier cells need
/// the `use` line. Only used for a hint, so a name missing here costs nothing but the hint.
const PRELUDE_NAMES: &[&str] = &[
    "Array",
    "Array0",
    "Array1",
    "Array2",
    "Array3",
    "Array4",
    "ArrayD",
    "ArrayView",
    "ArrayView1",
    "ArrayView2",
    "ArrayViewMut",
    "ArrayViewMut1",
    "ArrayViewMut2",
    "ArrayBase",
    "Axis",
    "Ix1",
    "Ix2",
    "IxDyn",
    "s",
    "array",
    "Zip",
    "Chunked",
    "Chunks",
    "Boundary",
    "Coo",
    "Csr",
    "Csc",
    "Dok",
    "arange",
    "eye",
    "linspace",
    "matmul",
    "concatenate",
    "stack",
    "broadcast_shapes",
    "try_full",
    "try_zeros",
    "Reductions",
    "BroadcastOps",
    "Repr",
    "ArrayError",
    "read_npy",
    "write_npy",
    "read_npz",
    "write_npz",
    "default_rng",
];

/// For "cannot find type `Array2` in this scope" and the like, when the name is the prelude's.
fn prelude_hint(message: &str) -> Option<String> {
    let unresolved = [
        "cannot find",
        "undeclared type",
        "undeclared crate",
        "unresolved",
        "not found in this scope",
    ];
    if !unresolved.iter().any(|u| message.contains(u)) {
        return None;
    }
    let name = message.split('`').nth(1)?;
    PRELUDE_NAMES.contains(&name).then(|| {
        format!("`{name}` is in the accel prelude: add `use accel::prelude::*;` (%%jit cells have it in scope, Rust cells need the line)")
    })
}

/// A panic that escaped the cell. `location` points into evcxr's generated crate, so it
/// is not shown; the message is what rustc's panic would print.
pub(super) fn panic(message: &str) -> CellError {
    let mut traceback = vec![format!(
        "{BOLD_RED}panicked{RESET}: {}",
        message.lines().next().unwrap_or("")
    )];
    traceback.extend(message.lines().skip(1).map(str::to_owned));
    CellError::new("Panic", message).with_traceback(traceback)
}

/// The child process died (crash, abort, or killed by an interrupt) and evcxr restarted it.
pub(super) fn restarted(reason: &str, interrupted: bool) -> CellError {
    let (ename, what) = if interrupted {
        ("KeyboardInterrupt", "interrupted".to_owned())
    } else {
        (
            "RustcTierRestarted",
            format!("the rustc tier's child process died ({})", reason.trim()),
        )
    };
    let evalue = format!("{what}; the rustc tier restarted and its variables were lost");
    let mut traceback = vec![format!("{BOLD_RED}{ename}{RESET}: {evalue}")];
    if !interrupted && !reason.trim().is_empty() {
        traceback.extend(reason.trim().lines().map(str::to_owned));
    }
    CellError::new(ename, evalue).with_traceback(traceback)
}

/// Anything else evcxr reports (bad `:dep`, untypable variable, ...).
pub(super) fn message(text: &str) -> CellError {
    let text = text.trim_end();
    CellError::new("Error", text).with_traceback(text.lines().map(str::to_owned).collect())
}

/// Removes ANSI colour codes (for tests and plain-text consumers).
#[cfg(test)]
pub(super) fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_names_get_a_use_hint() {
        assert!(
            super::prelude_hint("cannot find type `Array2` in this scope")
                .unwrap()
                .contains("use accel::prelude::*;")
        );
        assert!(
            super::prelude_hint("failed to resolve: use of undeclared type `Chunked`").is_some()
        );
        assert!(super::prelude_hint("cannot find macro `s` in this scope").is_some());
        assert_eq!(
            super::prelude_hint("cannot find type `Foo` in this scope"),
            None
        );
        assert_eq!(
            super::prelude_hint("mismatched types: expected `Array2`"),
            None
        );
    }

    #[test]
    fn bundle_parses_json_mime_types_only() {
        let mut content = HashMap::new();
        content.insert("text/plain".to_owned(), "{\"a\": 1}".to_owned());
        content.insert("application/json".to_owned(), "{\"a\": 1}".to_owned());
        let data = bundle(content).unwrap();
        assert_eq!(data["text/plain"], Value::String("{\"a\": 1}".into()));
        assert_eq!(data["application/json"]["a"], Value::from(1));
        assert!(bundle(HashMap::new()).is_none());
    }

    #[test]
    fn restart_errors_say_variables_were_lost() {
        let e = restarted(
            "Subprocess terminated with status: signal: 6 (SIGABRT)",
            false,
        );
        assert_eq!(e.ename, "RustcTierRestarted");
        assert!(
            e.evalue.contains("SIGABRT") && e.evalue.contains("variables were lost"),
            "{}",
            e.evalue
        );
        let e = restarted("whatever", true);
        assert_eq!(e.ename, "KeyboardInterrupt");
        assert!(e.evalue.starts_with("interrupted") && !e.evalue.contains("whatever"));
    }

    #[test]
    fn strip_ansi_removes_colour_codes() {
        assert_eq!(strip_ansi("\x1b[1;31merror\x1b[0m: x"), "error: x");
    }
}
