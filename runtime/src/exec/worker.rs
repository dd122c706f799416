//! Compiled code runs on a worker thread with a large stack, so the caller's thread stays
//! free and deep recursion hits our stack guard long before the guard page.

use super::rt::{Ctx, RtState};
use crate::api::Output;
use std::sync::atomic::AtomicBool;

pub const STACK_BYTES: usize = 256 << 20;
/// Headroom below the guard for runtime calls (formatting, allocation).
const MARGIN: usize = 1 << 20;

struct SendPtr<T>(*mut T);
unsafe impl<T> Send for SendPtr<T> {}

/// Run `entry(ctx)`; returns the failure code (0 = finished) and the number of Vecs the run
/// allocated and did not free (values it left in the workspace or handed back included).
pub fn run(
    entry: *const u8,
    st: &mut RtState,
    interrupt: &AtomicBool,
    out: &dyn Output,
) -> (u32, i64) {
    let out_static: *const (dyn Output + 'static) = unsafe {
        std::mem::transmute::<*const dyn Output, *const (dyn Output + 'static)>(
            out as *const dyn Output,
        )
    };
    st.out = Some(out_static);
    st.panic = None;
    st.buf.clear();
    let mut ctx = Ctx {
        failure: 0,
        _pad: 0,
        interrupt: interrupt as *const AtomicBool as *const u8,
        stack_limit: 0,
        st: st as *mut RtState,
    };
    let p = SendPtr(&mut ctx as *mut Ctx);
    let e = entry as usize;
    let live = std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .name("accel-jit".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(s, move || {
                let p = p;
                let here = 0u8;
                let top = &here as *const u8 as usize;
                unsafe {
                    (*p.0).stack_limit = top.saturating_sub(STACK_BYTES - MARGIN);
                    let f: extern "C" fn(*mut Ctx) = std::mem::transmute(e);
                    f(p.0);
                }
                super::rt::LIVE_VECS.with(|c| c.get())
            })
            .expect("spawn the JIT worker thread");
        h.join().unwrap_or(0)
    });
    st.out = None;
    (ctx.failure, live)
}
