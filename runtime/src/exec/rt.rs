//! Runtime support called by JIT code (`extern "C"`): Vec storage, panics, formatting
//! and libm. Panics never unwind through JIT frames: they record the message in the
//! context and set `Ctx::failure`; compiled code checks the flag after each call that
//! can fail and returns early.

use crate::abi::ctx::*;
use crate::abi::tables::Tables;
use crate::abi::ty::IntTy;
use crate::abi::vec::VecHdr;
use crate::api::Output;
use crate::display::{self, Fs};
use std::alloc::{alloc, dealloc, realloc, Layout};

/// Shared between compiled code and the runtime. Field offsets are used by `lower`.
#[repr(C)]
pub struct Ctx {
    pub failure: u32,
    pub _pad: u32,
    pub interrupt: *const u8,
    pub stack_limit: usize,
    pub st: *mut RtState,
}

// Compiled code reads these fields at `abi::ctx`'s offsets.
const _: () = {
    assert!(std::mem::offset_of!(Ctx, failure) == CTX_FAILURE as usize);
    assert!(std::mem::offset_of!(Ctx, interrupt) == CTX_INTERRUPT as usize);
    assert!(std::mem::offset_of!(Ctx, stack_limit) == CTX_STACK_LIMIT as usize);
};

/// The state of a running cell, and the tables its compiled code refers to by index.
#[derive(Default)]
pub struct RtState {
    pub tables: Tables,
    pub buf: String,
    pub panic: Option<(String, u32)>,
    pub out: Option<*const (dyn Output + 'static)>,
    /// `%timeit`'s clock: started and stopped by compiled code around the timed loop, so the
    /// setup lines (run in the same cell) and the worker thread's start are not timed.
    pub timer_start: Option<std::time::Instant>,
    pub timer_secs: f64,
}

unsafe fn st<'a>(ctx: *mut Ctx) -> &'a mut RtState {
    unsafe { &mut *(*ctx).st }
}

fn buf_layout(bytes: usize) -> Layout {
    Layout::from_size_align(bytes.max(1), 8).unwrap()
}

// ---- Vec storage ------------------------------------------------------------------

thread_local! {
    /// Vec headers allocated minus freed on this thread. Compiled code runs on a fresh worker
    /// thread per run (`worker::run`), so the value at the end of a run is what the run
    /// allocated and did not free: tests use it to catch leaks on early-exit paths.
    pub static LIVE_VECS: std::cell::Cell<i64> = const { std::cell::Cell::new(0) };
}

pub extern "C" fn rt_vec_new(esize: i64, cap: i64) -> *mut VecHdr {
    let esize = esize as usize;
    let cap = cap.max(0) as usize;
    let ptr = if cap * esize == 0 {
        std::ptr::null_mut()
    } else {
        unsafe { alloc(buf_layout(cap * esize)) }
    };
    if cap * esize != 0 && ptr.is_null() {
        std::process::abort();
    }
    LIVE_VECS.with(|c| c.set(c.get() + 1));
    Box::into_raw(Box::new(VecHdr {
        ptr,
        len: 0,
        cap,
        esize,
        owns: 0,
    }))
}

/// Make room for `extra` more elements (amortized doubling, like RawVec).
pub extern "C" fn rt_vec_reserve(h: *mut VecHdr, extra: i64) {
    let h = unsafe { &mut *h };
    let need = h.len + extra.max(0) as usize;
    if need <= h.cap {
        return;
    }
    let new_cap = need.max(h.cap * 2).max(4);
    let es = h.esize.max(1);
    h.ptr = unsafe {
        if h.ptr.is_null() {
            alloc(buf_layout(new_cap * es))
        } else {
            realloc(h.ptr, buf_layout(h.cap * es), new_cap * es)
        }
    };
    if h.ptr.is_null() {
        std::process::abort();
    }
    h.cap = new_cap;
}

pub extern "C" fn rt_vec_free(h: *mut VecHdr) {
    if h.is_null() {
        return;
    }
    // Arrays and generators share the owner machinery of Vec (one pointer, freed at scope
    // exit): their boxes carry a tag where a Vec header keeps its element size.
    if unsafe { (*h).esize } == crate::abi::ndbox::OBJ_TAG {
        return unsafe { super::array_rt::obj_free(h as *mut u8) };
    }
    LIVE_VECS.with(|c| c.set(c.get() - 1));
    let b = unsafe { Box::from_raw(h) };
    if b.owns != 0 {
        for i in 0..b.len {
            rt_vec_free(unsafe { *(b.ptr as *const *mut VecHdr).add(i) });
        }
    }
    if !b.ptr.is_null() {
        unsafe { dealloc(b.ptr, buf_layout(b.cap * b.esize.max(1))) };
    }
}

/// `*r = new` through a `&mut Vec`/`&mut String`: the owner keeps its header (others may hold
/// its address); the old contents are dropped and `new`'s header is consumed.
pub extern "C" fn rt_vec_assign(h: *mut VecHdr, new: *mut VecHdr) {
    let tmp = rt_vec_new(1, 0);
    unsafe {
        std::ptr::swap(h, tmp);
        std::ptr::swap(h, new);
    }
    rt_vec_free(tmp);
    rt_vec_free(new);
}

pub extern "C" fn rt_vec_from(p: *const u8, len: i64, esize: i64) -> *mut VecHdr {
    let h = rt_vec_new(esize, len);
    unsafe {
        if len > 0 {
            std::ptr::copy_nonoverlapping(p, (*h).ptr, len as usize * esize as usize);
        }
        (*h).len = len as usize;
    }
    h
}

pub extern "C" fn rt_vec_clone(h: *const VecHdr) -> *mut VecHdr {
    let h = unsafe { &*h };
    if h.owns != 0 {
        let out = rt_vec_new(8, h.len as i64);
        for i in 0..h.len {
            unsafe {
                *((*out).ptr as *mut *mut VecHdr).add(i) =
                    rt_vec_clone(*(h.ptr as *const *const VecHdr).add(i))
            };
        }
        unsafe {
            (*out).len = h.len;
            (*out).owns = 1;
        }
        return out;
    }
    rt_vec_from(h.ptr, h.len as i64, h.esize as i64)
}

pub extern "C" fn rt_vec_extend(h: *mut VecHdr, p: *const u8, n: i64) {
    rt_vec_reserve(h, n);
    let h = unsafe { &mut *h };
    unsafe { std::ptr::copy(p, h.ptr.add(h.len * h.esize), n as usize * h.esize) };
    h.len += n as usize;
}

/// `resize(n, value)`: `elem` points at one element.
pub extern "C" fn rt_vec_resize(h: *mut VecHdr, n: i64, elem: *const u8) {
    let n = n as usize;
    let hr = unsafe { &mut *h };
    if n > hr.len {
        rt_vec_reserve(h, (n - hr.len) as i64);
        let hr = unsafe { &mut *h };
        for i in hr.len..n {
            unsafe { std::ptr::copy_nonoverlapping(elem, hr.ptr.add(i * hr.esize), hr.esize) };
        }
    }
    unsafe { (*h).len = n };
}

/// `vec![row; n]` of an owned `row` header: n - 1 clones, then `row` itself (as `vec!` does).
pub extern "C" fn rt_vec_repeat_owned(row: *mut VecHdr, n: i64) -> *mut VecHdr {
    let n = n.max(0) as usize;
    let out = rt_vec_new(8, n as i64);
    unsafe {
        (*out).owns = 1;
        let p = (*out).ptr as *mut *mut VecHdr;
        for i in 0..n {
            *p.add(i) = if i + 1 == n { row } else { rt_vec_clone(row) };
        }
        (*out).len = n;
    }
    if n == 0 {
        rt_vec_free(row);
    }
    out
}

/// `truncate(n)` / `clear()` of a `Vec<Vec<T>>`: the dropped rows are freed.
pub extern "C" fn rt_vec_truncate_owned(h: *mut VecHdr, n: i64) {
    let h = unsafe { &mut *h };
    let n = (n.max(0) as usize).min(h.len);
    for i in n..h.len {
        rt_vec_free(unsafe { *(h.ptr as *const *mut VecHdr).add(i) });
    }
    h.len = n;
}

/// `vec![x; n]`.
pub extern "C" fn rt_vec_repeat(elem: *const u8, esize: i64, n: i64) -> *mut VecHdr {
    let h = rt_vec_new(esize, n);
    rt_vec_resize(h, n, elem);
    h
}

pub extern "C" fn rt_vec_insert(
    ctx: *mut Ctx,
    h: *mut VecHdr,
    idx: i64,
    elem: *const u8,
    line: i64,
) {
    let len = unsafe { (*h).len };
    if idx as usize > len {
        return set_panic(
            ctx,
            format!("insertion index (is {idx}) should be <= len (is {len})"),
            line,
        );
    }
    rt_vec_reserve(h, 1);
    let h = unsafe { &mut *h };
    let es = h.esize;
    unsafe {
        let p = h.ptr.add(idx as usize * es);
        std::ptr::copy(p, p.add(es), (len - idx as usize) * es);
        std::ptr::copy_nonoverlapping(elem, p, es);
    }
    h.len += 1;
}

pub extern "C" fn rt_vec_remove(ctx: *mut Ctx, h: *mut VecHdr, idx: i64, out: *mut u8, line: i64) {
    let h = unsafe { &mut *h };
    if idx as usize >= h.len {
        return set_panic(
            ctx,
            format!("removal index (is {idx}) should be < len (is {})", h.len),
            line,
        );
    }
    let es = h.esize;
    unsafe {
        let p = h.ptr.add(idx as usize * es);
        std::ptr::copy_nonoverlapping(p, out, es);
        std::ptr::copy(p.add(es), p, (h.len - idx as usize - 1) * es);
    }
    h.len -= 1;
}

// ---- panics -----------------------------------------------------------------------

pub(crate) fn set_panic(ctx: *mut Ctx, msg: String, line: i64) {
    unsafe {
        let s = st(ctx);
        if s.panic.is_none() {
            s.panic = Some((msg, line as u32));
        }
        (*ctx).failure = FAIL_PANIC;
    }
}

pub extern "C" fn rt_panic_bounds(ctx: *mut Ctx, idx: i64, len: i64, line: i64) {
    set_panic(
        ctx,
        format!(
            "index out of bounds: the len is {} but the index is {}",
            len as u64, idx as u64
        ),
        line,
    );
}

pub extern "C" fn rt_panic_static(ctx: *mut Ctx, code: i64, line: i64) {
    set_panic(ctx, PANIC_MSGS[code as usize].to_string(), line);
}

/// The message is the formatting buffer.
pub extern "C" fn rt_panic_buf(ctx: *mut Ctx, line: i64) {
    let msg = std::mem::take(unsafe { &mut st(ctx).buf });
    set_panic(ctx, msg, line);
}

pub extern "C" fn rt_panic_str(ctx: *mut Ctx, p: *const u8, n: i64, line: i64) {
    let s = unsafe { std::str::from_utf8_unchecked(crate::abi::vec::raw_slice(p, n as usize)) };
    set_panic(ctx, s.to_string(), line);
}

/// `i.clamp(min, max)` with min > max; `kind` is the bit width, negative for signed types.
pub extern "C" fn rt_panic_iclamp(ctx: *mut Ctx, lo: i64, hi: i64, kind: i64, line: i64) {
    let sh = 64 - kind.unsigned_abs() as u32;
    let show = |v: i64| {
        if kind < 0 {
            format!("{}", (v << sh) >> sh)
        } else {
            format!("{}", ((v as u64) << sh) >> sh)
        }
    };
    set_panic(
        ctx,
        format!("min > max. min = {}, max = {}", show(lo), show(hi)),
        line,
    );
}

/// `f.clamp(min, max)` unless min <= max; `f32` when the operands were f32 (promoted exactly).
pub extern "C" fn rt_panic_fclamp(ctx: *mut Ctx, lo: f64, hi: f64, f32: i64, line: i64) {
    let m = if f32 != 0 {
        format!(
            "min > max, or either was NaN. min = {:?}, max = {:?}",
            lo as f32, hi as f32
        )
    } else {
        format!("min > max, or either was NaN. min = {lo:?}, max = {hi:?}")
    };
    set_panic(ctx, m, line);
}

/// `&v[lo..hi]` / `&v[lo..=hi]` (`incl` = 1) out of range: rustc's slice_index messages, start
/// checked first, the end shown as written.
pub extern "C" fn rt_panic_slice(ctx: *mut Ctx, lo: i64, hi: i64, len: i64, incl: i64, line: i64) {
    let (lo, hi, len) = (lo as u64, hi as u64, len as u64);
    let end = hi as u128 + (incl != 0) as u128;
    let m = if lo > len {
        format!("range start index {lo} out of range for slice of length {len}")
    } else if lo as u128 > end {
        format!("slice index starts at {lo} but ends at {end}")
    } else {
        format!("range end index {hi} out of range for slice of length {len}")
    };
    set_panic(ctx, m, line);
}

// ---- formatting -------------------------------------------------------------------

unsafe fn fs<'a>(s: &'a RtState, spec: i64, w: i64, p: i64) -> Fs<'a> {
    Fs {
        spec: &s.tables.specs[spec as usize],
        width: (w >= 0).then_some(w as usize),
        prec: (p >= 0).then_some(p as usize),
    }
}

pub extern "C" fn rt_fmt_begin(ctx: *mut Ctx) {
    unsafe { st(ctx).buf.clear() }
}

pub extern "C" fn rt_fmt_lit(ctx: *mut Ctx, p: *const u8, n: i64) {
    let s = unsafe { std::str::from_utf8_unchecked(crate::abi::vec::raw_slice(p, n as usize)) };
    unsafe { st(ctx).buf.push_str(s) }
}

pub extern "C" fn rt_fmt_int(ctx: *mut Ctx, v: i64, code: i64, spec: i64, w: i64, p: i64) {
    let s = unsafe { st(ctx) };
    let mut buf = std::mem::take(&mut s.buf);
    display::fmt_int(&mut buf, v, int_ty(code), &unsafe { fs(s, spec, w, p) });
    s.buf = buf;
}

pub extern "C" fn rt_fmt_float(ctx: *mut Ctx, v: f64, is32: i64, spec: i64, w: i64, p: i64) {
    let s = unsafe { st(ctx) };
    let mut buf = std::mem::take(&mut s.buf);
    display::fmt_float(&mut buf, v, is32 != 0, &unsafe { fs(s, spec, w, p) });
    s.buf = buf;
}

/// Any value in memory (`addr` points at it), by its interned type.
pub extern "C" fn rt_fmt_mem(ctx: *mut Ctx, addr: *const u8, ty: i64, spec: i64, w: i64, p: i64) {
    let s = unsafe { st(ctx) };
    let mut buf = std::mem::take(&mut s.buf);
    let t = s.tables.types[ty as usize].clone();
    let f = unsafe { fs(s, spec, w, p) };
    // A panic must not unwind out of an `extern "C"` fn (that aborts the kernel): formatting
    // calls into ndarray (`fmt_nd`), whose checks would panic only on a header that does not
    // match its type — a compiler bug, reported as the cell's error instead of a crash.
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
        display::fmt_mem(&mut buf, &t, addr, &f);
        buf
    }));
    match r {
        Ok(b) => s.buf = b,
        Err(e) => {
            let m = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|x| x.to_string()));
            set_panic(ctx, format!("internal error of the fast tier while formatting a `{t:?}`: {} (please report it; `%%rust` runs the cell with rustc)", m.unwrap_or_default()), 0);
        }
    }
}

/// Send the buffer to stdout (0) or stderr (1).
pub extern "C" fn rt_fmt_print(ctx: *mut Ctx, stream: i64) {
    let s = unsafe { st(ctx) };
    if let Some(o) = s.out {
        let o = unsafe { &*o };
        if stream == 0 {
            o.stdout(&s.buf)
        } else {
            o.stderr(&s.buf)
        }
    }
    s.buf.clear();
}

/// The buffer as a new `String` (format!).
pub extern "C" fn rt_fmt_string(ctx: *mut Ctx) -> *mut VecHdr {
    let s = unsafe { st(ctx) };
    let h = rt_vec_from(s.buf.as_ptr(), s.buf.len() as i64, 1);
    s.buf.clear();
    h
}

pub extern "C" fn rt_string_push(h: *mut VecHdr, c: i32) {
    let ch = char::from_u32(c as u32).unwrap_or('\u{FFFD}');
    let mut b = [0u8; 4];
    let s = ch.encode_utf8(&mut b);
    rt_vec_extend(h, s.as_ptr(), s.len() as i64);
}

// ---- integers ---------------------------------------------------------------------

macro_rules! by_int {
    ($code:expr, $v:ident, $body:expr) => {{
        match int_ty($code) {
            IntTy::I8 => {
                let $v = |x: i64| x as i8;
                $body
            }
            IntTy::I16 => {
                let $v = |x: i64| x as i16;
                $body
            }
            IntTy::I32 => {
                let $v = |x: i64| x as i32;
                $body
            }
            IntTy::I64 | IntTy::Isize => {
                let $v = |x: i64| x;
                $body
            }
            IntTy::U8 => {
                let $v = |x: i64| x as u8;
                $body
            }
            IntTy::U16 => {
                let $v = |x: i64| x as u16;
                $body
            }
            IntTy::U32 => {
                let $v = |x: i64| x as u32;
                $body
            }
            IntTy::U64 | IntTy::Usize => {
                let $v = |x: i64| x as u64;
                $body
            }
        }
    }};
}

/// `pow` (release: wraps) and `wrapping_pow`.
pub extern "C" fn rt_int_pow(a: i64, e: i64, code: i64) -> i64 {
    by_int!(code, c, c(a).wrapping_pow(e as u32) as i64)
}

/// `checked_*`: writes the result and returns 1, or returns 0 (None).
/// ops: 0 add 1 sub 2 mul 3 div 4 rem 5 neg 6 pow 7 shl 8 shr
pub extern "C" fn rt_int_checked(op: i64, a: i64, b: i64, code: i64, out: *mut i64) -> i64 {
    let r: Option<i64> = by_int!(code, c, {
        let (x, y) = (c(a), c(b));
        match op {
            0 => x.checked_add(y).map(|v| v as i64),
            1 => x.checked_sub(y).map(|v| v as i64),
            2 => x.checked_mul(y).map(|v| v as i64),
            3 => x.checked_div(y).map(|v| v as i64),
            4 => x.checked_rem(y).map(|v| v as i64),
            5 => x.checked_neg().map(|v| v as i64),
            6 => x.checked_pow(b as u32).map(|v| v as i64),
            7 => x.checked_shl(b as u32).map(|v| v as i64),
            _ => x.checked_shr(b as u32).map(|v| v as i64),
        }
    });
    match r {
        Some(v) => {
            unsafe { *out = v };
            1
        }
        None => 0,
    }
}

/// `saturating_*`: ops 0 add 1 sub 2 mul 3 pow.
pub extern "C" fn rt_int_saturating(op: i64, a: i64, b: i64, code: i64) -> i64 {
    by_int!(code, c, {
        let (x, y) = (c(a), c(b));
        (match op {
            0 => x.saturating_add(y),
            1 => x.saturating_sub(y),
            2 => x.saturating_mul(y),
            _ => x.saturating_pow(b as u32),
        }) as i64
    })
}

// ---- floats: Rust's own functions, so results equal rustc's bit for bit ------------

macro_rules! f_unary {
    ($($name:ident: $t:ty => $m:ident;)*) => {
        $(pub extern "C" fn $name(x: $t) -> $t { x.$m() })*
        pub const F_UNARY: &[(&str, *const u8)] = &[$((stringify!($name), $name as *const u8)),*];
    };
}

f_unary! {
    rt_f64_cbrt: f64 => cbrt; rt_f64_exp: f64 => exp; rt_f64_exp2: f64 => exp2; rt_f64_exp_m1: f64 => exp_m1;
    rt_f64_ln: f64 => ln; rt_f64_ln_1p: f64 => ln_1p; rt_f64_log10: f64 => log10; rt_f64_log2: f64 => log2;
    rt_f64_sin: f64 => sin; rt_f64_cos: f64 => cos; rt_f64_tan: f64 => tan; rt_f64_sinh: f64 => sinh;
    rt_f64_cosh: f64 => cosh; rt_f64_tanh: f64 => tanh; rt_f64_asin: f64 => asin; rt_f64_acos: f64 => acos;
    rt_f64_atan: f64 => atan; rt_f64_asinh: f64 => asinh; rt_f64_acosh: f64 => acosh; rt_f64_atanh: f64 => atanh;
    rt_f64_round: f64 => round; rt_f64_signum: f64 => signum; rt_f64_to_radians: f64 => to_radians; rt_f64_to_degrees: f64 => to_degrees;
    rt_f64_fract: f64 => fract; rt_f64_recip: f64 => recip;
    rt_f32_cbrt: f32 => cbrt; rt_f32_exp: f32 => exp; rt_f32_exp2: f32 => exp2; rt_f32_exp_m1: f32 => exp_m1;
    rt_f32_ln: f32 => ln; rt_f32_ln_1p: f32 => ln_1p; rt_f32_log10: f32 => log10; rt_f32_log2: f32 => log2;
    rt_f32_sin: f32 => sin; rt_f32_cos: f32 => cos; rt_f32_tan: f32 => tan; rt_f32_sinh: f32 => sinh;
    rt_f32_cosh: f32 => cosh; rt_f32_tanh: f32 => tanh; rt_f32_asin: f32 => asin; rt_f32_acos: f32 => acos;
    rt_f32_atan: f32 => atan; rt_f32_asinh: f32 => asinh; rt_f32_acosh: f32 => acosh; rt_f32_atanh: f32 => atanh;
    rt_f32_round: f32 => round; rt_f32_signum: f32 => signum; rt_f32_to_radians: f32 => to_radians; rt_f32_to_degrees: f32 => to_degrees;
    rt_f32_fract: f32 => fract; rt_f32_recip: f32 => recip;
}

macro_rules! f_binary {
    ($($name:ident: $t:ty => $m:ident;)*) => {
        $(pub extern "C" fn $name(x: $t, y: $t) -> $t { x.$m(y) })*
        pub const F_BINARY: &[(&str, *const u8)] = &[$((stringify!($name), $name as *const u8)),*];
    };
}

f_binary! {
    rt_f64_powf: f64 => powf; rt_f64_atan2: f64 => atan2; rt_f64_hypot: f64 => hypot;
    rt_f64_log: f64 => log; rt_f64_rem_euclid: f64 => rem_euclid; rt_f64_div_euclid: f64 => div_euclid;
    rt_f32_powf: f32 => powf; rt_f32_atan2: f32 => atan2; rt_f32_hypot: f32 => hypot;
    rt_f32_log: f32 => log; rt_f32_rem_euclid: f32 => rem_euclid; rt_f32_div_euclid: f32 => div_euclid;
}

// min/max: NaN-ignoring, and -0.0 < +0.0 (what rustc's constant folding of
// `f64::max`/`min` gives, i.e. IEEE 754-2019 minimumNumber/maximumNumber).
macro_rules! minmax {
    ($min:ident, $max:ident, $t:ty) => {
        pub extern "C" fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() {
                b
            } else if b.is_nan() {
                a
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
        pub extern "C" fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() {
                b
            } else if b.is_nan() {
                a
            } else if a == b {
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
    };
}
minmax!(rt_f64_min, rt_f64_max, f64);
minmax!(rt_f32_min, rt_f32_max, f32);

pub extern "C" fn rt_f64_powi(x: f64, n: i32) -> f64 {
    x.powi(n)
}
pub extern "C" fn rt_f32_powi(x: f32, n: i32) -> f32 {
    x.powi(n)
}
pub extern "C" fn rt_f64_mul_add(x: f64, a: f64, b: f64) -> f64 {
    x.mul_add(a, b)
}
pub extern "C" fn rt_f32_mul_add(x: f32, a: f32, b: f32) -> f32 {
    x.mul_add(a, b)
}

pub extern "C" fn rt_timer_start(ctx: *mut Ctx) {
    unsafe { st(ctx) }.timer_start = Some(std::time::Instant::now());
}

pub extern "C" fn rt_timer_stop(ctx: *mut Ctx) {
    let s = unsafe { st(ctx) };
    s.timer_secs = s
        .timer_start
        .map(|t| t.elapsed().as_secs_f64())
        .unwrap_or(0.0);
}

/// Every runtime symbol, for the JIT's symbol table.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    let mut v: Vec<(&'static str, *const u8)> = vec![
        ("rt_vec_new", rt_vec_new as *const u8),
        ("rt_timer_start", rt_timer_start as *const u8),
        ("rt_timer_stop", rt_timer_stop as *const u8),
        ("rt_vec_reserve", rt_vec_reserve as *const u8),
        ("rt_vec_free", rt_vec_free as *const u8),
        ("rt_vec_assign", rt_vec_assign as *const u8),
        ("rt_vec_repeat_owned", rt_vec_repeat_owned as *const u8),
        ("rt_vec_truncate_owned", rt_vec_truncate_owned as *const u8),
        ("rt_vec_from", rt_vec_from as *const u8),
        ("rt_vec_clone", rt_vec_clone as *const u8),
        ("rt_vec_extend", rt_vec_extend as *const u8),
        ("rt_vec_resize", rt_vec_resize as *const u8),
        ("rt_vec_repeat", rt_vec_repeat as *const u8),
        ("rt_vec_insert", rt_vec_insert as *const u8),
        ("rt_vec_remove", rt_vec_remove as *const u8),
        ("rt_panic_bounds", rt_panic_bounds as *const u8),
        ("rt_panic_static", rt_panic_static as *const u8),
        ("rt_panic_buf", rt_panic_buf as *const u8),
        ("rt_panic_str", rt_panic_str as *const u8),
        ("rt_panic_slice", rt_panic_slice as *const u8),
        ("rt_panic_iclamp", rt_panic_iclamp as *const u8),
        ("rt_panic_fclamp", rt_panic_fclamp as *const u8),
        ("rt_fmt_begin", rt_fmt_begin as *const u8),
        ("rt_fmt_lit", rt_fmt_lit as *const u8),
        ("rt_fmt_int", rt_fmt_int as *const u8),
        ("rt_fmt_float", rt_fmt_float as *const u8),
        ("rt_fmt_mem", rt_fmt_mem as *const u8),
        ("rt_fmt_print", rt_fmt_print as *const u8),
        ("rt_fmt_string", rt_fmt_string as *const u8),
        ("rt_string_push", rt_string_push as *const u8),
        ("rt_int_pow", rt_int_pow as *const u8),
        ("rt_int_checked", rt_int_checked as *const u8),
        ("rt_int_saturating", rt_int_saturating as *const u8),
        ("rt_f64_powi", rt_f64_powi as *const u8),
        ("rt_f32_powi", rt_f32_powi as *const u8),
        ("rt_f64_mul_add", rt_f64_mul_add as *const u8),
        ("rt_f32_mul_add", rt_f32_mul_add as *const u8),
        ("rt_f64_rem", rt_f64_rem as *const u8),
        ("rt_eq_mem", rt_eq_mem as *const u8),
        ("rt_f64_min", rt_f64_min as *const u8),
        ("rt_f64_max", rt_f64_max as *const u8),
        ("rt_f32_min", rt_f32_min as *const u8),
        ("rt_f32_max", rt_f32_max as *const u8),
        ("rt_f32_rem", rt_f32_rem as *const u8),
    ];
    v.extend_from_slice(F_UNARY);
    v.extend_from_slice(F_BINARY);
    v.extend(super::array_rt::symbols());
    v.extend(super::vmath::symbols());
    v
}

pub extern "C" fn rt_f64_rem(x: f64, y: f64) -> f64 {
    x % y
}
pub extern "C" fn rt_f32_rem(x: f32, y: f32) -> f32 {
    x % y
}

/// Structural equality of two values of interned type `ty` (aggregates, Vecs, strings).
pub extern "C" fn rt_eq_mem(ctx: *mut Ctx, a: *const u8, b: *const u8, ty: i64) -> i8 {
    let s = unsafe { st(ctx) };
    let t = s.tables.types[ty as usize].clone();
    unsafe { display::eq_mem(&t, a, b) as i8 }
}
