//! `%timeit` on the fast tier: the timing loop is compiled (one JIT fn runs the
//! expression `n` times, `n` read from a workspace cell), timed around each call.

use super::engine::Engine;
use crate::abi::ty::Ty;
use crate::api::{Failure, JitOptions, Output, Timings};
use crate::exec::workspace::Slot;
use crate::typeck::WsVar;
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

const N_VAR: &str = "__accel_timeit_n";

/// The timed cell. As in IPython, the setup runs in the timer's own scope before the clock
/// starts (once per measurement): the whole cell is one block, so the setup's `let`s are
/// locals of the timing code and never become workspace variables.
fn loop_src(setup: &str, expr: &str) -> String {
    format!(
        "{{\n{setup}\n__accel_timer_start();\nlet mut __accel_i: u64 = 0;\nwhile __accel_i < {N_VAR} {{\n    let _ = {{ {expr} }};\n    __accel_i += 1;\n}}\n__accel_timer_stop();\n}}"
    )
}

fn names_in(src: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    for c in src.chars() {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn accepts(e: &Engine, setup: &str, expr: &str) -> bool {
    let names = names_in(&format!("{setup} {expr}"));
    if !names
        .iter()
        .any(|n| e.defs.contains_key(n) || e.vars.contains_key(n))
    {
        return false;
    }
    // Type-check without compiling: parse and check the loop as a cell.
    let Ok(cell) = crate::parse::parse_cell(&loop_src(setup, expr)) else {
        return false;
    };
    let sigs: HashMap<String, crate::typeck::FnSig> = e
        .defs
        .iter()
        .map(|(k, d)| (k.clone(), d.sig.clone()))
        .collect();
    let mut vars = e.ws_vars();
    vars.insert(
        N_VAR.into(),
        WsVar {
            ty: Ty::Int(crate::abi::ty::IntTy::U64),
            addr: 0,
            mutable: false,
        },
    );
    let Ok(mut env) = crate::typeck::Env::new(&sigs, &vars, &cell.uses) else {
        return false;
    };
    if e.add_consts(&mut env, Some(&cell)).is_err() {
        return false;
    }
    crate::typeck::check_cell(&cell.stmts, cell.tail.as_ref(), &env, Default::default()).is_ok()
}

pub fn timeit(
    e: &mut Engine,
    interrupt: &AtomicBool,
    setup: &str,
    expr: &str,
    number: Option<u64>,
    repeat: u32,
    out: &dyn Output,
) -> Result<Timings, Failure> {
    let n_slot = Slot::new(Ty::Int(crate::abi::ty::IntTy::U64), false);
    let n_addr = n_slot.addr() as *mut u64;
    let mut extra = HashMap::new();
    extra.insert(
        N_VAR.to_string(),
        WsVar {
            ty: n_slot.ty.clone(),
            addr: n_slot.addr(),
            mutable: false,
        },
    );
    let src = loop_src(setup, expr);
    let time = |e: &mut Engine, n: u64| -> Result<f64, Failure> {
        unsafe { *n_addr = n };
        let p = e.prepare(&src, &JitOptions::default(), &extra)?;
        e.st.timer_secs = 0.0;
        e.run(p, interrupt, out)?;
        Ok(e.st.timer_secs)
    };
    // Compile once up front so the first measured run does not include compilation
    // (each `prepare` of the same text is cheap, but not free).
    let number = match number {
        Some(n) => n.max(1),
        None => {
            let mut n = 1u64;
            loop {
                let dt = time(e, n)?;
                if dt >= 0.2 || n >= 10u64.pow(9) {
                    break n;
                }
                n *= 10;
            }
        }
    };
    let mut runs = vec![];
    for _ in 0..repeat.max(1) {
        runs.push(time(e, number)?);
    }
    drop(n_slot);
    Ok(Timings { number, runs })
}
