//! A small Rust lexer: enough to know, at any point of a cell, whether we are in code, in a
//! string or in a comment, how deep the open delimiters are, and which token came last.
//!
//! The grammar uses it to find magic lines (a `%` inside a string or a comment is not a magic),
//! `is_complete` to check balance and statement ends, and completion to find the word under the
//! cursor. It never fails: malformed input yields `unterminated` or `mismatch`.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers and keywords (including raw identifiers `r#x`).
    Ident,
    /// `'a`, `'outer`.
    Lifetime,
    /// String, byte string, raw string, char, byte and number literals.
    Literal,
    /// Operators and separators, longest match (`..=`, `>>=`, `::`, `->`...).
    Punct,
    Open,
    Close,
    /// A whole magic line (`%name args`), from `%` to the end of the line (newline excluded).
    Magic,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// Byte range in the lexed text.
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unterminated {
    Str,
    BlockComment,
}

#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    /// Open delimiters left at the end, innermost last: (char, byte offset).
    pub open: Vec<(char, usize)>,
    /// The text ends inside a string or a block comment.
    pub unterminated: Option<Unterminated>,
    /// First closing delimiter that does not match (byte offset).
    pub mismatch: Option<usize>,
}

/// Lex Rust text only (no magic detection).
pub fn lex(src: &str) -> Lexed {
    lex_with_magics(src, &|_| false, false)
}

/// Lex a cell, turning lines that start with `%` (at depth 0, in code, at a statement boundary or
/// naming a known magic) into `Kind::Magic` tokens.
pub fn lex_with_magics(src: &str, is_magic: &dyn Fn(&str) -> bool, detect: bool) -> Lexed {
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        out: Lexed::default(),
    };
    lx.run(is_magic, detect);
    lx.out
}

const PUNCTS: [&str; 24] = [
    ">>=", "<<=", "...", "..=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>", "..",
];

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    out: Lexed,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(ahead)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.src[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.out.tokens.push(Token {
            kind,
            start,
            end: self.pos,
        });
    }

    /// Whether the code lexed so far ends where a new statement may begin.
    fn at_statement_boundary(&self) -> bool {
        match self.out.tokens.last() {
            None => true,
            Some(t) => {
                let s = t.text(self.src);
                t.kind == Kind::Magic || s == ";" || s == "}"
            }
        }
    }

    fn run(&mut self, is_magic: &dyn Fn(&str) -> bool, detect: bool) {
        let mut line_start = true;
        while self.pos < self.b.len() {
            if line_start && detect && self.out.open.is_empty() {
                line_start = false;
                if self.try_magic_line(is_magic) {
                    continue;
                }
            }
            let start = self.pos;
            let c = self.bump().unwrap();
            match c {
                '\n' => line_start = true,
                c if c.is_whitespace() => {}
                '/' if self.peek(0) == Some('/') => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                '/' if self.peek(0) == Some('*') => {
                    self.bump();
                    self.block_comment();
                }
                '"' => {
                    self.string();
                    self.push(Kind::Literal, start);
                }
                '\'' => self.quote(start),
                '(' | '[' | '{' => {
                    self.out.open.push((c, start));
                    self.push(Kind::Open, start);
                }
                ')' | ']' | '}' => {
                    let want = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    match self.out.open.last() {
                        Some(&(o, _)) if o == want => {
                            self.out.open.pop();
                        }
                        _ => {
                            self.out.mismatch.get_or_insert(start);
                        }
                    }
                    self.push(Kind::Close, start);
                }
                c if c.is_ascii_digit() => {
                    self.number(start);
                    self.push(Kind::Literal, start);
                }
                c if is_ident_start(c) => self.ident_or_prefixed_literal(c, start),
                _ => {
                    self.pos = start;
                    let rest = &self.src[start..];
                    let len = PUNCTS
                        .iter()
                        .find(|p| rest.starts_with(*p))
                        .map_or(c.len_utf8(), |p| p.len());
                    self.pos = start + len;
                    self.push(Kind::Punct, start);
                }
            }
        }
    }

    /// At the start of a line at depth 0: is this line a magic? (`%` + name, or `%%` + name.)
    fn try_magic_line(&mut self, is_magic: &dyn Fn(&str) -> bool) -> bool {
        let line_end = self.src[self.pos..]
            .find('\n')
            .map_or(self.src.len(), |i| self.pos + i);
        let line = &self.src[self.pos..line_end];
        let trimmed = line.trim_start();
        // `let t = %timeit -o ...` is a magic line too.
        let magic_text = match crate::grammar::split_assignment(trimmed) {
            Some((_, rest)) => rest,
            None => trimmed,
        };
        let Some(after) = magic_text.strip_prefix('%') else {
            return false;
        };
        let name_part = after.strip_prefix('%').unwrap_or(after);
        let name: String = name_part
            .chars()
            .take_while(|&c| is_ident_continue(c))
            .collect();
        if name.is_empty() || !name.starts_with(is_ident_start) {
            return false;
        }
        // A line starting with `%` can continue an expression (`a\n% b`); take it as a magic
        // only where a statement could start, or when it names a magic.
        if !self.at_statement_boundary() && !is_magic(&name) {
            return false;
        }
        let start = self.pos + (line.len() - trimmed.len());
        self.pos = line_end;
        self.push(Kind::Magic, start);
        true
    }

    fn block_comment(&mut self) {
        let mut depth = 1;
        while depth > 0 {
            match self.bump() {
                None => {
                    self.out.unterminated = Some(Unterminated::BlockComment);
                    return;
                }
                Some('*') if self.peek(0) == Some('/') => {
                    self.bump();
                    depth -= 1;
                }
                Some('/') if self.peek(0) == Some('*') => {
                    self.bump();
                    depth += 1;
                }
                _ => {}
            }
        }
    }

    /// After the opening `"` of a non-raw string.
    fn string(&mut self) {
        loop {
            match self.bump() {
                None => {
                    self.out.unterminated = Some(Unterminated::Str);
                    return;
                }
                Some('\\') => {
                    self.bump();
                }
                Some('"') => return,
                _ => {}
            }
        }
    }

    /// After `r`/`br`/`cr`, at the `#`s or the `"`.
    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            self.bump();
            hashes += 1;
        }
        self.bump(); // the opening quote
        let closer: String = std::iter::once('"')
            .chain(std::iter::repeat_n('#', hashes))
            .collect();
        match self.src[self.pos..].find(&closer) {
            Some(i) => self.pos += i + closer.len(),
            None => {
                self.pos = self.src.len();
                self.out.unterminated = Some(Unterminated::Str);
            }
        }
    }

    /// After a `'`: a char literal (`'a'`, `'\n'`, `'\u{..}'`) or a lifetime/label (`'a`).
    fn quote(&mut self, start: usize) {
        match (self.peek(0), self.peek(1)) {
            (Some('\\'), _) => {
                self.bump();
                self.bump();
                while let Some(c) = self.peek(0) {
                    if c == '\'' || c == '\n' {
                        break;
                    }
                    self.bump();
                }
                if self.peek(0) == Some('\'') {
                    self.bump();
                }
                self.push(Kind::Literal, start);
            }
            (Some(c), Some('\'')) if c != '\n' => {
                self.bump();
                self.bump();
                self.push(Kind::Literal, start);
            }
            (Some(c), _) if is_ident_start(c) => {
                while self.peek(0).is_some_and(is_ident_continue) {
                    self.bump();
                }
                self.push(Kind::Lifetime, start);
            }
            _ => self.push(Kind::Punct, start),
        }
    }

    fn number(&mut self, start: usize) {
        // `1e-3` takes its sign; `0x1e` has no exponent, so `0x1e-3` is a subtraction.
        let hex = self.src[start..].starts_with("0x") || self.src[start..].starts_with("0X");
        let mut prev = ' ';
        while let Some(c) = self.peek(0) {
            let take = is_ident_continue(c)
                || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit()) && prev != '.')
                || ((c == '+' || c == '-') && (prev == 'e' || prev == 'E') && !hex);
            if !take {
                break;
            }
            prev = c;
            self.bump();
        }
    }

    fn ident_or_prefixed_literal(&mut self, first: char, start: usize) {
        // Raw identifier r#name.
        if first == 'r' && self.peek(0) == Some('#') && self.peek(1).is_some_and(is_ident_start) {
            self.bump();
            while self.peek(0).is_some_and(is_ident_continue) {
                self.bump();
            }
            self.push(Kind::Ident, start);
            return;
        }
        while self.peek(0).is_some_and(is_ident_continue) {
            self.bump();
        }
        let word = &self.src[start..self.pos];
        let next = self.peek(0);
        match (word, next) {
            ("r" | "br" | "cr", Some('"' | '#'))
                if next == Some('"') || self.raw_hashes_then_quote() =>
            {
                self.raw_string();
                self.push(Kind::Literal, start);
            }
            ("b" | "c", Some('"')) => {
                self.bump();
                self.string();
                self.push(Kind::Literal, start);
            }
            ("b", Some('\'')) => {
                let q = self.pos;
                self.bump();
                self.quote(q);
                self.out.tokens.pop();
                self.push(Kind::Literal, start);
            }
            _ => self.push(Kind::Ident, start),
        }
    }

    fn raw_hashes_then_quote(&self) -> bool {
        let rest = &self.src[self.pos..];
        let trimmed = rest.trim_start_matches('#');
        trimmed.len() < rest.len() && trimmed.starts_with('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String)> {
        lex(src)
            .tokens
            .iter()
            .map(|t| (t.kind, t.text(src).to_string()))
            .collect()
    }

    #[test]
    fn strings_chars_lifetimes() {
        let src = r##"let s = "a { \" ("; let c = '{'; let e = '\''; fn f<'a>(x: &'a str) {} r#"x " { "#; b'x'; 'l: loop {}"##;
        let lx = lex(src);
        assert!(lx.open.is_empty(), "{:?}", lx.open);
        assert_eq!(lx.mismatch, None);
        assert_eq!(lx.unterminated, None);
        let k = kinds(src);
        assert!(k.contains(&(Kind::Lifetime, "'a".into())));
        assert!(k.contains(&(Kind::Lifetime, "'l".into())));
        assert!(k.contains(&(Kind::Literal, "'{'".into())));
        assert!(k.contains(&(Kind::Literal, "'\\''".into())));
        assert!(k.contains(&(Kind::Literal, "r#\"x \" { \"#".into())));
        assert!(k.contains(&(Kind::Literal, "b'x'".into())));
    }

    #[test]
    fn comments_nest_and_hide_delimiters() {
        let lx = lex("/* ( /* [ */ { */ x // (\n");
        assert!(lx.open.is_empty());
        assert_eq!(
            lex("/* /* */").unterminated,
            Some(Unterminated::BlockComment)
        );
        assert_eq!(lex("\"abc").unterminated, Some(Unterminated::Str));
        assert_eq!(lex("r##\"abc\"#").unterminated, Some(Unterminated::Str));
    }

    #[test]
    fn longest_punct_and_numbers() {
        let k = kinds("a..=b >>= 1.5e-3 0..10 1u8 0x1e-3 2E+4");
        let texts: Vec<&str> = k.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["a", "..=", "b", ">>=", "1.5e-3", "0", "..", "10", "1u8", "0x1e", "-", "3", "2E+4"]
        );
    }

    #[test]
    fn mismatch_and_open() {
        assert!(lex("(]").mismatch.is_some());
        assert_eq!(
            lex("fn f() { (")
                .open
                .iter()
                .map(|o| o.0)
                .collect::<String>(),
            "{("
        );
    }

    #[test]
    fn unicode_is_fine() {
        let lx = lex("let é = \"ü\"; let c = 'ß';");
        assert!(lx.open.is_empty() && lx.unterminated.is_none());
    }
}
