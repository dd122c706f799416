//! Spans and diagnostics shared by every stage. A `Span` is cell-relative (1-based line,
//! 0-based char column, as proc-macro2 reports them); `Diagnostic` (api.rs) shows columns 1-based.

use crate::api::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    pub fn of(s: proc_macro2::Span) -> Span {
        let a = s.start();
        let b = s.end();
        Span {
            line: a.line as u32,
            col: a.column as u32,
            end_line: b.line as u32,
            end_col: b.column as u32,
        }
    }
    pub fn of_node<T: syn::spanned::Spanned>(t: &T) -> Span {
        Span::of(t.span())
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            end_line: other.end_line,
            end_col: other.end_col,
            ..self
        }
    }
    /// Shift a span parsed from a snippet that started at `origin` in the cell.
    pub fn offset(self, line0: u32, col0: u32) -> Span {
        let sh = |l: u32, c: u32| {
            if l == 1 {
                (l + line0 - 1, c + col0)
            } else {
                (l + line0 - 1, c)
            }
        };
        let (line, col) = sh(self.line, self.col);
        let (end_line, end_col) = sh(self.end_line, self.end_col);
        Span {
            line,
            col,
            end_line,
            end_col,
        }
    }
}

/// A compile-time error before anything runs. `hint` is printed as rustc's `= help:` note.
#[derive(Debug, Clone)]
pub struct Error {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub hint: Option<String>,
    /// rustc's error code (`E0308`), shown as `error[E0308]: …` like rustc does.
    pub code: Option<&'static str>,
}

pub type Result<T> = std::result::Result<T, Error>;

pub const HINT_RUST: &str = "use %%rust for the rustc tier";

impl Error {
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            span,
            label: String::new(),
            hint: None,
            code: None,
        }
    }
    /// A construct outside the `%%jit` subset (valid Rust, but not compiled by this tier).
    pub fn unsupported(span: Span, what: impl std::fmt::Display) -> Error {
        Error {
            message: format!("unsupported {what} in %%jit"),
            span,
            label: "not supported by the fast tier".into(),
            hint: Some(HINT_RUST.into()),
            code: None,
        }
    }
    pub fn code(mut self, c: &'static str) -> Error {
        self.code = Some(c);
        self
    }
    pub fn at(mut self, span: Span) -> Error {
        self.span = span;
        self
    }
    pub fn label(mut self, l: impl Into<String>) -> Error {
        self.label = l.into();
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Error {
        self.hint = Some(h.into());
        self
    }

    /// rustc-style rendering: message, location arrow, the source line, carets under the span.
    pub fn to_diagnostic(&self, src: &str) -> Diagnostic {
        let s = self.span;
        let line = s.line.max(1) as usize;
        let lno = line.to_string();
        let pad = " ".repeat(lno.len());
        let text = src.lines().nth(line - 1).unwrap_or("");
        let col = s.col as usize;
        let ncaret = if s.end_line == s.line && s.end_col > s.col {
            (s.end_col - s.col) as usize
        } else {
            text.chars().count().saturating_sub(col).max(1)
        };
        let head = match self.code {
            Some(c) => format!("error[{c}]"),
            None => "error".to_string(),
        };
        let mut r = format!(
            "{head}: {}\n{pad}--> cell:{}:{}\n{pad} |\n{lno} | {text}\n{pad} | {}{}",
            self.message,
            line,
            col + 1,
            " ".repeat(col),
            "^".repeat(ncaret)
        );
        if !self.label.is_empty() {
            r.push(' ');
            r.push_str(&self.label);
        }
        r.push_str(&format!("\n{pad} |"));
        if let Some(h) = &self.hint {
            r.push_str(&format!("\n{pad} = hint: {h}"));
        }
        Diagnostic {
            message: self.message.clone(),
            line,
            col: col + 1,
            end_line: s.end_line.max(1) as usize,
            end_col: s.end_col as usize + 1,
            rendered: r,
        }
    }
}
