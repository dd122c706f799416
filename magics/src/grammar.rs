//! IPython's magic grammar for Rust cells.
//!
//! - `%%name args` as the first non-blank line makes the whole cell a cell magic; the body is
//!   every following line.
//! - `%name args` on a line of its own is a line magic; such lines may mix with Rust lines, and
//!   the cell then runs as a sequence of segments in order (like IPython, which turns each magic
//!   line into a call inside the cell).
//! - `let NAME = %name args` (and IPython's `NAME = %name args`) binds the magic's value (e.g.
//!   `%timeit -o`'s `TimeitResult`) to a variable that later cells see.
//!
//! A `%` inside a string or a comment, or inside an open `(`/`[`/`{`, is Rust, not a magic. A line
//! starting with `%` can only be Rust when it continues an expression (`a\n% b`), so such a line
//! is a magic when it starts a statement or names a registered magic.

use crate::lex::{self, Kind};

/// One magic invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MagicCall {
    pub name: String,
    /// Everything after the name, trimmed.
    pub args: String,
    /// `%%name` (cell magic) rather than `%name`.
    pub cell: bool,
    /// `let NAME = %magic ...`: the variable that receives the magic's value.
    pub assign: Option<String>,
    /// 1-based line in the cell.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Rust lines (or evcxr `:commands`), run by a tier as one piece.
    Rust {
        code: String,
        line: usize,
    },
    Magic(MagicCall),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// `%%name args` + body.
    CellMagic { call: MagicCall, body: String },
    /// Rust and line magics, in order. Empty for a blank cell.
    Segments(Vec<Segment>),
}

/// Split a cell into a cell magic or a sequence of Rust and line-magic segments.
/// `is_magic` tells which names are registered (used only to disambiguate `%` at a line start).
pub fn parse_cell(src: &str, is_magic: &dyn Fn(&str) -> bool) -> Cell {
    // IPython drops leading blank lines before looking for `%%`.
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        offset += line.len();
    }
    let rest = &src[offset..];
    let first_line_no = src[..offset].matches('\n').count() + 1;
    let first = rest.split('\n').next().unwrap_or("");
    if first.trim_start().starts_with("%%") {
        if let Some(call) = parse_magic_text(first.trim_start(), first_line_no) {
            let body = rest.split_once('\n').map_or("", |(_, b)| b).to_string();
            return Cell::CellMagic { call, body };
        }
    }

    let lexed = lex::lex_with_magics(src, is_magic, true);
    let mut segments = Vec::new();
    let mut rust_from = 0; // byte offset where the pending Rust text starts
    for tok in lexed.tokens.iter().filter(|t| t.kind == Kind::Magic) {
        let line_start = src[..tok.start].rfind('\n').map_or(0, |i| i + 1);
        push_rust(&mut segments, src, rust_from, line_start);
        let line = src[..tok.start].matches('\n').count() + 1;
        if let Some(call) = parse_magic_text(tok.text(src), line) {
            segments.push(Segment::Magic(call));
        }
        rust_from = (tok.end + 1).min(src.len());
    }
    push_rust(&mut segments, src, rust_from, src.len());
    Cell::Segments(segments)
}

fn push_rust(segments: &mut Vec<Segment>, src: &str, from: usize, to: usize) {
    if from >= to {
        return;
    }
    let text = &src[from..to];
    if text.trim().is_empty() {
        return;
    }
    // Keep the cell's line numbering visible to rustc by starting at the first non-blank line.
    let skip: usize = text
        .split_inclusive('\n')
        .take_while(|l| l.trim().is_empty())
        .map(str::len)
        .sum();
    let line = src[..from + skip].matches('\n').count() + 1;
    segments.push(Segment::Rust {
        code: text[skip..].trim_end().to_string(),
        line,
    });
}

/// `[let [mut] NAME =] %name args` or `%%name args` → MagicCall.
pub fn parse_magic_text(text: &str, line: usize) -> Option<MagicCall> {
    let text = text.trim();
    let (assign, rest) = match split_assignment(text) {
        Some((name, rest)) => (Some(name), rest),
        None => (None, text),
    };
    let rest = rest.strip_prefix('%')?;
    let (cell, rest) = match rest.strip_prefix('%') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest
        .find(|c: char| !(c == '_' || c.is_alphanumeric()))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let name = rest[..name_len].to_string();
    let args = rest[name_len..].trim().to_string();
    Some(MagicCall {
        name,
        args,
        cell,
        assign,
        line,
    })
}

/// The assignment prefix of a magic line: `let NAME = %...`, `let mut NAME = %...`, `NAME = %...`.
/// Returns the variable and the text from the `%`.
pub fn split_assignment(text: &str) -> Option<(String, &str)> {
    let mut rest = text;
    if let Some(r) = rest.strip_prefix("let") {
        if !r.starts_with(char::is_whitespace) {
            return None;
        }
        rest = r.trim_start();
        if let Some(r) = rest.strip_prefix("mut") {
            if r.starts_with(char::is_whitespace) {
                rest = r.trim_start();
            }
        }
    }
    let name_len = rest
        .find(|c: char| !(c == '_' || c.is_alphanumeric()))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let after = rest[name_len..].trim_start();
    let after = after.strip_prefix('=')?;
    if after.starts_with('=') {
        return None; // `==`
    }
    let after = after.trim_start();
    after.starts_with('%').then(|| (name.to_string(), after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(n: &str) -> bool {
        matches!(n, "timeit" | "time" | "lsmagic" | "annotate")
    }

    fn segs(src: &str) -> Vec<Segment> {
        match parse_cell(src, &known) {
            Cell::Segments(s) => s,
            other => panic!("not segments: {other:?}"),
        }
    }

    fn rust(code: &str, line: usize) -> Segment {
        Segment::Rust {
            code: code.into(),
            line,
        }
    }

    fn magic(name: &str, args: &str, line: usize) -> Segment {
        Segment::Magic(MagicCall {
            name: name.into(),
            args: args.into(),
            cell: false,
            assign: None,
            line,
        })
    }

    #[test]
    fn cell_magic_first_line() {
        let c = parse_cell(
            "\n  \n%%timeit -n 10 let v = vec![1; 100];\nv.iter().sum::<i32>()\n",
            &known,
        );
        match c {
            Cell::CellMagic { call, body } => {
                assert_eq!(call.name, "timeit");
                assert!(call.cell);
                assert_eq!(call.args, "-n 10 let v = vec![1; 100];");
                assert_eq!(call.line, 3);
                assert_eq!(body, "v.iter().sum::<i32>()\n");
            }
            other => panic!("{other:?}"),
        }
        match parse_cell("%%jit", &known) {
            Cell::CellMagic { call, body } => {
                assert_eq!(
                    (call.name.as_str(), call.args.as_str(), body.as_str()),
                    ("jit", "", "")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_rust_is_one_segment() {
        assert_eq!(
            segs("let x = 1;\nx + 1\n"),
            vec![rust("let x = 1;\nx + 1", 1)]
        );
        assert_eq!(segs("   \n\n"), vec![]);
        assert_eq!(segs(""), vec![]);
    }

    #[test]
    fn line_magics_mix_with_rust() {
        let s = segs("%timeit -n 3 f(1)\nlet y = 2;\n%lsmagic\ny");
        assert_eq!(
            s,
            vec![
                magic("timeit", "-n 3 f(1)", 1),
                rust("let y = 2;", 2),
                magic("lsmagic", "", 3),
                rust("y", 4)
            ]
        );
        let s = segs("fn f() -> i32 { 1 }\n\n  %time f()\n");
        assert_eq!(
            s,
            vec![rust("fn f() -> i32 { 1 }", 1), magic("time", "f()", 3)]
        );
    }

    #[test]
    fn percent_in_strings_comments_and_blocks_is_rust() {
        let src =
            "let s = \"\n%timeit x\n\";\n/*\n%time y\n*/\n// %lsmagic\nlet z = r#\"\n%who\n\"#;";
        assert_eq!(segs(src).len(), 1);
        let src = "fn f() {\n%timeit g()\n}";
        assert_eq!(segs(src), vec![rust(src, 1)]);
        let src = "let a = (1\n%timeit\n);";
        assert_eq!(segs(src).len(), 1);
    }

    #[test]
    fn percent_continuing_an_expression_is_modulo() {
        // `a\n% b` and `a\n%b` are Rust; `%time` names a magic, so it is one.
        let src = "let r = a\n    % b;\nlet q = a\n%b;";
        assert_eq!(segs(src), vec![rust(src, 1)]);
        assert_eq!(
            segs("let q = 1\n%time f()"),
            vec![rust("let q = 1", 1), magic("time", "f()", 2)]
        );
        // At a statement boundary, even an unknown name is a magic (reported as unknown later).
        assert_eq!(
            segs("x();\n%timit f()"),
            vec![rust("x();", 1), magic("timit", "f()", 2)]
        );
    }

    #[test]
    fn assignment_forms() {
        for src in [
            "let t = %timeit -o f()",
            "let mut t = %timeit -o f()",
            "t = %timeit -o f()",
            "let t=%timeit -o f()",
        ] {
            let s = segs(src);
            match &s[..] {
                [Segment::Magic(c)] => {
                    assert_eq!(c.assign.as_deref(), Some("t"), "{src}");
                    assert_eq!(c.name, "timeit");
                    assert_eq!(c.args, "-o f()");
                }
                other => panic!("{src}: {other:?}"),
            }
        }
        assert_eq!(split_assignment("t == %x"), None);
        assert_eq!(split_assignment("let t = 5 % 3"), None);
        assert_eq!(split_assignment("1t = %x"), None);
    }

    #[test]
    fn late_cell_magic_is_reported_as_cell() {
        let s = segs("let x = 1;\n%%timeit\nx");
        match &s[1] {
            Segment::Magic(c) => assert!(c.cell && c.name == "timeit"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_a_magic_name() {
        // `%` followed by a non-identifier is never a magic.
        assert_eq!(parse_magic_text("% 3", 1), None);
        assert_eq!(parse_magic_text("%", 1), None);
        assert_eq!(parse_magic_text("%%", 1), None);
    }
}
