//! The text of one compiler stage for a cell, for the snapshot tests (`tests/ir/*.jit`):
//! the typed IR, the Cranelift IR as lowering left it (after versioning, vectorisation and the
//! other rewrites of `lower/`, before Cranelift's own mid-end, whose output and machine code
//! vary with the host CPU), or `%annotate`'s text. The cell is compiled in an engine of its
//! own and never run.

use super::engine::Engine;
use crate::api::{Failure, JitOptions, Stage, WideSqrt};
use crate::typeck::typed;
use crate::typeck::typed_print;

pub fn dump(
    stage: Stage,
    src: &str,
    opts: &JitOptions,
    wide_sqrt: WideSqrt,
) -> Result<String, Failure> {
    let mut e = Engine::new();
    e.typed_out = Some(vec![]);
    crate::abi::symbols::pin_sqrt_block_kernel(Some(match wide_sqrt {
        WideSqrt::Avx512 => Some("rt_f64_sqrt_block_avx512"),
        WideSqrt::Avx => Some("rt_f64_sqrt_block_avx"),
        WideSqrt::None => None,
    }));
    let prepared = e.prepare(src, opts, &Default::default());
    crate::abi::symbols::pin_sqrt_block_kernel(None);
    // Dropped unrun: it may call a kernel this CPU lacks.
    drop(prepared?);
    let fns: Vec<typed::Fn> = e.typed_out.take().unwrap_or_default();
    let (cell, fns) = fns.split_last().expect("prepare records the cell");
    let mut out = String::new();
    match stage {
        Stage::Typeck => {
            for f in fns {
                out.push_str(&typed_print::print_fn(f));
            }
            if !cell.body.stmts.is_empty() || cell.body.tail.is_some() {
                out.push_str(&typed_print::print_fn(cell));
            }
        }
        Stage::Clif => {
            for f in fns {
                let a = &e.annots[&f.name];
                let text = a.func.display().to_string();
                out.push_str(&mask_addresses(&name_functions(&text, |i| {
                    e.declared_name(opts.opt, i)
                })));
            }
        }
        Stage::Annotate => {
            for f in fns {
                let a = super::annotate::annotate(&e, &f.name).map_err(|m| {
                    Failure::Compile(vec![crate::api::Diagnostic {
                        message: m.clone(),
                        line: 1,
                        col: 1,
                        end_line: 1,
                        end_col: 1,
                        rendered: m,
                    }])
                })?;
                out.push_str(&a.text);
            }
        }
    }
    Ok(out)
}

/// `u0:7` (a FuncId of the JIT module) → `%do_sum` / `%rt_vec_push`: ids depend on the
/// order of declaration, names do not. A user fn's `#generation` suffix goes too.
fn name_functions(text: &str, name: impl Fn(u32) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(k) = rest.find("u0:") {
        out.push_str(&rest[..k]);
        let after = &rest[k + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<u32>().ok().and_then(&name) {
            Some(n) => {
                out.push('%');
                out.push_str(n.split('#').next().unwrap_or(&n));
            }
            None => out.push_str(&rest[k..k + 3 + digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Integers that can only be addresses (the runtime state, workspace slots, string data are
/// baked into the code as `iconst`s) become `0x<addr>`: anything in [4 GiB, 128 TiB), where
/// user-space heap and stack live on x86-64 Linux and no constant of the seed kernels does.
fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let starts_token = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if starts_token && text[i..].starts_with("0x") {
            let len = text[i + 2..]
                .bytes()
                .take_while(|c| c.is_ascii_hexdigit() || *c == b'_')
                .count();
            let end = i + 2 + len;
            // `0x1.8p3` and the like are floats.
            let is_int = b
                .get(end)
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'.'));
            let v = u64::from_str_radix(&text[i + 2..end].replace('_', ""), 16).ok();
            if is_int && v.is_some_and(|v| (1 << 32..1 << 47).contains(&v)) {
                out.push_str("0x<addr>");
                i = end;
                continue;
            }
            out.push_str(&text[i..end]);
            i = end;
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked_and_other_numbers_kept() {
        let t = "v1 = iconst.i64 0x7f3a_1234_5670\nv2 = iconst.i64 0x3fff_ffff_ffff_fff1\nv3 = f64const 0x1.0000000000000p52\nv4 = iconst.i64 0x5555_0000_1000";
        assert_eq!(
            mask_addresses(t),
            "v1 = iconst.i64 0x<addr>\nv2 = iconst.i64 0x3fff_ffff_ffff_fff1\nv3 = f64const 0x1.0000000000000p52\nv4 = iconst.i64 0x<addr>"
        );
    }

    #[test]
    fn function_ids_become_names() {
        let names = |i: u32| match i {
            3 => Some("f#2".to_string()),
            4 => Some("rt_panic".to_string()),
            _ => None,
        };
        assert_eq!(
            name_functions(
                "function u0:3(i64)\n    fn0 = u0:4 sig0\n    fn1 = u0:9 sig1",
                names
            ),
            "function %f(i64)\n    fn0 = %rt_panic sig0\n    fn1 = u0:9 sig1"
        );
    }
}
