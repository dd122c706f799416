//! `extern "C"` shims for the accel prelude's `Chunked` (see `array_rt` for the conventions:
//! context first, cell line last, library panics become the cell's panic with the library's
//! text). A `Chunked` value is a pointer to a [`ChBox`]; `compute()` returns an `NdBox<f64>`
//! holding the library's `ArrayD<f64>` (typeck's `ArrayD`, `Ty::NdD`).
//!
//! A compute runs the library's graph on rayon's threads. For its duration [`computing`]
//! lends the library the running cell's:
//! * the interrupt flag (`accel::chunked::interrupt::with_flag`): an interrupt stops the
//!   remaining blocks and the cell ends with `KeyboardInterrupt`;
//! * a progress hook forwarding to the cell's `Output::progress` (the same bar as the rustc
//!   tier, after ~1 s);
//!
//! User fns passed to `map_blocks`/`mapv` are called by the library on its worker threads:
//! [`call_jit`] gives each call its own `Ctx` (the compiling fast tier's tables, interrupt flag
//! and current output, with the stack limit of the calling thread). A panic in
//!   the fn (a fast-tier panic: the failure flag, never an unwind through JIT frames) is
//!   re-raised on the worker as a Rust panic carrying a [`JitFailure`]; rayon hands it to the
//!   thread that called `compute`, whose guard turns it back into the cell's panic with the
//!   fn's own message and line. Nothing aborts and the kernel survives.

use super::array_rt::{new_box, QUIET};
use super::rt::{set_panic, Ctx, RtState};
use crate::abi::ctx::{FAIL_INTERRUPT, FAIL_PANIC, FAIL_STACK};
use crate::abi::ndbox::{arr, owned_arr, NdBox, OBJ_TAG};
use crate::abi::symbols::CHUNKED_UNARY;
use crate::abi::ty::Ty;
use crate::abi::vec::VecHdr;
use accel::chunked::{Chunks, IntoChunks};
use accel::prelude::*;
use ndarray::{ArrayViewD, SliceInfoElem};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

#[repr(C)]
struct ChBox {
    _pad: [usize; 3],
    tag: usize,
    drop: unsafe fn(*mut u8),
    c: Chunked,
    /// `chunks()` as the fast tier's `&[Vec<usize>]`: row headers over the library's own
    /// lengths (a box never changes while it lives, so they stay valid with it).
    rows: std::cell::OnceCell<(Vec<VecHdr>, Vec<*const VecHdr>)>,
}

unsafe fn drop_ch(p: *mut u8) {
    drop(unsafe { Box::from_raw(p as *mut ChBox) });
}

fn new_ch(c: Chunked) -> *mut u8 {
    Box::into_raw(Box::new(ChBox {
        _pad: [0; 3],
        tag: OBJ_TAG,
        drop: drop_ch,
        c,
        rows: Default::default(),
    })) as *mut u8
}

/// # Safety
/// `p` must be a live `ChBox`.
unsafe fn ch<'a>(p: *const u8) -> &'a Chunked {
    unsafe { &(*(p as *const ChBox)).c }
}

/// The prelude's elementwise float methods of `Chunked`, in the order typeck numbers them
/// (then `powi`, `powf`).
/// What a user fn failing on a worker thread carries back to `compute`'s thread.
pub struct JitFailure {
    pub code: u32,
    pub message: String,
    pub line: u32,
}

/// Library code that may panic or fail; a [`JitFailure`] keeps its code, message and line.
fn guard<R>(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Result<R, String>) -> Option<R> {
    super::array_rt::quiet_hook();
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    let (msg, line) = match r {
        Ok(Ok(v)) => return Some(v),
        Ok(Err(m)) => (m, line),
        Err(p) => match p.downcast::<JitFailure>() {
            Ok(j) => {
                if j.code != FAIL_PANIC {
                    unsafe { (*ctx).failure = j.code };
                    return None;
                }
                (j.message, j.line as i64)
            }
            Err(p) => (
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "Box<dyn Any>".into()),
                line,
            ),
        },
    };
    set_panic(ctx, msg, line);
    None
}

fn boxed_ch(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Chunked) -> *mut u8 {
    guard(ctx, line, || Ok(f()))
        .map(new_ch)
        .unwrap_or(std::ptr::null_mut())
}

/// A chunk spec from its encoding (see `typeck/chunked.rs`): 0 a shape, 1 one length, 2 a
/// byte budget string.
#[allow(clippy::too_many_arguments)]
fn chunks(
    mode: i64,
    n: i64,
    c0: i64,
    c1: i64,
    c2: i64,
    sp: *const u8,
    sl: i64,
) -> Box<dyn FnOnce() -> accel::Result<Chunks>> {
    match mode {
        0 => {
            let v: Vec<usize> = [c0, c1, c2][..n as usize]
                .iter()
                .map(|&x| x as usize)
                .collect();
            Box::new(move || IntoChunks::into_chunks(v))
        }
        1 => Box::new(move || IntoChunks::into_chunks(c0 as usize)),
        // a `Vec<usize>` (c0 is its header), a `Vec<Vec<usize>>`, a `&[usize]` (in the str slot)
        3 => {
            let v = unsafe { usizes(c0 as *const VecHdr) };
            Box::new(move || IntoChunks::into_chunks(v))
        }
        4 => {
            let h = unsafe { &*(c0 as *const VecHdr) };
            let v: Vec<Vec<usize>> = (0..h.len)
                .map(|i| unsafe { usizes(*(h.ptr as *const *const VecHdr).add(i)) })
                .collect();
            Box::new(move || IntoChunks::into_chunks(v))
        }
        5 => {
            let v = unsafe { crate::abi::vec::raw_slice(sp as *const usize, sl as usize) }.to_vec();
            Box::new(move || IntoChunks::into_chunks(&v[..]))
        }
        _ => {
            let s = unsafe {
                std::str::from_utf8_unchecked(crate::abi::vec::raw_slice(sp, sl as usize))
            }
            .to_string();
            Box::new(move || s.as_str().into_chunks())
        }
    }
}

/// The elements of a fast-tier `Vec<usize>`.
///
/// # Safety
/// `h` must be a live header of 8-byte elements.
unsafe fn usizes(h: *const VecHdr) -> Vec<usize> {
    let h = unsafe { &*h };
    if h.len == 0 {
        vec![]
    } else {
        unsafe { crate::abi::vec::raw_slice(h.ptr as *const usize, h.len) }.to_vec()
    }
}

/// `Chunks` implements `IntoChunks`; a spec that fails to parse is carried by the result
/// (as the library does for a bad `&str`): hand it back through a spec that fails the same way.
struct Spec(Box<dyn FnOnce() -> accel::Result<Chunks>>);
impl IntoChunks for Spec {
    fn into_chunks(self) -> accel::Result<Chunks> {
        (self.0)()
    }
}

fn shape(n: i64, d0: i64, d1: i64, d2: i64) -> IxDyn {
    IxDyn(&[d0 as usize, d1 as usize, d2 as usize][..n as usize])
}

// ---- constructors --------------------------------------------------------------------

#[allow(clippy::too_many_arguments)]
pub extern "C" fn nd_ch_random(
    ctx: *mut Ctx,
    dist: i64,
    a: f64,
    b: f64,
    sn: i64,
    s0: i64,
    s1: i64,
    s2: i64,
    mode: i64,
    cn: i64,
    c0: i64,
    c1: i64,
    c2: i64,
    sp: *const u8,
    sl: i64,
    seed: i64,
    line: i64,
) -> *mut u8 {
    let spec = Spec(chunks(mode, cn, c0, c1, c2, sp, sl));
    let sh = shape(sn, s0, s1, s2);
    boxed_ch(ctx, line, || {
        if dist == 0 {
            Chunked::random_normal(a, b, sh, spec, seed as u64)
        } else {
            Chunked::random_uniform(a, b, sh, spec, seed as u64)
        }
    })
}

#[allow(clippy::too_many_arguments)]
pub extern "C" fn nd_ch_full(
    ctx: *mut Ctx,
    sn: i64,
    s0: i64,
    s1: i64,
    s2: i64,
    v: f64,
    mode: i64,
    cn: i64,
    c0: i64,
    c1: i64,
    c2: i64,
    sp: *const u8,
    sl: i64,
    line: i64,
) -> *mut u8 {
    let spec = Spec(chunks(mode, cn, c0, c1, c2, sp, sl));
    let sh = shape(sn, s0, s1, s2);
    boxed_ch(ctx, line, || Chunked::full(sh, v, spec))
}

macro_rules! from_array {
    ($name:ident, $t:ty) => {
        #[allow(clippy::too_many_arguments)]
        pub extern "C" fn $name(
            ctx: *mut Ctx,
            a: *const u8,
            mode: i64,
            cn: i64,
            c0: i64,
            c1: i64,
            c2: i64,
            sp: *const u8,
            sl: i64,
            line: i64,
        ) -> *mut u8 {
            let spec = Spec(chunks(mode, cn, c0, c1, c2, sp, sl));
            boxed_ch(ctx, line, || {
                Chunked::from_array(&unsafe { arr::<$t>(a) }, spec)
            })
        }
    };
}
from_array!(nd_ch_from_array_f64, f64);
from_array!(nd_ch_from_array_f32, f32);
from_array!(nd_ch_from_array_i64, i64);
from_array!(nd_ch_from_array_i32, i32);

fn str_of<'a>(p: *const u8, n: i64) -> &'a str {
    unsafe { std::str::from_utf8_unchecked(crate::abi::vec::raw_slice(p, n as usize)) }
}

#[allow(clippy::too_many_arguments)]
pub extern "C" fn nd_ch_from_npy(
    ctx: *mut Ctx,
    pp: *const u8,
    pl: i64,
    mode: i64,
    cn: i64,
    c0: i64,
    c1: i64,
    c2: i64,
    sp: *const u8,
    sl: i64,
    line: i64,
) -> *mut u8 {
    let spec = Spec(chunks(mode, cn, c0, c1, c2, sp, sl));
    let path = str_of(pp, pl).to_string();
    boxed_ch(ctx, line, || Chunked::from_npy(path, spec))
}

// ---- lazy operations ------------------------------------------------------------------

pub extern "C" fn nd_ch_reduce(
    ctx: *mut Ctx,
    c: *const u8,
    kind: i64,
    axis: i64,
    ddof: f64,
    line: i64,
) -> *mut u8 {
    let c = unsafe { ch(c) };
    boxed_ch(ctx, line, || {
        if axis < 0 {
            match kind {
                0 => c.sum(),
                1 => c.mean(),
                2 => c.min(),
                3 => c.max(),
                4 => c.var(ddof),
                _ => c.std(ddof),
            }
        } else {
            let ax = Axis(axis as usize);
            match kind {
                0 => c.sum_axis(ax),
                1 => c.mean_axis(ax),
                2 => c.min_axis(ax),
                3 => c.max_axis(ax),
                4 => c.var_axis(ax, ddof),
                _ => c.std_axis(ax, ddof),
            }
        }
    })
}

/// `s![..]` from 5 numbers per element (kind, start, end, has end, step).
pub extern "C" fn nd_ch_slice(
    ctx: *mut Ctx,
    c: *const u8,
    info: *const VecHdr,
    line: i64,
) -> *mut u8 {
    let c = unsafe { ch(c) };
    let v: &[i64] = unsafe { crate::abi::vec::raw_slice((*info).ptr as *const i64, (*info).len) };
    let elems: Vec<SliceInfoElem> = v
        .chunks(5)
        .map(|e| match e[0] {
            0 => SliceInfoElem::Slice {
                start: e[1] as isize,
                end: (e[3] != 0).then_some(e[2] as isize),
                step: e[4] as isize,
            },
            1 => SliceInfoElem::Index(e[1] as isize),
            _ => SliceInfoElem::NewAxis,
        })
        .collect();
    boxed_ch(ctx, line, || c.slice(elems))
}

#[allow(clippy::too_many_arguments)]
pub extern "C" fn nd_ch_rechunk(
    ctx: *mut Ctx,
    c: *const u8,
    mode: i64,
    cn: i64,
    c0: i64,
    c1: i64,
    c2: i64,
    sp: *const u8,
    sl: i64,
    line: i64,
) -> *mut u8 {
    let c = unsafe { ch(c) };
    let spec = Spec(chunks(mode, cn, c0, c1, c2, sp, sl));
    boxed_ch(ctx, line, || c.rechunk(spec))
}

pub extern "C" fn nd_ch_clone(ctx: *mut Ctx, c: *const u8, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    boxed_ch(ctx, line, || c.clone())
}

pub extern "C" fn nd_ch_t(ctx: *mut Ctx, c: *const u8, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    boxed_ch(ctx, line, || c.t())
}

pub extern "C" fn nd_ch_unary(
    ctx: *mut Ctx,
    c: *const u8,
    code: i64,
    p: f64,
    line: i64,
) -> *mut u8 {
    let c = unsafe { ch(c) };
    boxed_ch(ctx, line, || {
        match CHUNKED_UNARY.get(code as usize).copied() {
            Some("sin") => c.sin(),
            Some("cos") => c.cos(),
            Some("tan") => c.tan(),
            Some("sinh") => c.sinh(),
            Some("cosh") => c.cosh(),
            Some("tanh") => c.tanh(),
            Some("asin") => c.asin(),
            Some("acos") => c.acos(),
            Some("atan") => c.atan(),
            Some("exp") => c.exp(),
            Some("exp_m1") => c.exp_m1(),
            Some("ln") => c.ln(),
            Some("ln_1p") => c.ln_1p(),
            Some("log10") => c.log10(),
            Some("log2") => c.log2(),
            Some("sqrt") => c.sqrt(),
            Some("cbrt") => c.cbrt(),
            Some("abs") => c.abs(),
            Some("floor") => c.floor(),
            Some("ceil") => c.ceil(),
            Some("round") => c.round(),
            Some("signum") => c.signum(),
            Some("recip") => c.recip(),
            _ if code as usize == CHUNKED_UNARY.len() => c.powi(p as i32),
            _ => c.powf(p),
        }
    })
}

/// `a OP b`: 0 + 1 - 2 * 3 /, 4 maximum, 5 minimum, 6 pow.
pub extern "C" fn nd_ch_binary(
    ctx: *mut Ctx,
    a: *const u8,
    b: *const u8,
    op: i64,
    line: i64,
) -> *mut u8 {
    let (a, b) = unsafe { (ch(a), ch(b)) };
    boxed_ch(ctx, line, || match op {
        0 => a + b,
        1 => a - b,
        2 => a * b,
        3 => a / b,
        4 => a.maximum(b),
        5 => a.minimum(b),
        _ => a.pow(b),
    })
}

/// `a OP s` (side 0) or `s OP a` (side 1).
pub extern "C" fn nd_ch_binary_s(
    ctx: *mut Ctx,
    a: *const u8,
    s: f64,
    op: i64,
    side: i64,
    line: i64,
) -> *mut u8 {
    let a = unsafe { ch(a) };
    boxed_ch(ctx, line, || match (op, side) {
        (0, 0) => a + s,
        (1, 0) => a - s,
        (2, 0) => a * s,
        (3, 0) => a / s,
        (0, _) => s + a,
        (1, _) => s - a,
        (2, _) => s * a,
        _ => s / a,
    })
}

pub extern "C" fn nd_ch_count(_ctx: *mut Ctx, c: *const u8, code: i64, _line: i64) -> i64 {
    let c = unsafe { ch(c) };
    (match code {
        0 => c.ndim(),
        1 => c.size(),
        2 => c.npartitions(),
        3 => c.task_count(),
        4 => c.layer_count(),
        _ => c.nbytes(),
    }) as i64
}

/// `chunks()`: the rows of a `&[Vec<usize>]` (pointer, then length), made once per box.
pub extern "C" fn nd_ch_chunks_ptr(p: *const u8) -> *const *const VecHdr {
    let b = unsafe { &*(p as *const ChBox) };
    let (_, ptrs) = b.rows.get_or_init(|| {
        let hdrs: Vec<VecHdr> =
            b.c.chunks()
                .iter()
                .map(|v| VecHdr {
                    ptr: v.as_ptr() as *mut u8,
                    len: v.len(),
                    cap: v.len(),
                    esize: 8,
                    owns: 0,
                })
                .collect();
        let ptrs = hdrs.iter().map(|h| h as *const VecHdr).collect();
        (hdrs, ptrs)
    });
    ptrs.as_ptr()
}
pub extern "C" fn nd_ch_chunks_len(p: *const u8) -> i64 {
    unsafe { ch(p) }.chunks().len() as i64
}

/// `chunksize()`: a new `Vec<usize>` of the fast tier.
pub extern "C" fn nd_ch_chunksize(_ctx: *mut Ctx, c: *const u8, _line: i64) -> *mut VecHdr {
    let v = unsafe { ch(c) }.chunksize();
    let h = super::rt::rt_vec_new(8, v.len() as i64);
    unsafe {
        if !v.is_empty() {
            std::ptr::copy_nonoverlapping(v.as_ptr(), (*h).ptr as *mut usize, v.len());
        }
        (*h).len = v.len();
    }
    h
}

// `Chunked::concatenate(&[a, b, ..], axis)` (kind 0) / `Chunked::stack` (kind 1) of 1 to 6
// arrays written out in the call (typeck refuses other forms): the operands are borrowed, the
// caller frees them as rustc drops the temporary array that owned them.
macro_rules! combine {
    ($($name:ident($($a:ident),+);)*) => {$(
        pub extern "C" fn $name(ctx: *mut Ctx, kind: i64, axis: i64, $($a: *const u8,)+ line: i64) -> *mut u8 {
            let v: Vec<Chunked> = vec![$(unsafe { ch($a) }.clone()),+];
            boxed_ch(ctx, line, || if kind == 0 { Chunked::concatenate(&v, Axis(axis as usize)) } else { Chunked::stack(&v, Axis(axis as usize)) })
        }
    )*};
}
combine! {
    nd_ch_cat1(a0);
    nd_ch_cat2(a0, a1);
    nd_ch_cat3(a0, a1, a2);
    nd_ch_cat4(a0, a1, a2, a3);
    nd_ch_cat5(a0, a1, a2, a3, a4);
    nd_ch_cat6(a0, a1, a2, a3, a4, a5);
}
/// The combine shims by number of operands.
// ---- visualize(): the library's `Svg`, a box of its own ---------------------------------

#[repr(C)]
struct SvgBox {
    _pad: [usize; 3],
    tag: usize,
    drop: unsafe fn(*mut u8),
    s: accel::chunked::visualize::Svg,
}

unsafe fn drop_svg(p: *mut u8) {
    drop(unsafe { Box::from_raw(p as *mut SvgBox) });
}

pub extern "C" fn nd_ch_visualize(ctx: *mut Ctx, c: *const u8, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    guard(ctx, line, || Ok(c.visualize()))
        .map(|s| {
            Box::into_raw(Box::new(SvgBox {
                _pad: [0; 3],
                tag: OBJ_TAG,
                drop: drop_svg,
                s,
            })) as *mut u8
        })
        .unwrap_or(std::ptr::null_mut())
}

// ---- user fns on the library's worker threads ----------------------------------------

/// The fast tier that compiled a fn given to the library: its runtime state (the tables the
/// fn's code refers to; the running cell's output) and its interrupt flag. Both live as long as
/// the `FastTier`, whose workspace holds every `Chunked` that can call the fn.
#[derive(Clone, Copy)]
struct Engine {
    st: usize,
    interrupt: usize,
}

fn engine(ctx: *mut Ctx) -> Engine {
    unsafe {
        Engine {
            st: (*ctx).st as usize,
            interrupt: (*ctx).interrupt as usize,
        }
    }
}

/// Call user fn `f(ctx, args..)` on this (worker) thread with a context of its own.
fn call_jit<R>(eng: Engine, call: impl FnOnce(*mut Ctx) -> R) -> R {
    let interrupt = eng.interrupt as *const u8;
    let ms = unsafe { &*(eng.st as *const RtState) };
    let mut st = RtState {
        tables: ms.tables.clone(),
        out: ms.out,
        ..Default::default()
    };
    let here = 0u8;
    // rayon's threads have 2 MiB stacks (std's default) and call us a few frames deep
    let limit = (&here as *const u8 as usize).saturating_sub(1 << 20);
    let mut c = Ctx {
        failure: 0,
        _pad: 0,
        interrupt,
        stack_limit: limit,
        st: &mut st as *mut RtState,
    };
    let r = call(&mut c);
    if c.failure != 0 {
        let (message, line) = st.panic.take().unwrap_or_else(|| (String::new(), 0));
        let code = c.failure;
        // the failure is reported once, by `compute`'s guard; the panic hook stays quiet
        struct Loud;
        impl Drop for Loud {
            fn drop(&mut self) {
                QUIET.with(|q| q.set(false));
            }
        }
        super::array_rt::quiet_hook();
        QUIET.with(|q| q.set(true));
        let _loud = Loud;
        let message = if code == FAIL_STACK {
            "stack overflow in a fn called by the library".to_string()
        } else {
            message
        };
        let code = if code == FAIL_STACK { FAIL_PANIC } else { code };
        std::panic::panic_any(JitFailure {
            code,
            message,
            line,
        });
    }
    r
}

/// `map_blocks(f)` with `fn f(b: ArrayViewD<'_, f64>) -> ArrayD<f64>`: the block is copied
/// into an array box the fn borrows; the fn's result box is unwrapped.
fn call_block_fn(eng: Engine, f: usize, block: ArrayViewD<'_, f64>) -> ArrayD<f64> {
    let inp = new_box(block.to_owned());
    let out = call_jit(eng, |c| {
        let f: extern "C" fn(*mut Ctx, *const u8) -> *mut u8 = unsafe { std::mem::transmute(f) };
        f(c, inp)
    });
    unsafe { super::array_rt::obj_free(inp) };
    let b = unsafe { Box::from_raw(out as *mut NdBox<f64>) };
    b.a
}

pub extern "C" fn nd_ch_map_blocks(ctx: *mut Ctx, c: *const u8, f: i64, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    let (f, eng) = (f as usize, engine(ctx));
    boxed_ch(ctx, line, || {
        c.map_blocks(move |b| call_block_fn(eng, f, b))
    })
}

/// `map_overlap(&[depths], boundary, f)`: `f` sees each block with its halo (the library's).
#[allow(clippy::too_many_arguments)]
pub extern "C" fn nd_ch_map_overlap(
    ctx: *mut Ctx,
    c: *const u8,
    n: i64,
    d0: i64,
    d1: i64,
    d2: i64,
    bk: i64,
    bv: f64,
    f: i64,
    line: i64,
) -> *mut u8 {
    let c = unsafe { ch(c) };
    let depth: Vec<usize> = [d0, d1, d2][..n as usize]
        .iter()
        .map(|&d| d as usize)
        .collect();
    let boundary = if bk == 0 {
        Boundary::None
    } else {
        Boundary::Constant(bv)
    };
    let (f, eng) = (f as usize, engine(ctx));
    boxed_ch(ctx, line, || {
        c.map_overlap(&depth, boundary, move |b| call_block_fn(eng, f, b))
    })
}
pub extern "C" fn nd_ch_mapv(ctx: *mut Ctx, c: *const u8, f: i64, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    let (f, eng) = (f as usize, engine(ctx));
    boxed_ch(ctx, line, || {
        c.mapv(move |x| {
            call_jit(eng, |c| {
                let f: extern "C" fn(*mut Ctx, f64) -> f64 = unsafe { std::mem::transmute(f) };
                f(c, x)
            })
        })
    })
}

// ---- compute -------------------------------------------------------------------------

struct OutPtr(*const (dyn crate::api::Output + 'static));
unsafe impl Send for OutPtr {}
unsafe impl Sync for OutPtr {}

/// Run a computation with the cell's interrupt flag, progress display and context lent to
/// the library (see the module doc). An interrupt ends the cell as interrupted, whatever
/// error the library reports for it.
fn computing<R>(ctx: *mut Ctx, line: i64, f: impl FnOnce() -> Result<R, String>) -> Option<R> {
    let flag: &AtomicBool = unsafe { &*((*ctx).interrupt as *const AtomicBool) };
    let out = unsafe { (*(*ctx).st).out };
    let run = || accel::chunked::interrupt::with_flag(flag, || guard(ctx, line, f));
    let r = match out {
        Some(o) => {
            let o = OutPtr(o);
            let hook = std::sync::Arc::new(move |e: &accel::chunked::progress::ProgressEvent| {
                let o = &o;
                unsafe { (*o.0).progress(e.fraction, e.elapsed, e.finished) }
            });
            accel::chunked::progress::with_hook(hook, run)
        }
        None => run(),
    };
    if flag.load(Ordering::Relaxed) && r.is_none() {
        unsafe {
            (*ctx).failure = FAIL_INTERRUPT;
            (*(*ctx).st).panic = None;
        }
    }
    r
}

pub extern "C" fn nd_ch_compute(ctx: *mut Ctx, c: *const u8, line: i64) -> *mut u8 {
    let c = unsafe { ch(c) };
    computing(ctx, line, || Ok(c.compute()))
        .map(new_box)
        .unwrap_or(std::ptr::null_mut())
}

pub extern "C" fn nd_ch_compute_scalar(ctx: *mut Ctx, c: *const u8, line: i64) -> f64 {
    let c = unsafe { ch(c) };
    computing(ctx, line, || Ok(c.compute_scalar())).unwrap_or_default()
}

/// `c.store(path).unwrap()`.
pub extern "C" fn nd_ch_store(ctx: *mut Ctx, c: *const u8, pp: *const u8, pl: i64, line: i64) {
    let c = unsafe { ch(c) };
    let path = str_of(pp, pl).to_string();
    computing(ctx, line, || {
        c.store(path)
            .map_err(|e| format!("called `Result::unwrap()` on an `Err` value: {e:?}"))
    });
}

// ---- ArrayD --------------------------------------------------------------------------

pub extern "C" fn nd_ch_nd_ndim(_ctx: *mut Ctx, a: *const u8, _line: i64) -> i64 {
    unsafe { owned_arr::<f64>(a) }.ndim() as i64
}

/// `into_dimensionality::<IxK>().unwrap()`: ndarray's error if the number of axes differs
/// (an owned operand is freed then).
pub extern "C" fn nd_ch_into_dim(
    ctx: *mut Ctx,
    a: *mut u8,
    k: i64,
    owned: i64,
    line: i64,
) -> *mut u8 {
    let nd = unsafe { owned_arr::<f64>(a) }.ndim();
    if nd == k as usize {
        return a;
    }
    let err = ndarray::ShapeError::from_kind(ndarray::ErrorKind::IncompatibleShape);
    set_panic(
        ctx,
        format!("called `Result::unwrap()` on an `Err` value: {err:?}"),
        line,
    );
    if owned != 0 {
        unsafe { super::array_rt::obj_free(a) };
    }
    std::ptr::null_mut()
}

/// `shape()` of a `Chunked` (kind 0) or an `ArrayD` (kind 1): the library's own slice.
pub extern "C" fn nd_ch_shape_ptr(p: *const u8, kind: i64) -> *const usize {
    if kind == 0 {
        unsafe { ch(p) }.shape().as_ptr()
    } else {
        unsafe { owned_arr::<f64>(p) }.shape().as_ptr()
    }
}
pub extern "C" fn nd_ch_shape_len(p: *const u8, kind: i64) -> i64 {
    (if kind == 0 {
        unsafe { ch(p) }.shape().len()
    } else {
        unsafe { owned_arr::<f64>(p) }.ndim()
    }) as i64
}

pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        ("nd_ch_random", nd_ch_random as *const u8),
        ("nd_ch_full", nd_ch_full as *const u8),
        ("nd_ch_from_array_f64", nd_ch_from_array_f64 as *const u8),
        ("nd_ch_from_array_f32", nd_ch_from_array_f32 as *const u8),
        ("nd_ch_from_array_i64", nd_ch_from_array_i64 as *const u8),
        ("nd_ch_from_array_i32", nd_ch_from_array_i32 as *const u8),
        ("nd_ch_from_npy", nd_ch_from_npy as *const u8),
        ("nd_ch_reduce", nd_ch_reduce as *const u8),
        ("nd_ch_slice", nd_ch_slice as *const u8),
        ("nd_ch_rechunk", nd_ch_rechunk as *const u8),
        ("nd_ch_clone", nd_ch_clone as *const u8),
        ("nd_ch_t", nd_ch_t as *const u8),
        ("nd_ch_unary", nd_ch_unary as *const u8),
        ("nd_ch_binary", nd_ch_binary as *const u8),
        ("nd_ch_binary_s", nd_ch_binary_s as *const u8),
        ("nd_ch_count", nd_ch_count as *const u8),
        ("nd_ch_map_blocks", nd_ch_map_blocks as *const u8),
        ("nd_ch_mapv", nd_ch_mapv as *const u8),
        ("nd_ch_map_overlap", nd_ch_map_overlap as *const u8),
        ("nd_ch_compute", nd_ch_compute as *const u8),
        ("nd_ch_compute_scalar", nd_ch_compute_scalar as *const u8),
        ("nd_ch_store", nd_ch_store as *const u8),
        ("nd_ch_nd_ndim", nd_ch_nd_ndim as *const u8),
        ("nd_ch_into_dim", nd_ch_into_dim as *const u8),
        ("nd_ch_shape_ptr", nd_ch_shape_ptr as *const u8),
        ("nd_ch_shape_len", nd_ch_shape_len as *const u8),
        ("nd_ch_chunks_ptr", nd_ch_chunks_ptr as *const u8),
        ("nd_ch_chunks_len", nd_ch_chunks_len as *const u8),
        ("nd_ch_chunksize", nd_ch_chunksize as *const u8),
        ("nd_ch_visualize", nd_ch_visualize as *const u8),
        ("nd_ch_cat1", nd_ch_cat1 as *const u8),
        ("nd_ch_cat2", nd_ch_cat2 as *const u8),
        ("nd_ch_cat3", nd_ch_cat3 as *const u8),
        ("nd_ch_cat4", nd_ch_cat4 as *const u8),
        ("nd_ch_cat5", nd_ch_cat5 as *const u8),
        ("nd_ch_cat6", nd_ch_cat6 as *const u8),
    ]
}

// ---- display -------------------------------------------------------------------------

/// text/plain and text/html of a `Chunked` or `ArrayD` value (the accel crate's reprs, as the
/// rustc tier shows them).
pub fn repr(ty: &Ty, p: *const u8) -> (String, Option<String>) {
    match ty {
        Ty::Chunked(_) => {
            let c = unsafe { ch(p) };
            (c.text_plain(), c.text_html())
        }
        Ty::Svg => {
            let s = unsafe { &(*(p as *const SvgBox)).s };
            (s.text_plain(), s.text_html())
        }
        _ => {
            let a = unsafe { owned_arr::<f64>(p) };
            (a.text_plain(), a.text_html())
        }
    }
}
