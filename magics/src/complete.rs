//! `is_complete`, completion and inspection: the answers that need only the cell's text and the
//! names the tiers hold (the session gathers those and calls in here).

use crate::lex::{self, Kind, Unterminated};
use crate::registry;
use crate::session::{Completeness, Completions};

pub const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

/// Keywords after which a statement cannot end.
const OPEN_ENDED_KEYWORDS: &[&str] = &[
    "as", "const", "dyn", "else", "enum", "extern", "fn", "for", "if", "impl", "in", "let", "loop",
    "match", "mod", "move", "mut", "pub", "ref", "static", "struct", "trait", "type", "unsafe",
    "use", "where", "while",
];

/// Punctuation after which the statement goes on (binary operators, `=`, `.`, `::`, `->`, `,`...).
const OPEN_ENDED_PUNCTS: &[&str] = &[
    "+", "-", "*", "/", "%", "^", "&", "|", "&&", "||", "<<", ">>", "==", "!=", "<", ">", "<=",
    ">=", "=", "+=", "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<=", ">>=", ".", "::", "->", "=>",
    ",", ":", "#", "@", "!",
];

/// Balanced delimiters (strings, chars, lifetimes, raw strings and comments respected) and Rust
/// statement rules. Cells that are magics, or evcxr `:commands`, are always complete.
pub fn is_complete(code: &str) -> Completeness {
    let first = code.lines().map(str::trim_start).find(|l| !l.is_empty());
    match first {
        None => return Completeness::Complete,
        Some(l) if l.starts_with('%') || l.starts_with(':') => return Completeness::Complete,
        _ => {}
    }
    let lexed = lex::lex_with_magics(code, &registry::is_magic_name, true);
    if lexed.mismatch.is_some() {
        return Completeness::Invalid;
    }
    let last_line_indent: String = code
        .lines()
        .last()
        .unwrap_or("")
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if lexed.unterminated == Some(Unterminated::Str)
        || lexed.unterminated == Some(Unterminated::BlockComment)
    {
        return Completeness::Incomplete(last_line_indent);
    }
    if !lexed.open.is_empty() {
        return Completeness::Incomplete("    ".repeat(lexed.open.len()));
    }
    let last = lexed.tokens.iter().rev().find(|t| t.kind != Kind::Magic);
    let Some(last) = last else {
        return Completeness::Complete;
    };
    // The last token before a trailing magic line does not matter.
    if lexed.tokens.last().is_some_and(|t| t.kind == Kind::Magic) {
        return Completeness::Complete;
    }
    let text = last.text(code);
    let open_ended = match last.kind {
        Kind::Punct => OPEN_ENDED_PUNCTS.contains(&text),
        Kind::Ident => OPEN_ENDED_KEYWORDS.contains(&text),
        _ => false,
    };
    if open_ended {
        Completeness::Incomplete(last_line_indent)
    } else {
        Completeness::Complete
    }
}

fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Byte offset of the `pos`-th code point (clamped to the end).
pub fn byte_of_char(s: &str, pos: usize) -> usize {
    s.char_indices().nth(pos).map_or(s.len(), |(i, _)| i)
}

pub fn char_of_byte(s: &str, byte: usize) -> usize {
    s[..byte.min(s.len())].chars().count()
}

/// The identifier around the cursor (byte offsets), for inspection.
pub fn word_at(code: &str, byte: usize) -> Option<(usize, usize)> {
    let start = code[..byte]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(byte, |(i, _)| i);
    let end = code[byte..]
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map_or(code.len(), |(i, _)| byte + i);
    (start < end).then_some((start, end))
}

/// What the cursor is completing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// `%ti|` or `%%ji|`: magic names; the range covers the sigils.
    Magic { start: usize, typed: String },
    /// A name in Rust code (`start` is where the word begins).
    Name { start: usize, typed: String },
    /// After `.` or `::`: only the rustc tier knows members.
    Member { start: usize },
    /// `%%jit --fa|`: an option of the magic `name`.
    MagicOption {
        start: usize,
        name: String,
        typed: String,
    },
    /// Inside a string or comment: nothing to offer.
    None,
}

/// Find the completion context at byte offset `byte`.
pub fn context(code: &str, byte: usize) -> Context {
    let before = &code[..byte];
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word_char(c))
        .last()
        .map_or(byte, |(i, _)| i);
    let typed = before[start..].to_string();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let head = &before[line_start..start];
    let head_trimmed = head.trim_start();
    let sigils = if head_trimmed.ends_with("%%") {
        2
    } else if head_trimmed.ends_with('%') {
        1
    } else {
        0
    };
    if sigils > 0 {
        let prefix = &head_trimmed[..head_trimmed.len() - sigils];
        let only_sigils =
            prefix.is_empty() || crate::grammar::split_assignment(&format!("{prefix}%x")).is_some();
        if only_sigils {
            let start = start - sigils;
            return Context::Magic {
                start,
                typed: before[start..].to_string(),
            };
        }
    }
    // An option on a magic line: the word before the cursor starts with `-`.
    let line_text = before[line_start..].trim_start();
    if line_text.starts_with('%') {
        let word_start = before
            .rfind(char::is_whitespace)
            .map_or(0, |i| i + 1)
            .max(line_start);
        let word = &before[word_start..];
        let name: String = line_text
            .trim_start_matches('%')
            .chars()
            .take_while(|&c| is_word_char(c))
            .collect();
        if word.starts_with('-') && word_start > line_start {
            return Context::MagicOption {
                start: word_start,
                name,
                typed: word.to_string(),
            };
        }
    }
    // In a string or a comment?
    let lexed = lex::lex(before);
    if lexed.unterminated.is_some() || in_line_comment(before) {
        return Context::None;
    }
    if head.ends_with('.') || head.ends_with("::") {
        return Context::Member { start };
    }
    Context::Name { start, typed }
}

fn in_line_comment(before: &str) -> bool {
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = &before[line_start..];
    let Some(i) = line.find("//") else {
        return false;
    };
    // `//` counts only when the lexer sees it as code (not inside a string on that line).
    let prefix = &before[..line_start + i];
    lex::lex(prefix).unterminated.is_none()
}

/// Magic names (with sigils) that start with `typed`.
pub fn magic_matches(typed: &str) -> Vec<String> {
    let mut names: Vec<String> = registry::prefixed_names()
        .into_iter()
        .filter(|n| n.starts_with(typed))
        .collect();
    names.sort();
    names
}

/// The options of magic `name` (`--fastmath`, `-n`...) that start with `typed`.
pub fn option_matches(name: &str, typed: &str) -> Vec<String> {
    let Some(spec) = registry::MAGICS.iter().find(|m| m.name == name) else {
        return vec![];
    };
    let cmd = (spec.command)();
    let mut out: Vec<String> = cmd
        .get_arguments()
        .flat_map(|a| {
            [
                a.get_long().map(|l| format!("--{l}")),
                a.get_short().map(|c| format!("-{c}")),
            ]
        })
        .flatten()
        .chain(["--help".to_string()])
        .filter(|o| o.starts_with(typed))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Keywords and the given names that start with `typed`, sorted and without duplicates.
pub fn name_matches(typed: &str, names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = KEYWORDS
        .iter()
        .map(|k| k.to_string())
        .chain(names)
        .filter(|n| n.starts_with(typed) && !n.starts_with("__accel"))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Convert byte ranges to code points for the reply.
pub fn completions(code: &str, start: usize, end: usize, matches: Vec<String>) -> Completions {
    Completions {
        cursor_start: char_of_byte(code, start),
        cursor_end: char_of_byte(code, end),
        matches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Completeness::*;

    #[test]
    fn complete_cells() {
        for code in [
            "",
            "let x = 1;",
            "x + 1",
            "fn f() -> i32 {\n    1\n}",
            "let s = \"{ ( [\";",
            "let c = '{';",
            "fn f<'a>(x: &'a str) -> &'a str { x }",
            "let r = r#\"\" ( \"#;",
            "// (\nlet x = 1; /* { */",
            "%timeit f(",
            "%%jit\nfn f() {",
            ":dep ndarray",
            "0..",
            "return",
            "let x = 1;\n%timeit x +",
        ] {
            assert_eq!(is_complete(code), Complete, "{code:?}");
        }
    }

    #[test]
    fn incomplete_cells() {
        assert_eq!(is_complete("fn f() {"), Incomplete("    ".into()));
        assert_eq!(
            is_complete("fn f() {\n    if x {"),
            Incomplete("        ".into())
        );
        assert_eq!(is_complete("let v = vec![1,\n"), Incomplete("    ".into()));
        assert_eq!(is_complete("let s = \"abc"), Incomplete("".into()));
        assert_eq!(is_complete("/* open"), Incomplete("".into()));
        assert_eq!(is_complete("let x ="), Incomplete("".into()));
        assert_eq!(is_complete("  let y = a +"), Incomplete("  ".into()));
        assert_eq!(
            is_complete("let z = a\n    .iter()\n    ."),
            Incomplete("    ".into())
        );
        assert_eq!(is_complete("x &&"), Incomplete("".into()));
        assert_eq!(is_complete("let mut"), Incomplete("".into()));
        assert_eq!(is_complete("let r = r##\"a\"#"), Incomplete("".into()));
    }

    #[test]
    fn jupyter_kernel_test_samples() {
        // The samples tests/test_conformance.py gives jupyter_kernel_test.
        for code in [
            "1 + 1",
            "let x = 5;",
            "fn double(x: i32) -> i32 { x * 2 }",
            "println!(\"{}\", \"} not a brace\");",
            "let c = '{';",
            "// a comment with an open brace {",
            "%lsmagic",
            "%timeit 1 + 1",
            "%%timeit\nfor i in 0..10 {",
            ":dep fastrand = \"2\"",
        ] {
            assert_eq!(is_complete(code), Complete, "{code:?}");
        }
        for code in [
            "fn double(x: i32) -> i32 {",
            "let v = vec![1,\n    2,",
            "if true {\n    1\n} else {",
            "struct P {\n    x: f64,",
            "/* an open block comment",
        ] {
            assert!(matches!(is_complete(code), Incomplete(_)), "{code:?}");
        }
        for code in ["fn f() { ) }", "let x = ];", "}", "let v = vec![1, 2);"] {
            assert_eq!(is_complete(code), Invalid, "{code:?}");
        }
    }

    #[test]
    fn invalid_cells() {
        assert_eq!(is_complete("fn f() { )"), Invalid);
        assert_eq!(is_complete("}"), Invalid);
        assert_eq!(is_complete("let v = [1, 2);"), Invalid);
    }

    #[test]
    fn contexts() {
        assert_eq!(
            context("%ti", 3),
            Context::Magic {
                start: 0,
                typed: "%ti".into()
            }
        );
        assert_eq!(
            context("%%j", 3),
            Context::Magic {
                start: 0,
                typed: "%%j".into()
            }
        );
        assert_eq!(
            context("x;\n  %lsm", 9),
            Context::Magic {
                start: 5,
                typed: "%lsm".into()
            }
        );
        assert_eq!(
            context("let t = %tim", 12),
            Context::Magic {
                start: 8,
                typed: "%tim".into()
            }
        );
        assert_eq!(
            context("let a = ve", 10),
            Context::Name {
                start: 8,
                typed: "ve".into()
            }
        );
        assert_eq!(context("v.le", 4), Context::Member { start: 2 });
        assert_eq!(context("std::f6", 7), Context::Member { start: 5 });
        assert_eq!(context("let s = \"ab", 11), Context::None);
        assert_eq!(context("x // ab", 7), Context::None);
        assert_eq!(
            context("let s = \"//\"; ab", 16),
            Context::Name {
                start: 14,
                typed: "ab".into()
            }
        );
        assert_eq!(
            context("a % b", 5),
            Context::Name {
                start: 4,
                typed: "b".into()
            }
        );
        assert_eq!(
            context("%%jit --fa", 10),
            Context::MagicOption {
                start: 6,
                name: "jit".into(),
                typed: "--fa".into()
            }
        );
        assert_eq!(
            context("x;\n%timeit -", 12),
            Context::MagicOption {
                start: 11,
                name: "timeit".into(),
                typed: "-".into()
            }
        );
        assert_eq!(option_matches("jit", "--b"), vec!["--boundscheck"]);
        assert_eq!(
            option_matches("timeit", "-"),
            vec!["--help", "-n", "-o", "-p", "-q", "-r", "-v"]
        );
    }

    #[test]
    fn matches_and_positions() {
        assert_eq!(magic_matches("%ti"), vec!["%time", "%timeit"]);
        assert_eq!(
            magic_matches("%%"),
            vec!["%%jit", "%%rust", "%%time", "%%timeit"]
        );
        assert_eq!(
            name_matches("wh", ["whale".to_string(), "__accel_x".into()]),
            vec!["whale", "where", "while"]
        );
        assert_eq!(
            name_matches("__a", ["__accel_time_start".to_string()]),
            Vec::<String>::new()
        );
        let code = "let é = ab";
        assert_eq!(byte_of_char(code, 10), code.len());
        let c = completions(code, code.len() - 2, code.len(), vec![]);
        assert_eq!((c.cursor_start, c.cursor_end), (8, 10));
        assert_eq!(word_at("foo(bar_1)", 5), Some((4, 9)));
        assert_eq!(word_at("foo( )", 4), None);
    }
}
