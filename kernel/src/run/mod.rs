//! `accel run NB.ipynb`: executes a notebook with the embedded session — no
//! Jupyter, no Python, no sockets — and writes what `jupyter nbconvert --to
//! notebook --execute` (nbclient) would: the same outputs, execution counts and
//! `metadata.language_info` (nbclient's per-cell timing metadata is not written).
//!
//! nbclient's rules, followed here: only code cells with non-blank source run,
//! with `store_history` and without stdin; consecutive stream outputs of the same
//! name merge; `update_display_data` rewrites every earlier output carrying that
//! display id; the first error stops the run unless `--allow-errors` or the cell is
//! tagged `raises-exception`; a cell past `--timeout` is interrupted and fails the run.
//! The output goes to `NB.nbconvert.ipynb` unless `-o` says otherwise, as nbconvert does.

mod notebook;
mod sink;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};

use crate::executor::{Executor, JobPanicked};
use crate::tiers::{rustc_tier, Start, TierChoice};
use accel_magics::CellError;
pub use notebook::{joined, Notebook};
use sink::{Outputs, RunSink};

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The notebook to execute (nbformat 4).
    pub notebook: PathBuf,
    /// Where to write the executed notebook (`-` for stdout). Default: NB.nbconvert.ipynb beside NB.
    #[arg(short, long, value_name = "OUT.ipynb")]
    pub output: Option<PathBuf>,
    /// Keep going after a failing cell (its error is recorded as an output), exit 0.
    #[arg(long)]
    pub allow_errors: bool,
    /// Seconds a cell may run before it is interrupted and the run fails.
    #[arg(long, value_name = "S")]
    pub timeout: Option<f64>,
    #[arg(long, value_enum, default_value_t, hide = true)]
    pub tier: TierChoice,
}

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.notebook)
        .with_context(|| format!("reading {}", args.notebook.display()))?;
    let mut nb =
        Notebook::parse(&text).with_context(|| format!("reading {}", args.notebook.display()))?;
    let out_path = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.notebook));

    let tier = args.tier;
    let start = if only_jit_cells(&mut nb) {
        Start::OnFirstUse
    } else {
        Start::Eager
    };
    let executor = Executor::start(move || rustc_tier(tier, start));
    let outputs = Arc::new(Mutex::new(Outputs::default()));
    let mut count = 0usize;
    let mut failure: Option<String> = None;

    let cell_count = nb.cells_mut().len();
    for index in 0..cell_count {
        let cell = &nb.cells_mut()[index];
        if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
            continue;
        }
        let source = joined(cell.get("source").unwrap_or(&Value::Null));
        if source.trim().is_empty() {
            continue;
        }
        let raises_ok = cell
            .pointer("/metadata/tags")
            .and_then(Value::as_array)
            .is_some_and(|tags| tags.iter().any(|t| t == "raises-exception"));
        count += 1;
        outputs.lock().unwrap().start_cell(index);

        let sink = RunSink {
            outputs: outputs.clone(),
            cell: index,
        };
        let code = source.clone();
        let done = executor.start_job(move |s| s.execute(&code, &sink));
        let result = match args.timeout {
            Some(secs) => match done.recv_timeout(Duration::from_secs_f64(secs.max(0.0))) {
                Ok(r) => Some(r),
                Err(_) => {
                    executor.interrupt();
                    // Give the interrupted cell a moment to hand back what it printed.
                    let _ = done.recv_timeout(Duration::from_secs(5));
                    None
                }
            },
            None => done.recv().ok(),
        };
        let result = match result {
            None => {
                let why = match args.timeout {
                    Some(secs) => format!(
                        "cell {} timed out after {secs} s and was interrupted",
                        index + 1
                    ),
                    None => format!("cell {} stopped: the executor thread is gone", index + 1),
                };
                failure = Some(report(index, &source, &why));
                store_cell(&mut nb, index, count, &outputs);
                break;
            }
            Some(Ok(r)) => r,
            Some(Err(JobPanicked(why))) => Err(CellError::new(
                "InternalError",
                format!("the session panicked: {why}"),
            )),
        };
        {
            let mut outs = outputs.lock().unwrap();
            match &result {
                Ok(Some(bundle)) => outs.push(
                    index,
                    json!({"output_type": "execute_result", "execution_count": count, "data": bundle, "metadata": {}}),
                ),
                Ok(None) => {}
                Err(e) => outs.push(
                    index,
                    json!({"output_type": "error", "ename": e.ename, "evalue": e.evalue, "traceback": e.traceback}),
                ),
            }
        }
        store_cell(&mut nb, index, count, &outputs);
        if let Err(e) = result {
            if !args.allow_errors && !raises_ok {
                let why = format!("{}: {}\n{}", e.ename, e.evalue, e.traceback.join("\n"));
                failure = Some(report(index, &source, &why));
                break;
            }
        }
    }
    // Outputs rewritten by update_display_data in earlier cells.
    let updates = outputs.lock().unwrap().take_all();
    for (index, outs) in updates {
        nb.cells_mut()[index]["outputs"] = Value::Array(outs);
    }
    nb.set_language_info(serde_json::to_value(
        crate::wire::kernel_info::language_info(),
    )?);
    write(&nb, &out_path)?;
    match failure {
        Some(msg) => {
            eprintln!("{msg}");
            if out_path != Path::new("-") {
                eprintln!(
                    "accel run: notebook with the outputs so far written to {}",
                    out_path.display()
                );
            }
            Ok(ExitCode::FAILURE)
        }
        None => {
            if out_path != Path::new("-") {
                eprintln!(
                    "accel run: executed {count} cells; wrote {}",
                    out_path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn store_cell(nb: &mut Notebook, index: usize, count: usize, outputs: &Arc<Mutex<Outputs>>) {
    let outs = outputs.lock().unwrap().cell(index);
    let cell = &mut nb.cells_mut()[index];
    cell["outputs"] = Value::Array(outs);
    cell["execution_count"] = json!(count);
}

/// nbclient's CellExecutionError text: which cell, its source, and the error.
fn report(index: usize, source: &str, why: &str) -> String {
    format!(
        "accel run: cell {} failed\n------------------\n{}\n------------------\n\n{}",
        index + 1,
        source.trim_end(),
        why.trim_end()
    )
}

fn default_output(nb: &Path) -> PathBuf {
    let stem = nb
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "notebook".into());
    nb.with_file_name(format!("{stem}.nbconvert.ipynb"))
}

fn write(nb: &Notebook, path: &Path) -> anyhow::Result<()> {
    let text = nb.to_nbformat_string();
    if path == Path::new("-") {
        use std::io::Write;
        std::io::stdout().write_all(text.as_bytes())?;
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Whether every non-empty code cell is a `%%jit` cell. Such a notebook starts evcxr only if a
/// cell turns out to need it: its run never loads rust-analyzer's crate graph (hundreds of MB)
/// nor spends CPU on it beside the fast tier's work. Any other notebook starts evcxr at once,
/// so its first Rust cell waits only for what is left of the start.
fn only_jit_cells(nb: &mut Notebook) -> bool {
    nb.cells_mut()
        .iter()
        .filter(|c| c.get("cell_type").and_then(Value::as_str) == Some("code"))
        .all(|c| {
            let source = joined(c.get("source").unwrap_or(&Value::Null));
            let source = source.trim_start();
            source.is_empty()
                || source
                    .strip_prefix("%%jit")
                    .is_some_and(|rest| rest.starts_with(char::is_whitespace) || rest.is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nb(sources: &[&str]) -> Notebook {
        let cells: Vec<Value> = sources
            .iter()
            .map(|s| serde_json::json!({"cell_type": "code", "source": s, "metadata": {}, "outputs": []}))
            .chain([serde_json::json!({"cell_type": "markdown", "source": "# t", "metadata": {}})])
            .collect();
        Notebook(serde_json::json!({"nbformat": 4, "cells": cells}))
    }

    #[test]
    fn only_jit_cells_decides_when_evcxr_starts() {
        assert!(only_jit_cells(&mut nb(&[
            "%%jit\nlet a = 1;",
            "  \n",
            "\n%%jit --fastmath\n1"
        ])));
        assert!(only_jit_cells(&mut nb(&[])));
        assert!(!only_jit_cells(&mut nb(&["%%jit\n1", "1 + 1"])));
        assert!(!only_jit_cells(&mut nb(&["%%jitter\n1"])));
        assert!(!only_jit_cells(&mut nb(&["%timeit 1 + 1"])));
    }
}
