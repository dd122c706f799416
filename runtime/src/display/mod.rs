//! Stage 5: values as text, exactly as Rust's `{}` / `{:?}` print them (numbers go
//! through Rust's own formatter; padding follows `core::fmt::Formatter`'s rules).
//! Values are read from memory in the layout `typeck::ty::Ty::layout` defines.

mod arrays;

use crate::abi::fmt_spec::{default_spec, Align, Spec};
use crate::abi::ty::{option_payload_offset, tuple_offsets, FloatTy, IntTy, Ty};
use crate::abi::vec::{raw_slice, VecHdr};
pub use arrays::repr;

/// A spec with its runtime width/precision resolved.
pub struct Fs<'a> {
    pub spec: &'a Spec,
    pub width: Option<usize>,
    pub prec: Option<usize>,
}

impl Fs<'_> {
    fn debug(&self) -> bool {
        self.spec.kind.contains('?')
    }
}

/// `Formatter::padding` for non-numeric text (default left-aligned).
fn pad(out: &mut String, s: &str, fs: &Fs, default: Align) {
    let n = s.chars().count();
    let w = fs.width.unwrap_or(0);
    if n >= w {
        out.push_str(s);
        return;
    }
    let fill = fs.spec.fill;
    let total = w - n;
    let al = if fs.spec.align == Align::Unknown {
        default
    } else {
        fs.spec.align
    };
    let (pre, post) = match al {
        Align::Left | Align::Unknown => (0, total),
        Align::Right => (total, 0),
        Align::Center => (total / 2, total.div_ceil(2)),
    };
    out.extend(std::iter::repeat_n(fill, pre));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, post));
}

/// `Formatter::pad_integral`-style padding for a formatted number `s` (sign included).
fn pad_num(out: &mut String, s: &str, fs: &Fs) {
    if fs.spec.zero {
        let w = fs.width.unwrap_or(0);
        let n = s.chars().count();
        if n >= w {
            out.push_str(s);
            return;
        }
        let (sign, rest) = if s.starts_with('+') || s.starts_with('-') {
            s.split_at(1)
        } else {
            ("", s)
        };
        let (prefix, digits) =
            if rest.starts_with("0x") || rest.starts_with("0b") || rest.starts_with("0o") {
                rest.split_at(2)
            } else {
                ("", rest)
            };
        out.push_str(sign);
        out.push_str(prefix);
        out.extend(std::iter::repeat_n('0', w - n));
        out.push_str(digits);
        return;
    }
    pad(out, s, fs, Align::Right);
}

macro_rules! int_text {
    ($v:expr, $fs:expr) => {{
        let v = $v;
        let sp = $fs.spec;
        let k = sp.kind.trim_end_matches('?');
        match (k, sp.alternate, sp.plus) {
            ("x", false, _) => format!("{:x}", v),
            ("x", true, _) => format!("{:#x}", v),
            ("X", false, _) => format!("{:X}", v),
            ("X", true, _) => format!("{:#X}", v),
            ("o", false, _) => format!("{:o}", v),
            ("o", true, _) => format!("{:#o}", v),
            ("b", false, _) => format!("{:b}", v),
            ("b", true, _) => format!("{:#b}", v),
            ("e", _, false) => match $fs.prec {
                Some(p) => format!("{:.*e}", p, v),
                None => format!("{:e}", v),
            },
            ("e", _, true) => match $fs.prec {
                Some(p) => format!("{:+.*e}", p, v),
                None => format!("{:+e}", v),
            },
            ("E", _, false) => match $fs.prec {
                Some(p) => format!("{:.*E}", p, v),
                None => format!("{:E}", v),
            },
            ("E", _, true) => match $fs.prec {
                Some(p) => format!("{:+.*E}", p, v),
                None => format!("{:+E}", v),
            },
            (_, _, true) => format!("{:+}", v),
            _ => format!("{}", v),
        }
    }};
}

pub fn fmt_int(out: &mut String, bits: i64, it: IntTy, fs: &Fs) {
    use IntTy::*;
    let s = match it {
        I8 => int_text!(bits as i8, fs),
        I16 => int_text!(bits as i16, fs),
        I32 => int_text!(bits as i32, fs),
        I64 => int_text!(bits, fs),
        Isize => int_text!(bits as isize, fs),
        U8 => int_text!(bits as u8, fs),
        U16 => int_text!(bits as u16, fs),
        U32 => int_text!(bits as u32, fs),
        U64 => int_text!(bits as u64, fs),
        Usize => int_text!(bits as usize, fs),
    };
    pad_num(out, &s, fs);
}

macro_rules! float_text {
    ($v:expr, $fs:expr) => {{
        let v = $v;
        let sp = $fs.spec;
        let dbg = sp.kind.contains('?');
        let k = sp.kind.trim_end_matches('?');
        match ($fs.prec, k, dbg, sp.plus) {
            (None, "e", _, false) => format!("{:e}", v),
            (None, "e", _, true) => format!("{:+e}", v),
            (None, "E", _, false) => format!("{:E}", v),
            (None, "E", _, true) => format!("{:+E}", v),
            (Some(p), "e", _, false) => format!("{:.*e}", p, v),
            (Some(p), "e", _, true) => format!("{:+.*e}", p, v),
            (Some(p), "E", _, false) => format!("{:.*E}", p, v),
            (Some(p), "E", _, true) => format!("{:+.*E}", p, v),
            (None, _, true, false) => format!("{:?}", v),
            (None, _, true, true) => format!("{:+?}", v),
            (None, _, false, false) => format!("{}", v),
            (None, _, false, true) => format!("{:+}", v),
            (Some(p), _, true, false) => format!("{:.*?}", p, v),
            (Some(p), _, true, true) => format!("{:+.*?}", p, v),
            (Some(p), _, false, false) => format!("{:.*}", p, v),
            (Some(p), _, false, true) => format!("{:+.*}", p, v),
        }
    }};
}

pub fn fmt_float(out: &mut String, v: f64, f32: bool, fs: &Fs) {
    let s = if f32 {
        float_text!(v as f32, fs)
    } else {
        float_text!(v, fs)
    };
    pad_num(out, &s, fs);
}

pub fn fmt_bool(out: &mut String, b: bool, fs: &Fs) {
    pad(out, if b { "true" } else { "false" }, fs, Align::Left);
}

pub fn fmt_char(out: &mut String, c: char, fs: &Fs) {
    if fs.debug() {
        out.push_str(&format!("{c:?}"));
    } else {
        pad(out, c.encode_utf8(&mut [0; 4]), fs, Align::Left);
    }
}

pub fn fmt_str(out: &mut String, s: &str, fs: &Fs) {
    if fs.debug() {
        out.push_str(&format!("{s:?}"));
    } else {
        let s: String = match fs.prec {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        };
        pad(out, &s, fs, Align::Left);
    }
}

/// # Safety
/// `addr` must point to a live value of type `ty` in the layout of `Ty::layout`.
pub unsafe fn fmt_mem(out: &mut String, ty: &Ty, addr: *const u8, fs: &Fs) {
    unsafe {
        match ty {
            Ty::Int(it) => {
                let bits = match it.bits() {
                    8 => {
                        if it.signed() {
                            *(addr as *const i8) as i64
                        } else {
                            *addr as i64
                        }
                    }
                    16 => {
                        if it.signed() {
                            *(addr as *const i16) as i64
                        } else {
                            *(addr as *const u16) as i64
                        }
                    }
                    32 => {
                        if it.signed() {
                            *(addr as *const i32) as i64
                        } else {
                            *(addr as *const u32) as i64
                        }
                    }
                    _ => *(addr as *const i64),
                };
                fmt_int(out, bits, *it, fs)
            }
            Ty::Float(FloatTy::F64) => fmt_float(out, *(addr as *const f64), false, fs),
            Ty::Float(FloatTy::F32) => fmt_float(out, *(addr as *const f32) as f64, true, fs),
            Ty::Bool => fmt_bool(out, *addr != 0, fs),
            Ty::Char => fmt_char(
                out,
                char::from_u32(*(addr as *const u32)).unwrap_or('\u{FFFD}'),
                fs,
            ),
            Ty::Unit => pad(out, "()", fs, Align::Left),
            Ty::String => {
                let h = &**(addr as *const *const VecHdr);
                fmt_str(
                    out,
                    std::str::from_utf8_unchecked(raw_slice(h.ptr, h.len)),
                    fs,
                )
            }
            Ty::Vec(e) => {
                let h = &**(addr as *const *const VecHdr);
                fmt_seq(out, e, h.ptr, h.len, fs)
            }
            Ty::Array(e, n) => fmt_seq(out, e, addr, *n as usize, fs),
            Ty::NdD(..) => {
                let s = arrays::fmt_ndd(*(addr as *const *const u8), fs.debug(), fs.prec);
                pad(out, &s, fs, Align::Left)
            }
            Ty::Nd(..) => {
                let s = arrays::fmt_nd(ty, *(addr as *const *const u8), fs.debug(), fs.prec);
                pad(out, &s, fs, Align::Left)
            }
            // a view is its header, inline
            Ty::NdView(e, n, _) => {
                let s = arrays::fmt_nd(&Ty::Nd(e.clone(), *n), addr, fs.debug(), fs.prec);
                pad(out, &s, fs, Align::Left)
            }
            Ty::Tuple(ts) => {
                let offs = tuple_offsets(ts);
                let items: Vec<(&Ty, *const u8)> = ts
                    .iter()
                    .zip(offs)
                    .map(|(t, o)| (t, addr.add(o as usize)))
                    .collect();
                fmt_list(out, "(", ")", &items, fs, ts.len() == 1);
            }
            Ty::Option(t) => {
                if *addr == 0 {
                    pad(out, "None", fs, Align::Left)
                } else {
                    let p = addr.add(option_payload_offset(t) as usize);
                    fmt_list(out, "Some(", ")", &[(t, p)], fs, false);
                }
            }
            Ty::Ref(inner, m) => match &**inner {
                Ty::Slice(e) => {
                    let p = *(addr as *const *const u8);
                    let n = *(addr.add(8) as *const usize);
                    fmt_seq(out, e, p, n, fs)
                }
                Ty::Str => {
                    let p = *(addr as *const *const u8);
                    let n = *(addr.add(8) as *const usize);
                    fmt_str(out, std::str::from_utf8_unchecked(raw_slice(p, n)), fs)
                }
                t if t.is_scalar() && !m => fmt_mem(out, t, addr, fs),
                Ty::Vec(_) | Ty::String | Ty::Nd(..) | Ty::NdD(..) => fmt_mem(out, inner, addr, fs),
                t => fmt_mem(out, t, *(addr as *const *const u8), fs),
            },
            other => out.push_str(&format!("<{other}>")),
        }
    }
}

unsafe fn fmt_seq(out: &mut String, e: &Ty, p: *const u8, n: usize, fs: &Fs) {
    let sz = e.layout().0 as usize;
    let items: Vec<(&Ty, *const u8)> = (0..n).map(|i| (e, unsafe { p.add(i * sz) })).collect();
    unsafe { fmt_list(out, "[", "]", &items, fs, false) }
}

/// Debug lists, tuples and `Some(..)`: `{:?}` on one line, `{:#?}` one item per line,
/// indented by four spaces, with trailing commas (as `DebugList`/`DebugTuple` do).
unsafe fn fmt_list(
    out: &mut String,
    open: &str,
    close: &str,
    items: &[(&Ty, *const u8)],
    fs: &Fs,
    one_tuple: bool,
) {
    out.push_str(open);
    if fs.spec.alternate && !items.is_empty() {
        out.push('\n');
        for (t, p) in items {
            let mut s = String::new();
            unsafe { fmt_mem(&mut s, t, *p, fs) };
            for line in s.split('\n') {
                out.push_str("    ");
                out.push_str(line);
                out.push('\n');
            }
            out.pop();
            out.push_str(",\n");
        }
    } else {
        for (i, (t, p)) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            unsafe { fmt_mem(out, t, *p, fs) };
        }
        if one_tuple {
            out.push(',');
        }
    }
    out.push_str(close);
}

/// `{:?}` of a value in memory: the text/plain of a displayed result.
///
/// # Safety
/// As `fmt_mem`.
pub unsafe fn debug_text(ty: &Ty, addr: *const u8) -> String {
    let spec = default_spec(true);
    let fs = Fs {
        spec: &spec,
        width: None,
        prec: None,
    };
    let mut s = String::new();
    unsafe { fmt_mem(&mut s, ty, addr, &fs) };
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d<T: Copy>(ty: Ty, v: T) -> String {
        unsafe { debug_text(&ty, &v as *const T as *const u8) }
    }

    #[test]
    fn floats_like_rust() {
        assert_eq!(d(Ty::F64, 1.0f64), "1.0");
        assert_eq!(d(Ty::F64, 1e20f64), "1e20");
        assert_eq!(d(Ty::F64, 0.1f64 + 0.2), "0.30000000000000004");
        assert_eq!(d(Ty::Float(FloatTy::F32), 0.1f32), "0.1");
    }

    #[test]
    fn tuples_and_arrays() {
        assert_eq!(
            d(Ty::Tuple(vec![Ty::I32, Ty::F64]), (7i32, 0u32, 2.5f64)),
            "(7, 2.5)"
        );
        assert_eq!(
            d(Ty::Array(Box::new(Ty::I64), 3), [1i64, -2, 3]),
            "[1, -2, 3]"
        );
        assert_eq!(d(Ty::Option(Box::new(Ty::I32)), [1u32, 5]), "Some(5)");
        assert_eq!(d(Ty::Option(Box::new(Ty::I32)), [0u32, 5]), "None");
    }

    #[test]
    fn padding_rules() {
        let mut sp = default_spec(false);
        sp.zero = true;
        let fs = Fs {
            spec: &sp,
            width: Some(6),
            prec: Some(2),
        };
        let mut s = String::new();
        fmt_float(&mut s, -1.5, false, &fs);
        assert_eq!(s, format!("{:06.2}", -1.5f64));
        let mut sp = default_spec(false);
        sp.fill = '*';
        sp.align = Align::Center;
        let fs = Fs {
            spec: &sp,
            width: Some(7),
            prec: None,
        };
        let mut s = String::new();
        fmt_int(&mut s, 42, IntTy::I32, &fs);
        assert_eq!(s, format!("{:*^7}", 42));
        let mut s = String::new();
        fmt_str(&mut s, "ab", &fs);
        assert_eq!(s, format!("{:*^7}", "ab"));
    }
}

/// Structural `==` of two values in memory (floats compare as IEEE, like `PartialEq`).
///
/// # Safety
/// Both addresses must point to live values of type `ty`.
pub unsafe fn eq_mem(ty: &Ty, a: *const u8, b: *const u8) -> bool {
    unsafe {
        match ty {
            Ty::Float(FloatTy::F64) => *(a as *const f64) == *(b as *const f64),
            Ty::Float(FloatTy::F32) => *(a as *const f32) == *(b as *const f32),
            Ty::Int(_) | Ty::Bool | Ty::Char => {
                let n = ty.layout().0 as usize;
                raw_slice(a, n) == raw_slice(b, n)
            }
            Ty::Unit => true,
            // `assert_eq!` on arrays: ndarray's PartialEq (a box behind a pointer, a view inline)
            Ty::Nd(e, _) => arrays::eq_nd(e, *(a as *const *const u8), *(b as *const *const u8)),
            Ty::NdView(e, ..) => arrays::eq_nd(e, a, b),
            Ty::Vec(_) | Ty::String => {
                let (ha, hb) = (
                    &**(a as *const *const VecHdr),
                    &**(b as *const *const VecHdr),
                );
                let e = if let Ty::Vec(e) = ty {
                    (**e).clone()
                } else {
                    Ty::Int(IntTy::U8)
                };
                seq_eq(&e, ha.ptr, ha.len, hb.ptr, hb.len)
            }
            Ty::Array(e, n) => seq_eq(e, a, *n as usize, b, *n as usize),
            Ty::Tuple(ts) => tuple_offsets(ts)
                .iter()
                .zip(ts)
                .all(|(o, t)| eq_mem(t, a.add(*o as usize), b.add(*o as usize))),
            Ty::Option(t) => {
                let (ta, tb) = (*a, *b);
                ta == tb
                    && (ta == 0
                        || eq_mem(
                            t,
                            a.add(option_payload_offset(t) as usize),
                            b.add(option_payload_offset(t) as usize),
                        ))
            }
            Ty::Ref(inner, m) => match &**inner {
                Ty::Slice(_) | Ty::Str => {
                    let e = if let Ty::Slice(e) = &**inner {
                        (**e).clone()
                    } else {
                        Ty::Int(IntTy::U8)
                    };
                    seq_eq(
                        &e,
                        *(a as *const *const u8),
                        *(a.add(8) as *const usize),
                        *(b as *const *const u8),
                        *(b.add(8) as *const usize),
                    )
                }
                t if t.is_scalar() && !m => eq_mem(t, a, b),
                Ty::Vec(_) | Ty::String | Ty::Nd(..) => eq_mem(inner, a, b),
                t => eq_mem(t, *(a as *const *const u8), *(b as *const *const u8)),
            },
            _ => false,
        }
    }
}

unsafe fn seq_eq(e: &Ty, pa: *const u8, na: usize, pb: *const u8, nb: usize) -> bool {
    let sz = e.layout().0 as usize;
    na == nb && (0..na).all(|i| unsafe { eq_mem(e, pa.add(i * sz), pb.add(i * sz)) })
}
