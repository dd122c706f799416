//! Running cells on the fast tier the way the kernel does: a fresh `FastTier` on a worker
//! thread, stdout/stderr captured through `Output`, a watchdog that sets the interrupt flag
//! when a cell hangs, and compiler panics caught (a panic of the compiler is a bug to report,
//! never a reason to lose the rest of the run).

use accel_runtime::{Failure, FastTier, JitOptions, Output, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Capture {
    pub out: Mutex<String>,
    pub err: Mutex<String>,
}

impl Output for Capture {
    fn stdout(&self, text: &str) {
        self.out.lock().unwrap().push_str(text);
    }
    fn stderr(&self, text: &str) {
        self.err.lock().unwrap().push_str(text);
    }
}

impl Capture {
    pub fn take(&self) -> (String, String) {
        (
            std::mem::take(&mut *self.out.lock().unwrap()),
            std::mem::take(&mut *self.err.lock().unwrap()),
        )
    }
}

/// What one cell did.
#[derive(Debug, Clone)]
pub enum CellOutcome {
    Ran {
        result: Result<Option<Value>, Failure>,
        stdout: String,
        stderr: String,
    },
    /// `run_cell` itself panicked (a compiler bug), with the panic message.
    CompilerPanic(String),
    /// Did not finish within the timeout even after the interrupt flag was set.
    Hung,
}

impl CellOutcome {
    pub fn describe(&self) -> String {
        match self {
            CellOutcome::Ran {
                result,
                stdout,
                stderr,
            } => {
                let r = match result {
                    Ok(Some(v)) => format!("Ok(value {:?})", v.text),
                    Ok(None) => "Ok(no value)".to_string(),
                    Err(Failure::Compile(ds)) => {
                        let mut s = format!("Compile error ({} diagnostics)", ds.len());
                        for d in ds {
                            s.push_str(&format!(
                                "\n  {}:{}: {}\n{}",
                                d.line, d.col, d.message, d.rendered
                            ));
                        }
                        s
                    }
                    Err(e) => format!("{e:?}"),
                };
                format!("{r}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}")
            }
            CellOutcome::CompilerPanic(m) => format!("COMPILER PANICKED: {m}"),
            CellOutcome::Hung => "HUNG (interrupt flag did not stop it)".to_string(),
        }
    }
}

pub fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Runs `cells` in order on one fresh `FastTier` (so later cells see earlier fns/variables).
/// Each cell gets `timeout`; then the interrupt flag is set and it gets one more second (a
/// cell stopped that way reports what `run_cell` returned, normally `Failure::Interrupted`).
/// Stops at the first cell that panics the compiler or hangs.
pub fn run_cells(cells: &[String], opts: &JitOptions, timeout: Duration) -> Vec<CellOutcome> {
    let (flag_tx, flag_rx) = mpsc::channel::<Arc<AtomicBool>>();
    let (res_tx, res_rx) = mpsc::channel::<CellOutcome>();
    let cells_owned: Vec<String> = cells.to_vec();
    let opts = opts.clone();
    let _worker = std::thread::Builder::new()
        .name("fast-tier-cell".into())
        .stack_size(64 << 20)
        .spawn(move || {
            // FastTier is built on the worker: it need not be Send.
            let mut tier = FastTier::new();
            let _ = flag_tx.send(tier.interrupt_flag());
            for src in &cells_owned {
                let cap = Capture::default();
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tier.run_cell(src, &opts, &cap)
                }));
                let (stdout, stderr) = cap.take();
                let outcome = match r {
                    Ok(result) => CellOutcome::Ran {
                        result,
                        stdout,
                        stderr,
                    },
                    Err(p) => CellOutcome::CompilerPanic(panic_text(&*p)),
                };
                let stop = matches!(outcome, CellOutcome::CompilerPanic(_));
                if res_tx.send(outcome).is_err() || stop {
                    return;
                }
            }
        })
        .expect("spawn worker");
    let flag = flag_rx.recv().expect("worker started");
    let mut outs = Vec::new();
    for _ in cells {
        match res_rx.recv_timeout(timeout) {
            Ok(o) => {
                let stop = matches!(o, CellOutcome::CompilerPanic(_));
                outs.push(o);
                if stop {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                flag.store(true, Ordering::SeqCst);
                match res_rx.recv_timeout(Duration::from_secs(1)) {
                    Ok(o) => {
                        // Stopped by the interrupt: the kernel would clear the flag and go on.
                        flag.store(false, Ordering::SeqCst);
                        let stop = matches!(o, CellOutcome::CompilerPanic(_));
                        outs.push(o);
                        if stop {
                            break;
                        }
                    }
                    // The worker thread is leaked: nothing safe can stop it.
                    Err(_) => {
                        outs.push(CellOutcome::Hung);
                        break;
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                outs.push(CellOutcome::CompilerPanic("worker thread died".into()));
                break;
            }
        }
    }
    outs
}

/// One cell on a fresh tier.
pub fn run_one(src: &str, opts: &JitOptions, timeout: Duration) -> CellOutcome {
    run_cells(&[src.to_string()], opts, timeout)
        .pop()
        .unwrap_or(CellOutcome::Hung)
}
