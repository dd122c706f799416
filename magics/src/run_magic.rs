//! Running each magic: the session methods behind `%timeit`, `%time`, `%%jit`, `%%rust`,
//! `%annotate`, `%lsmagic` and `%who`.

use std::sync::atomic::Ordering;
use std::time::Instant;

use accel_runtime::{Dump, JitOptions, OptLevel};

use crate::args::{self, DumpKind, OnOff, Opt, Parsed};
use crate::capture::TagSink;
use crate::format;
use crate::grammar::MagicCall;
use crate::output::{failure_to_error, text_bundle, value_bundle, SinkOutput};
use crate::registry;
use crate::session::{at_line, Session};
use crate::tier::{CellError, MimeBundle, Sink, StreamName};
use crate::time::{self as timecmd, Stopwatch};
use crate::timeit::{self, TimeitResult};

type CellResult = Result<Option<MimeBundle>, CellError>;

/// What `%timeit` times: `setup` (cell mode: the rest of the `%%timeit` line) and `stmt`, which
/// starts on cell line `line` (cell mode: the body, on the lines after it).
#[derive(Clone, Copy)]
struct Timed<'a> {
    setup: &'a str,
    stmt: &'a str,
    line: usize,
    cell_mode: bool,
}

/// Parse a magic's arguments; `--help` prints the usage and ends the magic.
macro_rules! parse_or_help {
    ($ty:ty, $display:expr, $args:expr, $sink:expr) => {
        match args::parse::<$ty>(&$display, $args)? {
            Parsed::Run(a, code) => (a, code),
            Parsed::Help(text) => {
                $sink.stream(StreamName::Stdout, &text);
                return Ok(None);
            }
        }
    };
}

impl Session {
    pub(crate) fn line_magic(&mut self, call: &MagicCall, sink: &dyn Sink) -> CellResult {
        if registry::lookup(&call.name, false).is_none() {
            return Err(registry::unknown(&call.name, false));
        }
        let display = format!("%{}", call.name);
        if call.assign.is_some() && !matches!(call.name.as_str(), "timeit" | "time") {
            return Err(CellError::new(
                "UsageError",
                format!("`{display}` has no value to assign to a variable"),
            ));
        }
        let assign = call.assign.as_deref();
        match call.name.as_str() {
            "timeit" => {
                let (a, code) = parse_or_help!(args::TimeitArgs, display, &call.args, sink);
                self.timeit(
                    &a,
                    &Timed {
                        setup: "",
                        stmt: &code,
                        line: call.line,
                        cell_mode: false,
                    },
                    assign,
                    sink,
                )
            }
            "time" => {
                let (_, code) = parse_or_help!(args::TimeArgs, display, &call.args, sink);
                self.time(&code, call.line, assign, sink)
            }
            "annotate" => {
                let (a, _) = parse_or_help!(args::AnnotateArgs, display, &call.args, sink);
                let ann = self
                    .fast
                    .annotate(&a.name)
                    .map_err(|e| CellError::new("NameError", e))?;
                let mut b = MimeBundle::new();
                b.insert("text/html".into(), ann.html.into());
                b.insert("text/plain".into(), ann.text.into());
                Ok(Some(b))
            }
            "lsmagic" => {
                parse_or_help!(args::LsmagicArgs, display, &call.args, sink);
                Ok(Some(text_bundle(registry::lsmagic())))
            }
            "who" => {
                parse_or_help!(args::WhoArgs, display, &call.args, sink);
                sink.stream(StreamName::Stdout, &self.who());
                Ok(None)
            }
            other => Err(registry::unknown(other, false)),
        }
    }

    pub(crate) fn cell_magic(
        &mut self,
        call: &MagicCall,
        body: &str,
        sink: &dyn Sink,
    ) -> CellResult {
        if registry::lookup(&call.name, true).is_none() {
            return Err(registry::unknown(&call.name, true));
        }
        let display = format!("%%{}", call.name);
        match call.name.as_str() {
            "timeit" => {
                let (a, setup) = parse_or_help!(args::TimeitArgs, display, &call.args, sink);
                self.timeit(
                    &a,
                    &Timed {
                        setup: &setup,
                        stmt: body,
                        line: call.line,
                        cell_mode: true,
                    },
                    None,
                    sink,
                )
            }
            "time" => {
                let (_, code) = parse_or_help!(args::TimeArgs, display, &call.args, sink);
                if !code.is_empty() {
                    return Err(CellError::new(
                        "UsageError",
                        "Can't use statement directly after '%%time'!",
                    ));
                }
                self.time(body, call.line + 1, None, sink)
            }
            "jit" => {
                let (a, _) = parse_or_help!(args::JitArgs, display, &call.args, sink);
                let opts = JitOptions {
                    fastmath: a.fastmath,
                    boundscheck: a.boundscheck == OnOff::On,
                    opt: match a.opt {
                        Opt::None => OptLevel::None,
                        Opt::Speed => OptLevel::Speed,
                    },
                    dump: a.dump.map(|d| match d {
                        DumpKind::Ir => Dump::Ir,
                        DumpKind::Asm => Dump::Asm,
                    }),
                    ..JitOptions::default()
                };
                self.run_fast(&at_line(call.line + 1, body), &opts, sink)
            }
            "rust" => {
                parse_or_help!(args::RustArgs, display, &call.args, sink);
                self.rustc.eval(&at_line(call.line + 1, body), sink)
            }
            other => Err(registry::unknown(other, true)),
        }
    }

    fn run_fast(&mut self, src: &str, opts: &JitOptions, sink: &dyn Sink) -> CellResult {
        self.fast.interrupt_flag().store(false, Ordering::SeqCst);
        let out = SinkOutput(sink);
        match self.fast.run_cell(src, opts, &out) {
            Ok(v) => Ok(v.map(value_bundle)),
            Err(f) => Err(failure_to_error(f)),
        }
    }

    /// `%timeit` / `%%timeit`. `setup` runs before each measurement, untimed.
    fn timeit(
        &mut self,
        a: &args::TimeitArgs,
        t: &Timed,
        assign: Option<&str>,
        sink: &dyn Sink,
    ) -> CellResult {
        let Timed { setup, stmt, .. } = *t;
        if stmt.trim().is_empty() {
            return Ok(None); // IPython: `%timeit` with nothing to time does nothing.
        }
        let precision = a.precision as usize;
        let result = if self.fast.accepts(setup, stmt) {
            self.timeit_fast(a, t, precision, sink)?
        } else {
            self.timeit_rustc(a, t, precision, sink)?
        };
        if !a.quiet {
            sink.stream(StreamName::Stdout, &result.report());
        }
        for var in assign.iter().chain(a.var.as_deref().iter()) {
            self.bind_timeit(var, &result, sink)?;
        }
        // `let t = %timeit -o ...` binds instead of displaying, like IPython's `t = %timeit -o`.
        Ok((a.output && assign.is_none()).then(|| text_bundle(result.repr())))
    }

    /// The fast tier compiles the timing loop; IPython's algorithm (`timeit::measure`) decides
    /// the loop count, one compiled measurement per call.
    fn timeit_fast(
        &mut self,
        a: &args::TimeitArgs,
        t: &Timed,
        precision: usize,
        sink: &dyn Sink,
    ) -> Result<TimeitResult, CellError> {
        let Timed { setup, stmt, .. } = *t;
        self.fast.interrupt_flag().store(false, Ordering::SeqCst);
        let out = SinkOutput(sink);
        let fast = &mut self.fast;
        let mut compile_time = None;
        let (loops, runs) = timeit::measure(a.number, a.repeat, |n| {
            let t = fast.timeit(setup, stmt, Some(n), 1, &out)?;
            compile_time.get_or_insert(fast.last_compile_time().as_secs_f64());
            Ok(t.runs.iter().sum())
        })
        .map_err(failure_to_error)?;
        Ok(TimeitResult::new(
            loops,
            runs,
            compile_time.unwrap_or(0.0),
            precision,
        ))
    }

    /// One rustc-tier cell runs the whole measurement and prints the raw numbers.
    fn timeit_rustc(
        &mut self,
        a: &args::TimeitArgs,
        t: &Timed,
        precision: usize,
        sink: &dyn Sink,
    ) -> Result<TimeitResult, CellError> {
        let Timed {
            setup,
            stmt,
            line,
            cell_mode,
        } = *t;
        let cell = at_line(
            line,
            &timeit::rustc_cell(setup, stmt, a.number, a.repeat, cell_mode),
        );
        let tagged = TagSink::new(sink, timeit::TAG);
        let t0 = Instant::now();
        let r = self.rustc.eval(&cell, &tagged);
        let wall = t0.elapsed().as_secs_f64();
        let captured = tagged.finish();
        r?;
        let text = captured.last().map_or("", String::as_str);
        let p = timeit::parse_payload(text).ok_or_else(|| {
            CellError::new(
                "TimeitError",
                format!("the rustc tier printed no timings (got {text:?})"),
            )
        })?;
        Ok(TimeitResult::new(
            p.loops,
            p.runs,
            (wall - p.in_cell).max(0.0),
            precision,
        ))
    }

    /// Leave a `TimeitResult` in a rustc-tier variable (defining the type there the first time).
    fn bind_timeit(
        &mut self,
        var: &str,
        r: &TimeitResult,
        sink: &dyn Sink,
    ) -> Result<(), CellError> {
        let bind = format!("let {var} = {};", r.rust_literal());
        if self.timeit_struct_defined {
            match self.rustc.eval(&bind, sink) {
                Ok(_) => return Ok(()),
                // The rustc tier restarted and lost the type: define it again below.
                Err(e)
                    if e.evalue.contains("TimeitResult")
                        || e.traceback.iter().any(|l| l.contains("TimeitResult")) => {}
                Err(e) => return Err(e),
            }
        }
        self.rustc
            .eval(&format!("{}\n{bind}", timeit::RUSTC_STRUCT), sink)?;
        self.timeit_struct_defined = true;
        Ok(())
    }

    /// `%time` / `%%time`: fast-tier code is timed here; rustc-tier code times itself.
    /// `line`: the cell line `code` starts on (for rustc's line numbers).
    fn time(
        &mut self,
        code: &str,
        line: usize,
        assign: Option<&str>,
        sink: &dyn Sink,
    ) -> CellResult {
        if code.trim().is_empty() {
            sink.stream(StreamName::Stdout, &format::time_report(0.0, 0.0, 0.0));
            return Ok(None);
        }
        if self.fast.accepts("", code) {
            let src = match assign {
                Some(name) => format!("let {name} = {{ {code} }};"),
                None => code.to_string(),
            };
            let sw = Stopwatch::start();
            let r = self.run_fast(&at_line(line, &src), &JitOptions::default(), sink);
            // IPython prints the times even when the code fails, then raises.
            sink.stream(StreamName::Stdout, &sw.report());
            return r;
        }
        let cell = at_line(line, &timecmd::rustc_cell(code, assign));
        let tagged = TagSink::new(sink, timecmd::TAG);
        let t0 = Instant::now();
        let r = self.rustc.eval(&cell, &tagged);
        let wall = t0.elapsed().as_secs_f64();
        // The tag is the cell's last output, so the report lands where IPython prints it.
        if let Some((user, sys, inside)) = tagged
            .finish()
            .last()
            .and_then(|l| timecmd::parse_payload(l))
        {
            sink.stream(StreamName::Stdout, &format::time_report(user, sys, inside));
            if wall - inside > 0.1 {
                sink.stream(
                    StreamName::Stdout,
                    &format!("Compiler : {}\n", format::format_time(wall - inside, 3)),
                );
            }
        }
        r
    }

    /// `%who`: IPython's format (names, tab-separated), over both tiers.
    fn who(&self) -> String {
        let mut names: Vec<String> = self
            .fast
            .variables()
            .into_iter()
            .chain(self.rustc.variables())
            .map(|(n, _)| n)
            .filter(|n| !n.starts_with('_'))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return "Interactive namespace is empty.\n".into();
        }
        let mut out = names.join("\t");
        out.push_str("\t\n");
        out
    }
}
