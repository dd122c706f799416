//! Type and borrow errors as fixtures (`tests/diag/*.cells`), each program carrying its
//! expected diagnostic inline, under the line it points at:
//! ```text
//! // ==== arr mut then shared
//!     let mut a = [1i64, 2, 3];
//!     let r = &mut a;
//!     let s = &a;
//! //          ^^ error[E0502]: cannot borrow `a` as immutable because it is also borrowed as mutable
//!     r[0] = 5;
//! ```
//! The carets are the fast tier's span (its first diagnostic), the text its first rendered line.
//! Each program is also compiled by real rustc, which must report an error at the same line and
//! column with the same code and message (rustc's short form, optionally with the primary
//! label). Carets must start at column 3 or later, after the `//`: top-level statements are
//! indented for that.
//!
//! After an intended change, `ACCEL_BLESS=1` rewrites the carets and messages from the fast
//! tier's output; the comparison with rustc still runs and still fails the test.
//!     cargo test --release -p accel-runtime --test diagnostic_fixtures

mod common;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use common::rendered::check_rendered;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const PROGRAM: &str = "// ==== ";

#[derive(Debug, Clone, PartialEq)]
struct Note {
    /// 1-based line of the cell, column and length in chars.
    line: usize,
    col: usize,
    len: usize,
    message: String,
}

struct Program {
    name: String,
    code: Vec<String>,
    notes: Vec<Note>,
}

/// A caret line: `//`, spaces, carets, the message.
fn note_of(line: &str, code_line: usize) -> Option<Note> {
    let rest = line.trim_start().strip_prefix("//")?;
    if !rest.trim_start().starts_with('^') {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let first = chars.iter().position(|&c| c == '^')?;
    let len = chars[first..].iter().take_while(|&&c| c == '^').count();
    let message: String = chars[first + len..].iter().collect();
    Some(Note {
        line: code_line,
        col: first + 1,
        len,
        message: message.trim().to_string(),
    })
}

fn parse(text: &str) -> Result<(Vec<String>, Vec<Program>), String> {
    let mut header = vec![];
    let mut progs: Vec<Program> = vec![];
    for l in text.lines() {
        if let Some(name) = l.strip_prefix(PROGRAM) {
            progs.push(Program {
                name: name.trim().to_string(),
                code: vec![],
                notes: vec![],
            });
            continue;
        }
        let Some(p) = progs.last_mut() else {
            header.push(l.to_string());
            continue;
        };
        match note_of(l, p.code.len()) {
            Some(_) if p.code.is_empty() => {
                return Err(format!("[{}] carets before any code", p.name))
            }
            Some(n) => p.notes.push(n),
            None => p.code.push(l.to_string()),
        }
    }
    Ok((header, progs))
}

fn caret_line(n: &Note) -> Result<String, String> {
    if n.col < 3 {
        return Err(format!(
            "a span at column {} leaves no room for `//` before the carets: indent the line",
            n.col
        ));
    }
    Ok(format!(
        "//{}{} {}",
        " ".repeat(n.col - 3),
        "^".repeat(n.len),
        n.message
    ))
}

fn render(header: &[String], progs: &[Program]) -> Result<String, String> {
    let mut out = String::new();
    for h in header {
        out.push_str(h);
        out.push('\n');
    }
    for p in progs {
        out.push_str(PROGRAM);
        out.push_str(&p.name);
        out.push('\n');
        for (i, l) in p.code.iter().enumerate() {
            out.push_str(l);
            out.push('\n');
            for n in p.notes.iter().filter(|n| n.line == i + 1) {
                out.push_str(&caret_line(n)?);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// The fast tier's first diagnostic as a note, with its primary label (what follows the
/// carets in the rendered text), or why there is none.
fn fast_note(cell: &str) -> Result<(Note, String), String> {
    let ds = match fast::run_one(cell, &JitOptions::default(), Duration::from_secs(20)) {
        CellOutcome::Ran {
            result: Err(Failure::Compile(ds)),
            ..
        } if !ds.is_empty() => ds,
        o => return Err(format!("expected a refusal, got: {}", o.describe())),
    };
    let d = &ds[0];
    std::panic::catch_unwind(|| check_rendered(d, cell)).map_err(|p| fast::panic_text(&*p))?;
    let line_chars = cell.lines().nth(d.line - 1).unwrap_or("").chars().count();
    let end = if d.end_line == d.line {
        d.end_col
    } else {
        line_chars + 1
    };
    let label = d
        .rendered
        .lines()
        .find_map(|l| {
            l.split_once('^')
                .map(|(_, r)| r.trim_start_matches('^').trim().to_string())
        })
        .unwrap_or_default();
    let head = d.rendered.lines().next().unwrap_or("").to_string();
    let note = Note {
        line: d.line,
        col: d.col,
        len: end.saturating_sub(d.col).max(1),
        message: head,
    };
    Ok((note, label))
}

/// The cell as a program for rustc: its fns, then `fn main() {` on a line of its own before
/// the first statement (so rustc's lines after it are one more than the cell's).
fn as_program(cell: &str) -> (String, usize) {
    let mut depth = 0i32;
    let mut main_line = None;
    let mut src = String::new();
    for (i, l) in cell.lines().enumerate() {
        if depth == 0 && main_line.is_none() && !l.starts_with("fn ") && !l.trim().is_empty() {
            main_line = Some(i + 1);
            src.push_str("fn main() {\n");
        }
        if main_line.is_none() {
            depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
        }
        src.push_str(l);
        src.push('\n');
    }
    if main_line.is_some() {
        src.push_str("}\n");
    } else {
        src.push_str("fn main() {}\n");
    }
    (src, main_line.unwrap_or(usize::MAX))
}

/// rustc's errors for `cell`: (cell line, col, `error[CODE]: message[: label]`).
fn rustc_errors(cell: &str, dir: &Path, k: usize) -> Vec<(usize, usize, String)> {
    let (src, main_line) = as_program(cell);
    let path = dir.join(format!("fx{k}.rs"));
    std::fs::write(&path, &src).unwrap();
    let o = Command::new("rustc")
        .args([
            "--edition",
            "2021",
            "--error-format=short",
            "--emit=metadata",
            "-o",
        ])
        .arg(dir.join(format!("fx{k}.rmeta")))
        .arg(&path)
        .output()
        .expect("rustc");
    let err = String::from_utf8_lossy(&o.stderr);
    let mut out = vec![];
    for l in err.lines() {
        // `path:L:C: error[E0308]: mismatched types`
        let Some(rest) = l.strip_prefix(&format!("{}:", path.display())) else {
            continue;
        };
        let mut it = rest.splitn(3, ':');
        let (Some(ln), Some(c), Some(msg)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        if !msg.trim_start().starts_with("error") {
            continue;
        }
        let (ln, c): (usize, usize) = (ln.parse().unwrap(), c.parse().unwrap());
        let cell_line = if ln > main_line { ln - 1 } else { ln };
        out.push((cell_line, c, msg.trim().to_string()));
    }
    out
}

/// Checks one program (with `bless`, takes the fast tier's note); returns what did not hold.
fn check(p: &mut Program, bless: bool, dir: &Path, k: usize) -> Vec<String> {
    let cell = p.code.join("\n") + "\n";
    let mut fails = vec![];
    let (got, label) = match fast_note(&cell) {
        Ok(g) => g,
        Err(e) => return vec![e],
    };
    if bless {
        p.notes = vec![got.clone()];
    } else if p.notes != [got.clone()] {
        let show = |n: &Note| caret_line(n).unwrap_or_else(|e| e);
        let want: Vec<String> = p.notes.iter().map(show).collect();
        fails.push(format!(
            "expected (under line {}):\n{}\nthe fast tier says (under line {}):\n{}",
            p.notes.first().map_or(0, |n| n.line),
            want.join("\n"),
            got.line,
            show(&got)
        ));
    }
    let rustc = rustc_errors(&cell, dir, k);
    if rustc.is_empty() {
        fails.push("rustc accepts the program: it is no fixture of an error".into());
    }
    let same_place = rustc
        .iter()
        .find(|(l, c, _)| *l == got.line && *c == got.col);
    match same_place {
        None => fails.push(format!(
            "the fast tier points at {}:{}, rustc at {rustc:?}",
            got.line, got.col
        )),
        Some((_, _, m)) if *m != got.message && *m != format!("{}: {label}", got.message) => {
            fails.push(format!("rustc says `{m}`, the fast tier `{}`", got.message))
        }
        Some(_) => {}
    }
    fails
}

fn files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diag");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cells"))
        .collect();
    v.sort();
    v
}

#[test]
fn diagnostics_are_where_the_carets_say_and_where_rustc_says() {
    let bless = std::env::var_os("ACCEL_BLESS").is_some_and(|v| v != "0");
    let dir = common::scratch_dir("diag-fixtures");
    let mut failures = vec![];
    let mut total = 0;
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let fname = f.file_name().unwrap().to_string_lossy().to_string();
        let (header, mut progs) = parse(&text).unwrap_or_else(|e| panic!("{fname}: {e}"));
        total += progs.len();
        // rustc runs take most of the time: one thread per core.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = progs.len().div_ceil(threads).max(1);
        let results: Vec<Vec<(String, Vec<String>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = progs
                .chunks_mut(chunk)
                .enumerate()
                .map(|(t, ps)| {
                    let dir = &dir;
                    s.spawn(move || {
                        ps.iter_mut()
                            .enumerate()
                            .map(|(i, p)| (p.name.clone(), check(p, bless, dir, t * chunk + i)))
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for (name, fails) in results.into_iter().flatten() {
            for e in fails {
                failures.push(format!("{fname} [{name}] {e}"));
            }
        }
        if bless {
            let new = render(&header, &progs).unwrap_or_else(|e| panic!("{fname}: {e}"));
            if new != text {
                std::fs::write(&f, new).unwrap();
                eprintln!("blessed {fname}");
            }
        }
    }
    assert!(total > 0, "no programs in tests/diag/*.cells");
    assert!(
        failures.is_empty(),
        "{} of {total} programs:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn fixtures_round_trip_and_carry_one_note_each() {
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let (header, progs) = parse(&text).unwrap();
        assert_eq!(render(&header, &progs).unwrap(), text, "{}", f.display());
        for p in &progs {
            assert_eq!(p.notes.len(), 1, "{} [{}]", f.display(), p.name);
        }
    }
}

#[test]
fn caret_lines_read_back() {
    let n = note_of("//      ^^ error[E0502]: cannot borrow", 3).unwrap();
    assert_eq!(
        n,
        Note {
            line: 3,
            col: 9,
            len: 2,
            message: "error[E0502]: cannot borrow".into()
        }
    );
    assert_eq!(
        caret_line(&n).unwrap(),
        "//      ^^ error[E0502]: cannot borrow"
    );
    assert!(note_of("    let x = 1; // ^ not a note", 1).is_none());
}
