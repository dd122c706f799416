//! The array box: the 64-byte header compiled code indexes (data pointer, dims, strides in
//! elements, length; axis 2 appended) in front of the owned `ArrayD<T>`, and the view header
//! laid out the same way. Both are read back as ndarray views here, by the runtime's shims
//! and by the display.

use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Axis, IxDyn, RawArrayViewMut, ShapeBuilder};

/// Where a `VecHdr` keeps its element size, an object box keeps this.
pub const OBJ_TAG: usize = usize::MAX - 0xacce1;

pub const OFF_DATA: i32 = 0;
pub const OFF_DIM: i32 = 8;
pub const OFF_STRIDE: i32 = 40;
pub const OFF_LEN: i32 = 56;
/// The third axis's stride, and every dim again in a row (`shape()` of a 3-d array), after
/// the fields 1-d/2-d code and views share.
pub const OFF_STRIDE2: i32 = 64;
pub const OFF_SHAPE3: i32 = 72;
pub const OFF_DIM2: i32 = OFF_SHAPE3 + 16;

/// Offset of axis `k`'s dim / stride in a header (axes 0 and 1 contiguous, axis 2 appended:
/// the tag must stay where a Vec header keeps its element size).
pub fn off_dim(k: usize) -> i32 {
    if k < 2 {
        OFF_DIM + 8 * k as i32
    } else {
        OFF_DIM2
    }
}
pub fn off_stride(k: usize) -> i32 {
    if k < 2 {
        OFF_STRIDE + 8 * k as i32
    } else {
        OFF_STRIDE2
    }
}

#[repr(C)]
pub struct NdBox<T> {
    pub data: *mut T,
    pub dim: [usize; 2],
    pub tag: usize,
    pub drop: unsafe fn(*mut u8),
    pub stride: [isize; 2],
    pub len: usize,
    pub stride2: isize,
    pub shape3: [usize; 3],
    pub a: ArrayD<T>,
}

/// A view's header; the same offsets as `NdBox` (`array_rt::OFF_*`).
#[repr(C)]
pub struct ViewHdr {
    pub data: *mut u8,
    pub dim: [usize; 2],
    pub ndim: usize,
    pub _no_drop: usize,
    pub stride: [isize; 2],
    pub len: usize,
}

/// The raw view a header describes (negative strides included).
///
/// # Safety
/// `p` must be a view header (not a box) over live data.
pub unsafe fn raw_of<T>(p: *const u8) -> RawArrayViewMut<T, IxDyn> {
    let h = unsafe { &*(p as *const ViewHdr) };
    debug_assert!(h.ndim != OBJ_TAG && (1..=2).contains(&h.ndim));
    let nd = h.ndim;
    // ndarray wants non-negative strides and the lowest address: flip negative axes back.
    let mut low = h.data as *mut T;
    let mut strides = [0usize; 2];
    for k in 0..nd {
        let s = h.stride[k];
        if s < 0 && h.dim[k] > 0 {
            low = unsafe { low.offset(s * (h.dim[k] as isize - 1)) };
        }
        strides[k] = s.unsigned_abs();
    }
    let shape = IxDyn(&h.dim[..nd]).strides(IxDyn(&strides[..nd]));
    let mut v = unsafe { RawArrayViewMut::from_shape_ptr(shape, low) };
    for k in 0..nd {
        if h.stride[k] < 0 && h.dim[k] > 0 {
            v.invert_axis(Axis(k));
        }
    }
    v
}

/// The array behind a header: an owned box ([`OBJ_TAG`]) or a view's inline header
/// (`exec::view_rt`), both read as a view so every shim takes either.
///
/// # Safety
/// `p` must be a live `NdBox<T>` or a view header over live data.
pub unsafe fn arr<'a, T>(p: *const u8) -> ArrayViewD<'a, T> {
    unsafe {
        if *(p.add(24) as *const usize) == OBJ_TAG {
            (*(p as *const NdBox<T>)).a.view()
        } else {
            raw_of::<T>(p).deref_into_view()
        }
    }
}

/// The owned array of a box (never a view): for callers that hand out references into the
/// array itself (`shape()` pointers), which a temporary view from [`arr`] would not outlive.
///
/// # Safety
/// `p` must be a live `NdBox<T>`.
pub unsafe fn owned_arr<'a, T>(p: *const u8) -> &'a ArrayD<T> {
    unsafe { &(*(p as *const NdBox<T>)).a }
}

/// # Safety
/// As [`arr`], and no other live reference to the data.
pub unsafe fn arr_mut<'a, T>(p: *mut u8) -> ArrayViewMutD<'a, T> {
    unsafe {
        if *(p.add(24) as *const usize) == OBJ_TAG {
            (*(p as *mut NdBox<T>)).a.view_mut()
        } else {
            raw_of::<T>(p).deref_into_view_mut()
        }
    }
}
