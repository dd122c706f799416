//! Each magic's arguments, as a clap parser, and the one routine that applies it to a magic line.
//!
//! IPython options come first (`-n 10`, `-n10`, `-qo`); the first word that is not an option starts
//! the code (`%timeit -n 10 f(a, b)`). Clap sees the line split on whitespace, but the code is taken
//! back from the raw line, so its spacing and string literals are kept intact.

use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::tier::CellError;

/// Positional that collects the code after the options (the name is looked up by `parse`).
const CODE: &str = "code";

/// `%timeit` / `%%timeit`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    about = "Time a Rust statement or expression (IPython's %timeit)",
    long_about = "Time a Rust statement or expression (IPython's %timeit).\n\n\
        Line mode times CODE; cell mode runs CODE (the rest of the first line) as setup, not timed, \
        and times the cell body. Without -n the loop count grows 1, 10, 100, ... until one run \
        takes at least 0.2 s. The loop runs compiled in the tier that owns the code: the fast tier \
        for code %%jit defined, otherwise one rustc-tier cell that times itself."
)]
pub struct TimeitArgs {
    /// Loops per run (default: chosen so that a run takes at least 0.2 s)
    #[arg(short = 'n', value_name = "N")]
    pub number: Option<u64>,
    /// Number of runs
    #[arg(short = 'r', value_name = "R", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Quiet: do not print the result
    #[arg(short = 'q')]
    pub quiet: bool,
    /// Return a TimeitResult (best, worst, average, stdev, all_runs, loops, repeat, compile_time)
    #[arg(short = 'o')]
    pub output: bool,
    /// Like -o, but store the TimeitResult in the rustc-tier variable V
    #[arg(short = 'v', value_name = "V")]
    pub var: Option<String>,
    /// Significant digits of the printed times
    #[arg(short = 'p', value_name = "P", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    pub precision: u64,
    /// Line mode: the code to time. Cell mode: setup code
    #[arg(id = CODE, value_name = "CODE", num_args = 0.., trailing_var_arg = true)]
    pub code: Vec<String>,
}

/// `%time` / `%%time`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(about = "Run code once and print its CPU and wall time (IPython's %time)")]
pub struct TimeArgs {
    /// The code to run (line mode)
    #[arg(id = CODE, value_name = "CODE", num_args = 0.., trailing_var_arg = true)]
    pub code: Vec<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnOff {
    On,
    Off,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    None,
    Speed,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpKind {
    Ir,
    Asm,
}

/// `%%jit`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    about = "Compile and run the cell on the fast tier (Cranelift JIT)",
    long_about = "Compile and run the cell on the fast tier (Cranelift JIT): the numeric subset of \
        Rust, compiled in milliseconds. fns persist across cells, `let`s become workspace variables, \
        a trailing expression is displayed. Code outside the subset is refused with a diagnostic; \
        use %%rust for it."
)]
pub struct JitArgs {
    /// Allow reassociation and contraction of float operations (vectorised reductions)
    #[arg(long)]
    pub fastmath: bool,
    /// Bounds checks on slice and Vec indexing
    #[arg(long, value_enum, value_name = "on|off", default_value = "on")]
    pub boundscheck: OnOff,
    /// Cranelift optimisation level
    #[arg(long, value_enum, value_name = "none|speed", default_value = "speed")]
    pub opt: Opt,
    /// Print the generated Cranelift IR or machine code
    #[arg(long, value_enum, value_name = "ir|asm")]
    pub dump: Option<DumpKind>,
}

/// `%%rust`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(about = "Run the cell on the rustc tier (evcxr): any Rust, crates with :dep")]
pub struct RustArgs {}

/// `%annotate`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(
    about = "Show what each line of a fast-tier fn compiled to (HTML, like Cython's annotate)"
)]
pub struct AnnotateArgs {
    /// A fn defined in a %%jit cell
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// `%lsmagic`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(about = "List every magic with a one-line description")]
pub struct LsmagicArgs {}

/// `%who`.
#[derive(Parser, Debug, Clone, PartialEq)]
#[command(about = "List the variables of both tiers (IPython's %who)")]
pub struct WhoArgs {}

/// A parsed magic line: the options, and the code after them (raw text).
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed<T> {
    Run(T, String),
    /// `--help`: the usage text to print.
    Help(String),
}

/// Usage and help of a magic under its user-facing name (`%timeit`, `%%timeit`).
pub fn command<T: CommandFactory>(display_name: &str) -> clap::Command {
    T::command()
        .name(display_name.to_string())
        .bin_name(display_name.to_string())
        .term_width(100)
        .disable_version_flag(true)
        .disable_colored_help(true)
}

/// Parse `args` (the text after the magic's name) for the magic shown as `display_name`.
pub fn parse<T: CommandFactory + FromArgMatches>(
    display_name: &str,
    args: &str,
) -> Result<Parsed<T>, CellError> {
    let mut cmd = command::<T>(display_name);
    // IPython's `%timeit?` asks for the magic's documentation.
    if args.trim() == "?" {
        return Ok(Parsed::Help(cmd.render_long_help().to_string()));
    }
    let words = split_words(args);
    let argv =
        std::iter::once(display_name.to_string()).chain(words.iter().map(|&(_, w)| w.to_string()));
    let matches = match cmd.try_get_matches_from_mut(argv) {
        Ok(m) => m,
        Err(e) => return clap_failure(e, &mut cmd),
    };
    // The code is the raw text from the first word clap took as code.
    let code_words = match cmd.get_arguments().any(|a| a.get_id() == CODE) {
        true => matches.get_raw(CODE).map_or(0, |v| v.len()),
        false => 0,
    };
    let code = match code_words {
        0 => String::new(),
        k => args[words[words.len() - k].0..].trim().to_string(),
    };
    match T::from_arg_matches(&matches) {
        Ok(t) => Ok(Parsed::Run(t, code)),
        Err(e) => clap_failure(e.with_cmd(&cmd), &mut cmd),
    }
}

fn clap_failure<T>(e: clap::Error, cmd: &mut clap::Command) -> Result<Parsed<T>, CellError> {
    use clap::error::ErrorKind;
    let mut text = e.render().to_string();
    // Clap shows the usage for some errors only; always show it.
    if !text.contains("Usage:") {
        let usage = cmd.render_usage().to_string();
        text = match text.split_once("\n\nFor more information") {
            Some((msg, more)) => format!("{msg}\n\n{usage}\n\nFor more information{more}"),
            None => format!("{}\n\n{usage}\n", text.trim_end()),
        };
    }
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(Parsed::Help(text)),
        _ => Err(usage_error(&text)),
    }
}

/// A `UsageError` (IPython's name) whose value is clap's first line and whose traceback is clap's
/// whole text, usage included.
pub fn usage_error(text: &str) -> CellError {
    let first = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    CellError::new("UsageError", first)
        .with_traceback(text.trim_end().lines().map(str::to_string).collect())
}

/// Whitespace-separated words with their byte offsets.
fn split_words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeit(args: &str) -> Result<Parsed<TimeitArgs>, CellError> {
        parse::<TimeitArgs>("%timeit", args)
    }

    fn run(args: &str) -> (TimeitArgs, String) {
        match timeit(args) {
            Ok(Parsed::Run(t, c)) => (t, c),
            other => panic!("{args}: {other:?}"),
        }
    }

    #[test]
    fn ipython_option_styles() {
        let (t, code) = run("-n 10 -r3 f(a,  b)");
        assert_eq!(
            (t.number, t.repeat, code.as_str()),
            (Some(10), 3, "f(a,  b)")
        );
        let (t, code) = run("-n1000 -qo  x.iter().sum::<f64>()");
        assert_eq!((t.number, t.quiet, t.output), (Some(1000), true, true));
        assert_eq!(code, "x.iter().sum::<f64>()");
        let (t, code) = run("g(\"a  -n 3\")");
        assert_eq!((t.number, t.repeat, t.precision), (None, 7, 3));
        assert_eq!(code, "g(\"a  -n 3\")");
        // Once the code has started, dashes are code.
        let (_, code) = run("a -b");
        assert_eq!(code, "a -b");
        let (t, code) = run("-p 5 -v res f()");
        assert_eq!(
            (t.precision, t.var.as_deref(), code.as_str()),
            (5, Some("res"), "f()")
        );
        let (_, code) = run("");
        assert_eq!(code, "");
    }

    #[test]
    fn bad_arguments_are_usage_errors_with_usage() {
        let e = timeit("-n ten f()").unwrap_err();
        assert_eq!(e.ename, "UsageError");
        assert!(
            e.evalue.contains("invalid value 'ten' for '-n <N>'"),
            "{e:?}"
        );
        assert!(
            e.traceback.iter().any(|l| l.starts_with("Usage: %timeit")),
            "{:?}",
            e.traceback
        );
        let e = timeit("-z f()").unwrap_err();
        assert!(e.evalue.contains("unexpected argument '-z'"), "{e:?}");
        let e = timeit("-r 0 f()").unwrap_err();
        assert!(e.evalue.contains("'-r <R>'"), "{e:?}");
        let e = parse::<JitArgs>("%%jit", "--boundscheck maybe").unwrap_err();
        assert!(e.evalue.contains("invalid value 'maybe'"), "{e:?}");
        assert!(
            e.traceback
                .iter()
                .any(|l| l.contains("[possible values: on, off]")),
            "{:?}",
            e.traceback
        );
        let e = parse::<AnnotateArgs>("%annotate", "").unwrap_err();
        assert!(e.evalue.contains("required"), "{e:?}");
        let e = parse::<LsmagicArgs>("%lsmagic", "extra").unwrap_err();
        assert_eq!(e.ename, "UsageError");
    }

    #[test]
    fn help_is_usage_text() {
        match timeit("--help") {
            Ok(Parsed::Help(h)) => {
                assert!(h.contains("Usage: %timeit [OPTIONS] [CODE]..."), "{h}");
                assert!(h.contains("-n <N>"));
                assert!(h.contains("-r <R>"));
            }
            other => panic!("{other:?}"),
        }
        match timeit("?") {
            Ok(Parsed::Help(h)) => assert!(h.contains("Usage: %timeit [OPTIONS] [CODE]..."), "{h}"),
            other => panic!("{other:?}"),
        }
        match parse::<JitArgs>("%%jit", "--help") {
            Ok(Parsed::Help(h)) => {
                assert!(h.contains("Usage: %%jit [OPTIONS]"), "{h}");
                assert!(
                    h.contains("--fastmath") && h.contains("--boundscheck") && h.contains("--dump")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn jit_options() {
        match parse::<JitArgs>(
            "%%jit",
            "--fastmath --boundscheck off --opt none --dump asm",
        ) {
            Ok(Parsed::Run(j, code)) => {
                assert!(j.fastmath);
                assert_eq!(
                    (j.boundscheck, j.opt, j.dump),
                    (OnOff::Off, Opt::None, Some(DumpKind::Asm))
                );
                assert_eq!(code, "");
            }
            other => panic!("{other:?}"),
        }
        match parse::<JitArgs>("%%jit", "") {
            Ok(Parsed::Run(j, _)) => assert_eq!(
                (j.fastmath, j.boundscheck, j.opt, j.dump),
                (false, OnOff::On, Opt::Speed, None)
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn words_keep_offsets() {
        assert_eq!(
            split_words("  a  bc\td "),
            vec![(2, "a"), (5, "bc"), (8, "d")]
        );
    }
}
