//! `%timeit`: IPython's algorithm, the `TimeitResult` it returns, and the self-timing rustc-tier
//! cell. The fast tier runs the same algorithm through `measure` (each measurement is one compiled
//! loop); the rustc tier runs it inside one generated evcxr cell (`rustc_cell`) that prints the
//! raw numbers on one tagged line (see `capture`). Either way the printed line comes from `format::timeit_line`.

use crate::format;

/// What `%timeit -o` returns (IPython's `TimeitResult`): times in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeitResult {
    /// Loops per run.
    pub loops: u64,
    /// Number of runs.
    pub repeat: usize,
    /// Best and worst time per loop.
    pub best: f64,
    pub worst: f64,
    /// Total time of each run.
    pub all_runs: Vec<f64>,
    /// Time per loop of each run.
    pub timings: Vec<f64>,
    pub average: f64,
    pub stdev: f64,
    /// Time spent compiling the timing code.
    pub compile_time: f64,
    pub precision: usize,
}

/// IPython prints the compile time when it exceeds this.
const COMPILE_TIME_SHOWN: f64 = 0.1;

impl TimeitResult {
    pub fn new(loops: u64, all_runs: Vec<f64>, compile_time: f64, precision: usize) -> Self {
        let loops = loops.max(1);
        let timings: Vec<f64> = all_runs.iter().map(|dt| dt / loops as f64).collect();
        let best = timings.iter().copied().fold(f64::INFINITY, f64::min);
        let worst = timings.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (average, stdev) = format::mean_stdev(&timings);
        TimeitResult {
            loops,
            repeat: all_runs.len(),
            best,
            worst,
            all_runs,
            timings,
            average,
            stdev,
            compile_time,
            precision,
        }
    }

    /// `str(result)`: the line IPython prints.
    pub fn line(&self) -> String {
        format::timeit_line(
            self.average,
            self.stdev,
            self.repeat,
            self.loops,
            self.precision,
        )
    }

    /// `repr(result)` as IPython's pretty printer shows it.
    pub fn repr(&self) -> String {
        format!("<TimeitResult : {}>", self.line())
    }

    /// What `%timeit` prints unless `-q`: the caching warning, the line, the compile time.
    pub fn report(&self) -> String {
        let mut out = String::new();
        if let Some(w) = format::slowest_warning(self.best, self.worst) {
            out.push_str(&w);
            out.push('\n');
        }
        out.push_str(&self.line());
        out.push('\n');
        if self.compile_time > COMPILE_TIME_SHOWN {
            out.push_str(&format!("Compiler time: {:.2} s\n", self.compile_time));
        }
        out
    }

    /// A Rust expression that rebuilds this value as the rustc tier's `TimeitResult`.
    pub fn rust_literal(&self) -> String {
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "TimeitResult {{ loops: {}u64, repeat: {}usize, best: {:?}f64, worst: {:?}f64, all_runs: vec![{}], \
             timings: vec![{}], average: {:?}f64, stdev: {:?}f64, compile_time: {:?}f64, summary: {:?}.to_string() }}",
            self.loops,
            self.repeat,
            self.best,
            self.worst,
            list(&self.all_runs),
            list(&self.timings),
            self.average,
            self.stdev,
            self.compile_time,
            self.line()
        )
    }
}

/// The type `%timeit -o` values have in the rustc tier, defined there once. Its `{:?}` is
/// IPython's repr, so evaluating the variable later shows `<TimeitResult : ...>`.
pub const RUSTC_STRUCT: &str = r#"#[derive(Clone, PartialEq)]
pub struct TimeitResult {
    pub loops: u64,
    pub repeat: usize,
    pub best: f64,
    pub worst: f64,
    pub all_runs: Vec<f64>,
    pub timings: Vec<f64>,
    pub average: f64,
    pub stdev: f64,
    pub compile_time: f64,
    pub summary: String,
}
impl std::fmt::Debug for TimeitResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<TimeitResult : {}>", self.summary)
    }
}
impl std::fmt::Display for TimeitResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)
    }
}
"#;

/// IPython's `timeit`: with `number == None`, try 1, 10, 100, ... loops until one measurement
/// takes at least 0.2 s (at most 10^9), then do `repeat` runs of that many loops.
/// `time(n)` runs the code `n` times and returns the elapsed seconds.
pub fn measure<E>(
    number: Option<u64>,
    repeat: u32,
    mut time: impl FnMut(u64) -> Result<f64, E>,
) -> Result<(u64, Vec<f64>), E> {
    let number = match number {
        Some(n) if n > 0 => n,
        _ => autorange(&mut time)?,
    };
    let mut runs = Vec::with_capacity(repeat as usize);
    for _ in 0..repeat {
        runs.push(time(number)?);
    }
    Ok((number, runs))
}

/// The loop count IPython settles on (see `measure`).
pub fn autorange<E>(mut time: impl FnMut(u64) -> Result<f64, E>) -> Result<u64, E> {
    let mut number = 1;
    for index in 0..10 {
        number = 10u64.pow(index);
        if time(number)? >= 0.2 {
            break;
        }
    }
    Ok(number)
}

/// Marks the line of raw numbers the rustc-tier timing cell prints.
pub const TAG: &str = "\u{1}ACCEL_TIMEIT";

/// One evcxr cell that runs `measure` itself: the timed loop is compiled (with `black_box` so the
/// optimizer keeps the work), setup runs before each measurement like IPython's `inner()`, and the
/// cell prints `<TAG> <loops> <seconds in cell> [<run>, ...]` (the cell has no value).
///
/// The user's code keeps its line numbers: `setup` sits on the first line (with the preamble),
/// and in cell mode (`setup_line`, the `%%timeit` line) the body starts on the next line; in line
/// mode the statement shares the first line. The caller pads the cell down to the magic's line,
/// so rustc's diagnostics point at the user's own lines.
pub fn rustc_cell(
    setup: &str,
    stmt: &str,
    number: Option<u64>,
    repeat: u32,
    setup_line: bool,
) -> String {
    let number = number.unwrap_or(0);
    let setup = setup.trim();
    let setup_end = if setup.is_empty() || setup.ends_with(';') || setup.ends_with('}') {
        ""
    } else {
        ";"
    };
    let body_sep = if setup_line { "\n" } else { " " };
    format!(
        "{{ let __accel_cell_t0 = ::std::time::Instant::now(); \
         #[allow(unused_mut, unused_variables, unused_assignments)] \
         let mut __accel_inner = |__accel_n: u64| -> f64 {{ {setup}{setup_end}{body_sep}\
         let __accel_t0 = ::std::time::Instant::now(); \
         for _ in 0..__accel_n {{ ::std::hint::black_box({{ {stmt}
}}); }}
    __accel_t0.elapsed().as_secs_f64()
}};
let mut __accel_number: u64 = {number};
if __accel_number == 0 {{
    for __accel_index in 0..10u32 {{
        __accel_number = 10u64.pow(__accel_index);
        if __accel_inner(__accel_number) >= 0.2 {{
            break;
        }}
    }}
}}
let mut __accel_runs: Vec<f64> = Vec::with_capacity({repeat});
for _ in 0..{repeat}u32 {{
    __accel_runs.push(__accel_inner(__accel_number));
}}
println!(\"{tag} {{}} {{:?}} {{:?}}\", __accel_number, __accel_cell_t0.elapsed().as_secs_f64(), __accel_runs);
}};",
        tag = TAG.escape_default()
    )
}

/// The numbers the timing cell sent back: (loops, seconds spent inside the cell, runs).
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    pub loops: u64,
    pub in_cell: f64,
    pub runs: Vec<f64>,
}

/// Read the numbers from the captured line (tag removed).
pub fn parse_payload(text: &str) -> Option<Payload> {
    let rest = text.trim();
    let (loops, rest) = rest.split_once(' ')?;
    let (in_cell, rest) = rest.split_once(' ')?;
    let list = rest.trim();
    let list = list.strip_prefix('[')?.strip_suffix(']')?;
    let runs = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok())
        .collect::<Option<Vec<f64>>>()?;
    Some(Payload {
        loops: loops.parse().ok()?,
        in_cell: in_cell.parse().ok()?,
        runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A fake clock: the code costs `per_loop` seconds per iteration.
    fn fake(per_loop: f64, calls: &RefCell<Vec<u64>>) -> impl FnMut(u64) -> Result<f64, ()> + '_ {
        move |n| {
            calls.borrow_mut().push(n);
            Ok(per_loop * n as f64)
        }
    }

    #[test]
    fn autorange_grows_by_ten_until_point_two_seconds() {
        let calls = RefCell::new(vec![]);
        assert_eq!(autorange(fake(3e-5, &calls)), Ok(10_000)); // 1e4 loops take 0.3 s
        assert_eq!(*calls.borrow(), vec![1, 10, 100, 1000, 10_000]);
        let calls = RefCell::new(vec![]);
        assert_eq!(autorange(fake(2e-5, &calls)), Ok(10_000)); // exactly 0.2 s counts
        let calls = RefCell::new(vec![]);
        assert_eq!(autorange(fake(1.0, &calls)), Ok(1));
        assert_eq!(*calls.borrow(), vec![1]);
        // Never slow enough: stops at 10^9 after ten tries, like IPython's range(0, 10).
        let calls = RefCell::new(vec![]);
        assert_eq!(autorange(fake(1e-12, &calls)), Ok(1_000_000_000));
        assert_eq!(calls.borrow().len(), 10);
    }

    #[test]
    fn measure_repeats_and_honours_n() {
        let calls = RefCell::new(vec![]);
        let (n, runs) = measure(Some(5), 3, fake(0.01, &calls)).unwrap();
        assert_eq!((n, runs.len()), (5, 3));
        assert_eq!(*calls.borrow(), vec![5, 5, 5]);
        let calls = RefCell::new(vec![]);
        let (n, runs) = measure(None, 7, fake(0.003, &calls)).unwrap();
        assert_eq!((n, runs.len()), (100, 7));
        assert_eq!(calls.borrow().len(), 3 + 7);
        // Errors stop the measurement.
        let mut k = 0;
        let r = measure(None, 7, |_| {
            k += 1;
            if k == 2 {
                Err("boom")
            } else {
                Ok(0.0)
            }
        });
        assert_eq!(r, Err("boom"));
    }

    #[test]
    fn result_statistics_and_report() {
        let r = TimeitResult::new(
            1000,
            vec![0.0682, 0.0682, 0.0682, 0.0682, 0.0682, 0.0682, 0.0682],
            0.0,
            3,
        );
        assert_eq!(r.repeat, 7);
        assert!((r.best - 68.2e-6).abs() < 1e-15 && (r.worst - 68.2e-6).abs() < 1e-15);
        assert_eq!(r.line(), "68.2 \u{3bc}s \u{b1} 0 ns per loop (mean \u{b1} std. dev. of 7 runs, 1,000 loops each)");
        assert_eq!(r.report(), format!("{}\n", r.line()));
        assert_eq!(r.repr(), format!("<TimeitResult : {}>", r.line()));
        let r = TimeitResult::new(1, vec![1.0, 5.0], 0.25, 3);
        let rep = r.report();
        assert!(
            rep.starts_with("The slowest run took 5.00 times longer than the fastest."),
            "{rep}"
        );
        assert!(
            rep.ends_with(
                "per loop (mean \u{b1} std. dev. of 2 runs, 1 loop each)\nCompiler time: 0.25 s\n"
            ),
            "{rep}"
        );
        assert_eq!((r.average, r.stdev), (3.0, 2.0));
    }

    #[test]
    fn payload_roundtrip() {
        let p = parse_payload(" 1000 1.25 [0.001, 2.5e-5, 0.1]").unwrap();
        assert_eq!(
            p,
            Payload {
                loops: 1000,
                in_cell: 1.25,
                runs: vec![0.001, 2.5e-5, 0.1]
            }
        );
        assert_eq!(parse_payload("something else"), None);
        assert_eq!(parse_payload("x 1 []"), None);
        assert_eq!(parse_payload("1 1 [0.5, oops]"), None);
        assert!(TAG.starts_with(crate::capture::TAG_START));
    }

    #[test]
    fn user_code_keeps_its_lines() {
        let cell = rustc_cell("", "f(1)", None, 7, false);
        assert!(
            cell.lines().next().unwrap().ends_with("black_box({ f(1)"),
            "{cell}"
        );
        let cell = rustc_cell(
            "let v = vec![1]",
            "v.len();\nv.iter().sum::<i32>()",
            Some(5),
            2,
            true,
        );
        let lines: Vec<&str> = cell.lines().collect();
        assert!(lines[0].ends_with("let v = vec![1];"), "{cell}");
        assert!(lines[1].ends_with("black_box({ v.len();"), "{cell}");
        assert_eq!(lines[2], "v.iter().sum::<i32>()");
        assert!(
            cell.contains("let mut __accel_number: u64 = 5;") && cell.contains("for _ in 0..2u32")
        );
    }

    #[test]
    fn rust_literal_mentions_every_field() {
        let r = TimeitResult::new(10, vec![0.5, 0.25], 1.5, 3);
        let lit = r.rust_literal();
        for field in [
            "loops: 10u64",
            "repeat: 2usize",
            "best: 0.025f64",
            "worst: 0.05f64",
            "all_runs: vec![0.5, 0.25]",
            "compile_time: 1.5f64",
        ] {
            assert!(lit.contains(field), "{field} not in {lit}");
        }
        for field in [
            "loops",
            "repeat",
            "best",
            "worst",
            "all_runs",
            "timings",
            "average",
            "stdev",
            "compile_time",
            "summary",
        ] {
            assert!(RUSTC_STRUCT.contains(&format!("pub {field}:")), "{field}");
        }
    }
}
