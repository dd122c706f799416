//! The runtime's `Vec<T>` / `String` header, read by compiled code, the runtime and the display.

/// `std::slice::from_raw_parts` for the runtime's buffers, where an empty Vec or String may
/// have a null pointer (a null pointer is undefined behaviour there even for length 0).
///
/// # Safety
/// As `from_raw_parts` when `n > 0`.
pub unsafe fn raw_slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if n == 0 || p.is_null() {
        &[]
    } else {
        unsafe { std::slice::from_raw_parts(p, n) }
    }
}

/// The heap header behind every `Vec<T>` / `String` value (owned by the runtime).
#[repr(C)]
pub struct VecHdr {
    pub ptr: *mut u8,
    pub len: usize,
    pub cap: usize,
    pub esize: usize,
    /// 1 when the elements are owned `Vec` headers (`Vec<Vec<T>>`): freed and cloned with it.
    pub owns: usize,
}
