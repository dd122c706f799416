//! A seeded mutation fuzzer for the fast tier's front end: arbitrary text, token soup and
//! mutated valid programs (generated ones and the seed kernels) go through
//! `FastTier::run_cell`. Whatever the input, the compiler must not panic, must not hang past
//! the interrupt, and a refusal must carry at least one diagnostic whose span lies in the cell
//! and whose rendering is non-empty.
//!     CARGO_TARGET_DIR=/work/target-difftest cargo test --release -p accel-runtime --test frontend_fuzz
//! Longer: ACCEL_FUZZ_CASES=200000 ACCEL_FUZZ_SEED=5 cargo test --release -p accel-runtime --test frontend_fuzz -- --nocapture
//!
//! Mutants are run, so they must stay harmless: mutants that could allocate without bound
//! (`push`, `extend`, `resize`, `collect`, `with_capacity`, `vec![..; n]` with a long number)
//! are skipped, and each cell gets 300 ms before the interrupt flag is set.

mod common;
mod gen;
mod kernels;

use accel_runtime::{Failure, JitOptions};
use common::fast::{self, CellOutcome};
use common::rng::Rng;
use std::time::{Duration, Instant};

const TOKENS: &[&str] = &[
    "fn",
    "let",
    "mut",
    "if",
    "else",
    "for",
    "in",
    "while",
    "loop",
    "break",
    "continue",
    "return",
    "match",
    "as",
    "struct",
    "impl",
    "trait",
    "use",
    "pub",
    "const",
    "static",
    "unsafe",
    "move",
    "ref",
    "where",
    "dyn",
    "Self",
    "self",
    "crate",
    "true",
    "false",
    "i32",
    "u8",
    "f64",
    "usize",
    "Vec",
    "vec!",
    "println!",
    "format!",
    "assert!",
    "panic!",
    "x",
    "y",
    "v",
    "f",
    "main",
    "0",
    "1",
    "255u8",
    "-1",
    "1.5",
    "1e308",
    "0x7f",
    "'a'",
    "\"s\"",
    "b'x'",
    "'l:",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    ",",
    ";",
    ":",
    "::",
    ".",
    "..",
    "..=",
    "=>",
    "->",
    "=",
    "==",
    "+",
    "-",
    "*",
    "/",
    "%",
    "&",
    "&&",
    "|",
    "||",
    "!",
    "^",
    "<<",
    ">>",
    "+=",
    "?",
    "#",
    "#[inline]",
    "@",
    "$",
    "_",
    "'",
    "\"",
    "\\",
    "/*",
    "*/",
    "//",
    "\n",
    " ",
    "\t",
    "é",
    "🦀",
    "\u{0}",
    "r#\"",
    "\"#",
    "iter()",
    "map(|x| x)",
    "sum::<f64>()",
    "len()",
    "sqrt()",
    "%%jit",
];

fn random_text(rng: &mut Rng) -> String {
    let n = rng.below(120) as usize;
    match rng.below(3) {
        0 => {
            let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => (0..n).map(|_| (32 + rng.below(95) as u8) as char).collect(),
        _ => (0..n / 2)
            .map(|_| *rng.pick(TOKENS))
            .collect::<Vec<_>>()
            .join(if rng.chance(50) { " " } else { "" }),
    }
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// One random edit: delete/duplicate/swap a span, insert a token, replace a token, truncate.
fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut s = src.to_string();
    for _ in 0..1 + rng.below(3) {
        if s.is_empty() {
            break;
        }
        let a = char_boundary(&s, rng.below(s.len() as u64) as usize);
        let b = char_boundary(&s, (a + 1 + rng.below(12) as usize).min(s.len()));
        match rng.below(6) {
            0 => s.replace_range(a..b, ""),
            1 => {
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
            2 => s.insert_str(a, *rng.pick(TOKENS)),
            3 => s.replace_range(a..b, *rng.pick(TOKENS)),
            4 => s.truncate(a),
            _ => {
                // Swap two lines.
                let mut lines: Vec<&str> = s.lines().collect();
                if lines.len() > 1 {
                    let i = rng.below(lines.len() as u64) as usize;
                    let j = rng.below(lines.len() as u64) as usize;
                    lines.swap(i, j);
                }
                s = lines.join("\n");
            }
        }
    }
    s
}

/// Mutants that could allocate without bound or for long are not run.
fn harmless(s: &str) -> bool {
    let bad = [
        "push",
        "extend",
        "resize",
        "collect",
        "with_capacity",
        "insert",
        "format!",
        "repeat",
    ];
    if bad.iter().any(|b| s.contains(b)) {
        return false;
    }
    // No number literal longer than 5 digits inside `vec![x; n]`-like contexts: check all.
    let mut run = 0;
    for c in s.chars() {
        run = if c.is_ascii_digit() || c == '_' {
            run + 1
        } else {
            0
        };
        if run > 5 {
            return false;
        }
    }
    true
}

/// Checks the invariant for one outcome; `Err` explains the violation.
fn check(src: &str, o: &CellOutcome) -> Result<(), String> {
    match o {
        CellOutcome::CompilerPanic(m) => Err(format!("run_cell panicked: {m}")),
        CellOutcome::Hung => Err("hung: the interrupt flag did not stop it within 1 s".into()),
        CellOutcome::Ran {
            result: Err(Failure::Compile(ds)),
            ..
        } => {
            if ds.is_empty() {
                return Err("Failure::Compile without a diagnostic".into());
            }
            let nlines = src.lines().count().max(1) + 1;
            for d in ds {
                if d.line == 0
                    || d.line > nlines
                    || d.col == 0
                    || d.rendered.trim().is_empty()
                    || d.message.trim().is_empty()
                {
                    return Err(format!(
                        "bad diagnostic (cell has {} lines): {d:?}",
                        src.lines().count()
                    ));
                }
            }
            Ok(())
        }
        CellOutcome::Ran { .. } => Ok(()),
    }
}

#[test]
fn front_end_never_panics_and_always_explains_refusals() {
    let seed = common::env_u64("ACCEL_FUZZ_SEED", 1);
    let cases = common::env_u64("ACCEL_FUZZ_CASES", 3000);
    let mut rng = Rng::new(seed);
    let mut corpus: Vec<String> = kernels::kernels().into_iter().map(|k| k.cell).collect();
    corpus.extend(
        [
            kernels::GET_PRIMES,
            kernels::DO_SUM,
            kernels::SMOOTH,
            kernels::LJ,
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let feats = gen::Features::all();
    for i in 0..40 {
        corpus.push(gen::generate(Rng::case_seed(seed, i), &feats).cell);
    }
    let start = Instant::now();
    let mut inputs = Vec::new();
    while (inputs.len() as u64) < cases {
        let s = if rng.chance(30) {
            random_text(&mut rng)
        } else {
            let base = rng_pick(&mut rng, &corpus);
            mutate(&mut rng, base)
        };
        if harmless(&s) {
            inputs.push(s);
        }
    }
    let mut failures: Vec<String> = Vec::new();
    let (mut ran, mut refused, mut ok, mut panics, mut interrupted) = (0, 0, 0, 0, 0);
    // Many cells per tier (state accumulates, like a notebook); a fresh tier after a failure.
    let mut rest: &[String] = &inputs;
    while !rest.is_empty() {
        let chunk = &rest[..rest.len().min(100)];
        let outs = fast::run_cells(chunk, &JitOptions::default(), Duration::from_millis(300));
        for (src, o) in chunk.iter().zip(&outs) {
            ran += 1;
            match o {
                CellOutcome::Ran {
                    result: Err(Failure::Compile(_)),
                    ..
                } => refused += 1,
                CellOutcome::Ran {
                    result: Err(Failure::Panic { .. }),
                    ..
                } => panics += 1,
                CellOutcome::Ran {
                    result: Err(Failure::Interrupted),
                    ..
                } => interrupted += 1,
                CellOutcome::Ran { .. } => ok += 1,
                _ => {}
            }
            if let Err(why) = check(src, o) {
                failures.push(format!("---- input {:?}\n{why}", src));
            }
        }
        rest = &rest[outs.len().max(1).min(rest.len())..];
    }
    eprintln!(
        "frontend fuzz: seed {seed}, {ran} inputs in {:.1?}: {refused} refused, {ok} ran, {panics} panicked (Rust panics), {interrupted} interrupted, {} violations",
        start.elapsed(),
        failures.len()
    );
    for f in failures.iter().take(5) {
        eprintln!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} inputs broke the front end's contract (first ones above)",
        failures.len()
    );
}

fn rng_pick<'a>(rng: &mut Rng, xs: &'a [String]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize].as_str()
}
