//! `%time` / `%%time`: run code once, print IPython's "CPU times: ... / Wall time: ..." lines.
//!
//! Fast-tier code runs in this process, so its times come from `getrusage` here. Rustc-tier code
//! runs in evcxr's child process: the generated cell measures itself there (the compile time of
//! the cell is not counted, like IPython) and prints one tagged line of raw numbers, which
//! `capture::TagSink` takes out of the stream; the session prints the formatted report.

use std::time::Instant;

use syn::parse::Parser;

use crate::format;

/// User and system CPU seconds of this process.
pub fn cpu_times() -> (f64, f64) {
    // SAFETY: getrusage only writes the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return (0.0, 0.0);
    }
    let secs = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 * 1e-6;
    (secs(ru.ru_utime), secs(ru.ru_stime))
}

/// A running `%time` measurement in this process.
pub struct Stopwatch {
    wall: Instant,
    cpu: (f64, f64),
}

impl Stopwatch {
    pub fn start() -> Self {
        Stopwatch {
            wall: Instant::now(),
            cpu: cpu_times(),
        }
    }

    /// The report IPython prints.
    pub fn report(&self) -> String {
        let wall = self.wall.elapsed().as_secs_f64();
        let (u, s) = cpu_times();
        format::time_report(u - self.cpu.0, s - self.cpu.1, wall)
    }
}

/// Tags the line of raw numbers the rustc-tier cell prints.
pub const TAG: &str = "\u{1}ACCEL_CLOCKS";

/// Where the trailing expression of `body` starts and ends (byte offsets), if it has one.
/// `None` also when the body does not parse: rustc will then say why.
pub fn trailing_expr(body: &str) -> Option<(usize, usize)> {
    let stmts = syn::Block::parse_within.parse_str(body).ok()?;
    let span = match stmts.last()? {
        syn::Stmt::Expr(e, None) => syn::spanned::Spanned::span(e),
        syn::Stmt::Macro(m) if m.semi_token.is_none() => syn::spanned::Spanned::span(&m.mac),
        _ => return None,
    };
    let (start, end) = (span.start(), span.end());
    Some((
        byte_offset(body, start.line, start.column),
        byte_offset(body, end.line, end.column),
    ))
}

/// Byte offset of a (1-based line, 0-based char column) position.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start..];
    line_start
        + rest
            .char_indices()
            .nth(column)
            .map_or(rest.len(), |(i, _)| i)
}

/// The rustc-tier cell for `%time`: `body` runs at top level (its `let`s and items persist, its
/// value is the cell's value), between two readings of the clocks. `assign` binds the value
/// instead (`let x = %time expr`).
pub fn rustc_cell(body: &str, assign: Option<&str>) -> String {
    // getrusage through an extern declaration: std links libc, and evcxr cells need no :dep.
    // Both Linux and macOS start `struct rusage` with two timevals whose fields fit in i64 slots.
    let clocks = "(::std::time::Instant::now(), { \
        fn __accel_cpu() -> (f64, f64) { \
            unsafe extern \"C\" { fn getrusage(who: i32, usage: *mut i64) -> i32; } \
            let mut u = [0i64; 36]; \
            if unsafe { getrusage(0, u.as_mut_ptr()) } != 0 { return (0.0, 0.0); } \
            (u[0] as f64 + (u[1] & 0xffff_ffff) as f64 * 1e-6, u[2] as f64 + (u[3] & 0xffff_ffff) as f64 * 1e-6) \
        } __accel_cpu() })";
    let report = format!(
        "{{ let (__accel_w0, (__accel_u0, __accel_s0)) = __accel_time_start; \
         let (_, (__accel_u1, __accel_s1)) = {clocks}; \
         println!(\"{tag} {{:?}} {{:?}} {{:?}}\", __accel_u1 - __accel_u0, __accel_s1 - __accel_s0, __accel_w0.elapsed().as_secs_f64()); }}",
        tag = TAG.escape_default()
    );
    // Keep the body's lines where they were so rustc's line numbers stay cell-relative.
    // Annotated, so that evcxr persists it without having to infer the type.
    let mut out =
        format!("let __accel_time_start: (::std::time::Instant, (f64, f64)) = {clocks}; ");
    let value = match assign {
        Some(_) => None,
        None => trailing_expr(body),
    };
    match (assign, value) {
        (Some(name), _) => {
            out.push_str(&format!("let {name} = {{ {body}\n}};\n{report};"));
        }
        (None, Some((start, end))) => {
            // The value stays the cell's trailing expression (a block), so evcxr displays it and
            // never has to persist or move a variable holding it.
            out.push_str(&body[..start]);
            out.push_str("{ let __accel_time_value = { ");
            out.push_str(&body[start..end]);
            out.push_str(" };");
            out.push_str(&body[end..]);
            out.push_str(&format!("\n{report}\n__accel_time_value }}"));
        }
        (None, None) => {
            // `;`: the report block is a statement, so the cell has no value (not even `()`).
            out.push_str(body);
            out.push_str(&format!("\n{report};"));
        }
    }
    out
}

/// Parse `user sys wall` (the captured line, tag removed).
pub fn parse_payload(rest: &str) -> Option<(f64, f64, f64)> {
    let mut it = rest.split_whitespace().map(|s| s.parse::<f64>().ok());
    let t = (it.next()??, it.next()??, it.next()??);
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_trailing_expressions() {
        let body = "let x = 1;\nfn f() -> i32 { 2 }\nx + f()\n";
        let (s, e) = trailing_expr(body).unwrap();
        assert_eq!(&body[s..e], "x + f()");
        let body = "let v = vec![1];\nif v.len() > 0 { 'é' } else { 'b' }";
        let (s, e) = trailing_expr(body).unwrap();
        assert_eq!(&body[s..e], "if v.len() > 0 { 'é' } else { 'b' }");
        let body = "let é = 1;\n  vec![é, 2]";
        let (s, e) = trailing_expr(body).unwrap();
        assert_eq!(&body[s..e], "vec![é, 2]");
        assert_eq!(trailing_expr("let x = 1;"), None);
        assert_eq!(trailing_expr("f();\nfn g() {}"), None);
        assert_eq!(trailing_expr("let x = ;"), None);
    }

    #[test]
    fn rustc_cell_keeps_the_value_last() {
        let cell = rustc_cell("let x = 1;\nx + 1", None);
        assert!(cell.starts_with("let __accel_time_start: (::std::time::Instant, (f64, f64)) = "));
        // Line 2 of the body is still line 2.
        assert_eq!(
            cell.lines().nth(1).unwrap(),
            "{ let __accel_time_value = { x + 1 };"
        );
        assert!(cell.trim_end().ends_with("__accel_time_value }"));
        let cell = rustc_cell("f()", Some("y"));
        assert!(cell.contains("let y = { f()\n};"));
        assert!(!cell.contains("__accel_time_value"));
    }

    #[test]
    fn payload_parses() {
        assert_eq!(parse_payload(" 0.5 0.25 1.0"), Some((0.5, 0.25, 1.0)));
        assert_eq!(parse_payload("0.5 x 1.0"), None);
        assert_eq!(parse_payload("0.5"), None);
        assert!(TAG.starts_with(crate::capture::TAG_START));
    }

    #[test]
    fn stopwatch_counts_cpu() {
        let sw = Stopwatch::start();
        let mut x = 0u64;
        for i in 0..3_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let rep = sw.report();
        assert!(
            rep.starts_with("CPU times: user ") && rep.contains("\nWall time: "),
            "{rep}"
        );
        // The kernel accounts CPU time by ticks: a few ms of work may still read 0 on a fast
        // machine. Keep working (at most 2 s) until user time shows.
        let t0 = std::time::Instant::now();
        while cpu_times().0 == 0.0 && t0.elapsed().as_secs_f64() < 2.0 {
            for i in 0..1_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
        }
        assert!(
            cpu_times().0 > 0.0,
            "no user CPU time after {:?} of work",
            t0.elapsed()
        );
    }
}
