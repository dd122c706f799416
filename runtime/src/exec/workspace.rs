//! Workspace variables: typed values in memory owned here, at fixed addresses that
//! compiled cells read and write directly.

use crate::abi::ty::Ty;
use crate::abi::vec::VecHdr;

pub struct Slot {
    pub ty: Ty,
    pub mutable: bool,
    buf: Box<[u64]>,
}

impl Slot {
    pub fn new(ty: Ty, mutable: bool) -> Slot {
        let words = (ty.layout().0 as usize).div_ceil(8).max(1);
        Slot {
            ty,
            mutable,
            buf: vec![0u64; words].into_boxed_slice(),
        }
    }
    pub fn addr(&self) -> usize {
        self.buf.as_ptr() as usize
    }
    /// What a notebook shows for the value: arrays through the accel crate's reprs
    /// (text/plain and text/html, as the rustc tier shows them), others as `{:?}`.
    pub fn display(&self) -> (String, Option<String>) {
        match &self.ty {
            Ty::Chunked(_) | Ty::Svg | Ty::NdD(..) => {
                super::chunked_rt::repr(&self.ty, self.buf[0] as *const u8)
            }
            Ty::Ref(t, _) if matches!(**t, Ty::Chunked(_) | Ty::Svg | Ty::NdD(..)) => {
                super::chunked_rt::repr(t, self.buf[0] as *const u8)
            }
            // The slot holds a live box of this type.
            Ty::Nd(..) => unsafe { crate::display::repr(&self.ty, self.buf[0] as *const u8) },
            Ty::Ref(t, _) if matches!(**t, Ty::Nd(..)) => unsafe {
                crate::display::repr(t, self.buf[0] as *const u8)
            },
            _ => (self.debug_text(), None),
        }
    }
    /// `{:?}` of the value.
    pub fn debug_text(&self) -> String {
        unsafe { crate::display::debug_text(&self.ty, self.addr() as *const u8) }
    }
    /// A moved-out owner holds a null header.
    pub fn is_moved(&self) -> bool {
        self.ty.needs_drop() && self.buf[0] == 0
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.ty.needs_drop() && self.buf[0] != 0 {
            super::rt::rt_vec_free(self.buf[0] as *mut VecHdr);
        }
    }
}
