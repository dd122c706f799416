//! A notebook session: routes each cell to a magic, the fast tier or the rustc tier.
//! The kernel and `accel run` call `new`, `execute`, `is_complete`, `complete`, `inspect` and
//! `interrupter`; the magics themselves live in `run_magic.rs`.

use std::sync::atomic::Ordering;

use accel_runtime::FastTier;

use crate::complete::{self, Context};
use crate::grammar::{self, Cell, Segment};
use crate::registry;
use crate::tier::{CellError, MimeBundle, RustcTier, Sink};

/// Answer to `is_complete_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completeness {
    Complete,
    /// With the indent the next line should get.
    Incomplete(String),
    Invalid,
}

/// Answer to `complete_request`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Completions {
    pub cursor_start: usize,
    pub cursor_end: usize,
    pub matches: Vec<String>,
}

pub struct Session {
    pub(crate) rustc: Box<dyn RustcTier>,
    pub(crate) fast: FastTier,
    /// Whether `TimeitResult` has been defined in the rustc tier (for `%timeit -o`).
    pub(crate) timeit_struct_defined: bool,
}

impl Session {
    pub fn new(rustc: Box<dyn RustcTier>) -> Self {
        Session {
            rustc,
            fast: FastTier::new(),
            timeit_struct_defined: false,
        }
    }

    /// The fast tier, e.g. for benchmarks that drive it directly.
    pub fn fast_tier(&mut self) -> &mut FastTier {
        &mut self.fast
    }

    /// Run one cell. Output streams through `sink`; the returned bundle is the
    /// `execute_result` (None when the cell has no value).
    ///
    /// A cell of Rust lines and line magics runs segment by segment, in order; like IPython, only
    /// the last segment's value is the cell's value, and the first error stops the cell.
    pub fn execute(
        &mut self,
        code: &str,
        sink: &dyn Sink,
    ) -> Result<Option<MimeBundle>, CellError> {
        match grammar::parse_cell(code, &registry::is_magic_name) {
            Cell::CellMagic { call, body } => self.cell_magic(&call, &body, sink),
            Cell::Segments(segments) => {
                let n = segments.len();
                let mut value = None;
                for (i, segment) in segments.into_iter().enumerate() {
                    let v = match segment {
                        Segment::Rust { code, line } => {
                            self.rustc.eval(&at_line(line, &code), sink)?
                        }
                        Segment::Magic(call) if call.cell => {
                            return Err(CellError::new(
                                "UsageError",
                                format!("cell magic `%%{}` must be the first line of the cell (found on line {})", call.name, call.line),
                            ));
                        }
                        Segment::Magic(call) => self.line_magic(&call, sink)?,
                    };
                    if i + 1 == n {
                        value = v;
                    }
                }
                Ok(value)
            }
        }
    }

    pub fn is_complete(&self, code: &str) -> Completeness {
        complete::is_complete(code)
    }

    /// `cursor_pos` is in Unicode code points, as Jupyter sends it; so are the returned positions.
    pub fn complete(&mut self, code: &str, cursor_pos: usize) -> Completions {
        let byte = complete::byte_of_char(code, cursor_pos);
        let (start, matches) = match complete::context(code, byte) {
            Context::None => (byte, vec![]),
            Context::Magic { start, typed } => (start, complete::magic_matches(&typed)),
            Context::MagicOption { start, name, typed } => {
                (start, complete::option_matches(&name, &typed))
            }
            Context::Member { start } => match self.rustc_complete(code, byte) {
                Some((s, _, m)) => (s, m),
                None => (start, vec![]),
            },
            Context::Name { start, typed } => {
                let mut names: Vec<String> =
                    self.fast.variables().into_iter().map(|(n, _)| n).collect();
                names.extend(self.fast.functions());
                names.extend(self.rustc.variables().into_iter().map(|(n, _)| n));
                // evcxr knows fns, types and crates we do not; keep its answers for the same word.
                if let Some((s, _, m)) = self.rustc_complete(code, byte) {
                    if s == start {
                        names.extend(m);
                    }
                }
                (start, complete::name_matches(&typed, names))
            }
        };
        complete::completions(code, start, byte, matches)
    }

    /// Ask the rustc tier, but only about plain Rust (a cell with magic lines is not Rust), or
    /// about the body of a `%%rust` cell.
    fn rustc_complete(&mut self, code: &str, byte: usize) -> Option<(usize, usize, Vec<String>)> {
        match grammar::parse_cell(code, &registry::is_magic_name) {
            Cell::Segments(s) if s.iter().all(|s| matches!(s, Segment::Rust { .. })) => {
                self.rustc.complete(code, byte)
            }
            Cell::CellMagic { call, .. } if call.name == "rust" => {
                let body_start = code.find('\n')? + 1;
                let body = &code[body_start..];
                let (s, e, m) = self.rustc.complete(body, byte.checked_sub(body_start)?)?;
                Some((s + body_start, e + body_start, m))
            }
            _ => None,
        }
    }

    /// `inspect_request`: the type (and, for fast-tier variables, the value) of the name under
    /// the cursor, or a magic's help. Rustc-tier values are not shown: reading one would cost an
    /// evcxr compile, and evaluating a variable there moves it.
    pub fn inspect(&mut self, code: &str, cursor_pos: usize) -> Option<MimeBundle> {
        let byte = complete::byte_of_char(code, cursor_pos);
        let (s, e) = complete::word_at(code, byte)?;
        let name = &code[s..e];
        let before = code[..s].trim_end_matches('%');
        let mut lines = Vec::new();
        if before.len() < s && registry::is_magic_name(name) {
            let spec = registry::MAGICS.iter().find(|m| m.name == name)?;
            let mut cmd = (spec.command)()
                .name(format!("%{name}"))
                .bin_name(format!("%{name}"));
            lines.push(cmd.render_long_help().to_string());
        }
        if let Some((_, ty)) = self.fast.variables().into_iter().find(|(n, _)| n == name) {
            lines.push(format!("{name}: {ty}  (fast tier)"));
            // Fast-tier values live in this process: showing one costs a format, no compile.
            if let Some(text) = self.fast.variable_text(name) {
                lines.push(format!("value: {}", truncate(&text, INSPECT_MAX_CHARS)));
            }
        }
        if self.fast.functions().iter().any(|f| f == name) {
            lines.push(format!(
                "fn {name}  (fast tier; %annotate {name} shows what it compiled to)"
            ));
        }
        if let Some((_, ty)) = self.rustc.variables().into_iter().find(|(n, _)| n == name) {
            lines.push(format!("{name}: {ty}  (rustc tier)"));
        }
        if lines.is_empty() && complete::KEYWORDS.contains(&name) {
            lines.push(format!(
                "{name}: Rust keyword (https://doc.rust-lang.org/std/keyword.{name}.html)"
            ));
        }
        if lines.is_empty() {
            return None;
        }
        let mut bundle = MimeBundle::new();
        bundle.insert("text/plain".into(), lines.join("\n").into());
        Some(bundle)
    }

    /// Stops whatever cell is running (fast tier flag and rustc tier); callable from
    /// any thread while `execute` runs.
    pub fn interrupter(&self) -> Box<dyn Fn() + Send + Sync> {
        let flag = self.fast.interrupt_flag();
        let rustc = self.rustc.interrupter();
        Box::new(move || {
            flag.store(true, Ordering::SeqCst);
            rustc();
        })
    }
}

/// Inspect shows at most this much of a value.
const INSPECT_MAX_CHARS: usize = 2000;

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}… ({} chars)", &text[..i], text.chars().count()),
        None => text.to_string(),
    }
}

/// Code placed at its cell line, so that diagnostics count lines from the top of the cell.
pub(crate) fn at_line(line: usize, code: &str) -> String {
    let mut out = "\n".repeat(line.saturating_sub(1));
    out.push_str(code);
    out
}
