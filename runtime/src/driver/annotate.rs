//! `%annotate NAME`: each source line of a compiled fn with what it became — counts of
//! bounds checks kept, runtime/libm calls, allocations and interrupt polls, plus the
//! Cranelift IR and the machine code (disassembled with capstone) — as Cython-style
//! HTML (lines shaded white→yellow by cost, expandable with <details>) and plain text.

use super::engine::{Engine, FnAnnot};
use crate::api::Annotation;
use crate::lower::LineCounts;
use cranelift_codegen::isa::TargetIsa;
use std::collections::BTreeMap;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Relative machine work of a line: the things that are not plain arithmetic.
fn score(c: &LineCounts) -> u32 {
    c.bounds_checks * 2 + c.calls * 3 + c.libm * 2 + c.allocs * 5 + c.polls
}

fn describe(c: &LineCounts) -> String {
    let mut parts = vec![];
    let mut add = |n: u32, what: &str| {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    };
    add(c.bounds_checks, "bounds check(s)");
    add(c.bounds_elided, "bounds check(s) elided");
    add(c.bounds_hoisted, "bounds check(s) hoisted out of the loop");
    add(
        c.bounds_fallback,
        "bounds check(s) in the checked fallback copy",
    );
    add(c.calls.saturating_sub(c.libm), "runtime call(s)");
    add(c.libm, "libm call(s)");
    add(c.allocs, "allocation(s)");
    add(c.polls, "interrupt poll(s)");
    add(c.panics, "panic path(s)");
    if let Some(form) = c.loop_form {
        parts.push(form.to_string());
    }
    if c.vectorised > 0 {
        parts.push(format!("vectorised ×{}", c.vectorised));
    } else if let Some(why) = c.vec_refused {
        parts.push(format!("not vectorised: {why}"));
    }
    parts.join(", ")
}

fn per_line(a: &FnAnnot) -> (BTreeMap<u32, Vec<String>>, BTreeMap<u32, Vec<String>>) {
    let mut ir: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let f = &a.func;
    for block in f.layout.blocks() {
        for inst in f.layout.block_insts(block) {
            let loc = f.srcloc(inst);
            let line = if loc.is_default() {
                a.lines.0
            } else {
                loc.bits()
            };
            ir.entry(line)
                .or_default()
                .push(f.dfg.display_inst(inst).to_string());
        }
    }
    let mut asm: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let isa = cranelift_native::builder().ok().and_then(|b| {
        b.finish(cranelift_codegen::settings::Flags::new(
            cranelift_codegen::settings::builder(),
        ))
        .ok()
    });
    if let Some(cs) = isa
        .as_ref()
        .and_then(|i: &std::sync::Arc<dyn TargetIsa>| i.to_capstone().ok())
    {
        for &(s, e, line) in &a.ranges {
            let line = if line == u32::MAX { a.lines.0 } else { line };
            let bytes = &a.code[s as usize..(e as usize).min(a.code.len())];
            if let Ok(insns) = cs.disasm_all(bytes, s as u64) {
                for i in insns.iter() {
                    asm.entry(line).or_default().push(format!(
                        "{:>5x}:  {} {}",
                        i.address(),
                        i.mnemonic().unwrap_or(""),
                        i.op_str().unwrap_or("")
                    ));
                }
            }
        }
    }
    (ir, asm)
}

pub fn annotate(e: &Engine, name: &str) -> Result<Annotation, String> {
    let a = e
        .annots
        .get(name)
        .ok_or_else(|| format!("no compiled fast-tier fn named `{name}`"))?;
    let (ir, asm) = per_line(a);
    let src_lines: Vec<&str> = a.cell_src.lines().collect();
    let (lo, hi) = a.lines;
    let max = (lo..=hi)
        .map(|l| a.counts.get(&l).map(score).unwrap_or(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut html = String::new();
    let mut text = String::new();
    html.push_str(
        "<div class=\"accel-annotate\" style=\"font-family:monospace;font-size:12px\">\
<style>.accel-annotate details{margin:0}.accel-annotate summary{list-style:none;cursor:pointer;white-space:pre;padding:0 4px}\
.accel-annotate summary::-webkit-details-marker{display:none}.accel-annotate pre{margin:0 0 4px 3em;padding:4px;border-left:2px solid rgba(128,128,128,.5);white-space:pre;overflow-x:auto}\
.accel-annotate .n{opacity:.6}.accel-annotate .c{opacity:.7;font-style:italic}</style>",
    );
    let _ = write!(
        html,
        "<p><b>fn {}</b> — lines shaded by machine work: <span style=\"background:rgba(255,200,0,.15);padding:0 4px\">light</span> \
<span style=\"background:rgba(255,200,0,.45);padding:0 4px\">more</span> <span style=\"background:rgba(255,200,0,.8);padding:0 4px\">most</span> \
(bounds checks kept, runtime/libm calls, allocations, interrupt polls). Click a line for its Cranelift IR and machine code.</p>",
        esc(name)
    );
    let _ = writeln!(
        text,
        "fn {name}: per line — bounds checks, calls, allocations, interrupt polls"
    );
    for l in lo..=hi {
        let code = src_lines.get(l as usize - 1).copied().unwrap_or("");
        let c = a.counts.get(&l).cloned().unwrap_or_default();
        let sc = score(&c);
        let alpha = if sc == 0 {
            0.0
        } else {
            0.12 + 0.68 * sc as f64 / max as f64
        };
        let d = describe(&c);
        let _ = writeln!(
            text,
            "{l:>4} | {code}{}",
            if d.is_empty() {
                String::new()
            } else {
                format!("    // {d}")
            }
        );
        let irs = ir.get(&l).cloned().unwrap_or_default();
        let asms = asm.get(&l).cloned().unwrap_or_default();
        let summary = format!(
            "<span class=\"n\">{l:>4}</span> {}{}",
            esc(code),
            if d.is_empty() {
                String::new()
            } else {
                format!("  <span class=\"c\">// {}</span>", esc(&d))
            }
        );
        if irs.is_empty() && asms.is_empty() {
            let _ = write!(html, "<div style=\"white-space:pre;padding:0 4px;background:rgba(255,200,0,{alpha:.2})\">{summary}</div>");
        } else {
            let _ = write!(
                html,
                "<details><summary style=\"background:rgba(255,200,0,{alpha:.2})\">{summary}</summary><pre>; Cranelift IR\n{}</pre><pre>; machine code\n{}</pre></details>",
                esc(&irs.join("\n")),
                esc(&asms.join("\n"))
            );
        }
    }
    html.push_str("</div>");
    Ok(Annotation { html, text })
}
