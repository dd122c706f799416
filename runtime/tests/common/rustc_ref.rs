//! The reference: the same cell compiled by rustc with release semantics
//! (`-C opt-level=3 -C overflow-checks=off -C debug-assertions=off`).
//!
//! Many cells go into one crate (one `mod pK` each) so that rustc runs once per batch; each
//! cell then runs in its own process (`bin K`), so a panic or a crash ends only that cell.
//! Inside `mod pK`, the cell's lines keep their line numbers: the cell starts right after the
//! `mod pK {` line and `pub fn main() {` is put in front of the first top-level statement,
//! so a panic location maps back to a cell line by subtraction.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A cell split the way the reference needs it.
#[derive(Debug, Clone)]
pub struct RefCase {
    /// The `%%jit` cell text: items first, then top-level statements.
    pub cell: String,
    /// 1-based line of the first top-level statement (everything before it is items).
    pub main_line: usize,
    /// The last line is a trailing expression whose `{:?}` the fast tier must return.
    pub trailing_expr: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefRun {
    pub stdout: String,
    /// What the program wrote to stderr (eprint!), without the harness's markers.
    pub stderr: String,
    /// (cell line, or 0 when the panic location is not in the cell; message).
    pub panic: Option<(usize, String)>,
    pub value: Option<String>,
    /// Exit status text when the process neither exited 0 nor panicked (a crash, a timeout).
    pub abnormal: Option<String>,
}

const HEADER: &str = r#"#![allow(warnings, arithmetic_overflow, unconditional_panic, unused)]
fn __accel_value<T: std::fmt::Debug>(v: &T) { eprint!("\u{1}<<accel:VALUE:{:?}:accel>>\u{1}", v); }
"#;

const DISPATCH_PRELUDE: &str = r#"fn main() {
    std::panic::set_hook(Box::new(|info| {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let msg = info.payload_as_str().unwrap_or("<non-string payload>");
        let (file, line) = info.location().map(|l| (l.file().to_string(), l.line())).unwrap_or_default();
        eprint!("\u{1}<<accel:PANIC:{}:{}:{}:accel>>\u{1}", file.replace(':', "_"), line, msg);
    }));
    let k: usize = std::env::args().nth(1).expect("case index").parse().expect("case index");
    match k {
"#;

/// Builds the crate source for `cases`; returns it and, per case, the file line just before
/// the cell's first line (cell line = file line - offset).
pub fn crate_source(cases: &[RefCase]) -> (String, Vec<usize>) {
    let mut src = String::from(HEADER);
    let mut offsets = Vec::new();
    for (k, c) in cases.iter().enumerate() {
        let _ = writeln!(src, "mod p{k} {{ use super::__accel_value;");
        offsets.push(src.lines().count());
        let lines: Vec<&str> = c.cell.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            let mut l = line.to_string();
            if c.trailing_expr && n == lines.len() {
                l = format!("{{ let __v = {l}; __accel_value(&__v); }}");
            }
            if n == c.main_line {
                l = format!("pub fn main() {{ {l}");
            }
            let _ = writeln!(src, "{l}");
        }
        if c.main_line > lines.len() {
            src.push_str("pub fn main() {\n");
        }
        src.push_str("}\n}\n");
    }
    src.push_str(DISPATCH_PRELUDE);
    for k in 0..cases.len() {
        let _ = writeln!(src, "        {k} => p{k}::main(),");
    }
    src.push_str("        _ => unreachable!(),\n    }\n}\n");
    (src, offsets)
}

pub fn rustc_release(src_path: &Path, out: &Path) -> Result<(), String> {
    let o = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args([
            "--edition",
            "2021",
            "-C",
            "opt-level=3",
            "-C",
            "overflow-checks=off",
            "-C",
            "debug-assertions=off",
        ])
        .args(["-C", "codegen-units=4", "-o"])
        .arg(out)
        .arg(src_path)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

/// Compiles `cases` as one crate in `dir` (named `name`) and runs each case.
pub fn run_batch(
    dir: &Path,
    name: &str,
    cases: &[RefCase],
    timeout: Duration,
) -> Result<Vec<RefRun>, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let (src, offsets) = crate_source(cases);
    let src_path = dir.join(format!("{name}.rs"));
    std::fs::write(&src_path, &src).map_err(|e| e.to_string())?;
    let bin = dir.join(name);
    rustc_release(&src_path, &bin)?;
    let file_name = src_path.to_string_lossy().replace(':', "_");
    Ok((0..cases.len())
        .map(|k| run_case(&bin, dir, k, offsets[k], &file_name, timeout))
        .collect())
}

fn run_case(
    bin: &Path,
    dir: &Path,
    k: usize,
    offset: usize,
    src_file: &str,
    timeout: Duration,
) -> RefRun {
    let out_path: PathBuf = dir.join(format!("case{k}.out"));
    let err_path: PathBuf = dir.join(format!("case{k}.err"));
    let spawn = Command::new(bin)
        .arg(k.to_string())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn();
    let mut child = match spawn {
        Ok(c) => c,
        Err(e) => {
            return RefRun {
                stdout: String::new(),
                stderr: String::new(),
                panic: None,
                value: None,
                abnormal: Some(format!("spawn: {e}")),
            }
        }
    };
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(_) => break None,
        }
    };
    let stdout =
        String::from_utf8_lossy(&std::fs::read(&out_path).unwrap_or_default()).into_owned();
    let stderr =
        String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    let mut run = RefRun {
        stdout,
        stderr: String::new(),
        panic: None,
        value: None,
        abnormal: None,
    };
    // Markers are `\u{1}<<accel:KIND:...:accel>>\u{1}` (a program may print \u{1} itself).
    let (open, close) = ("\u{1}<<accel:", ":accel>>\u{1}");
    let mut markers = Vec::new();
    let mut rest = stderr.as_str();
    while let Some(a) = rest.find(open) {
        run.stderr.push_str(&rest[..a]);
        let after = &rest[a + open.len()..];
        let b = after.find(close).unwrap_or(after.len());
        markers.push(after[..b].to_string());
        rest = after.get(b + close.len()..).unwrap_or("");
    }
    run.stderr.push_str(rest);
    for chunk in &markers {
        if let Some(v) = chunk.strip_prefix("VALUE:") {
            run.value = Some(v.to_string());
        } else if let Some(p) = chunk.strip_prefix("PANIC:") {
            let mut it = p.splitn(3, ':');
            let file = it.next().unwrap_or("");
            let line: usize = it.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let msg = it.next().unwrap_or("").to_string();
            let cell_line = if file == src_file && line > offset {
                line - offset
            } else {
                0
            };
            run.panic = Some((cell_line, msg));
        }
    }
    match status {
        Some(s) if s.success() => {}
        Some(s) if s.code() == Some(101) && run.panic.is_some() => {}
        Some(s) => run.abnormal = Some(format!("{s}; stderr: {stderr}")),
        None => run.abnormal = Some(format!("timed out after {timeout:?}")),
    }
    run
}
