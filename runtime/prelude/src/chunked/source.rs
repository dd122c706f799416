//! `.npy` files as chunked sources: memory-mapped, read block by block, converted to f64 on the
//! way in, so a file larger than memory is summed with a few blocks resident at a time.

use crate::error::{ArrayError, Result};
use crate::io::npy::NpyHeader;
use ndarray::ArrayD;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Dtype {
    F8,
    F4,
    I8,
    I4,
    I2,
    I1,
    U8,
    U4,
    U2,
    U1,
    B1,
}

impl Dtype {
    fn parse(descr: &str) -> Option<Dtype> {
        let (order, code) = descr.split_at(1);
        if !matches!(order, "<" | "|" | "=") {
            return None; // big-endian files are refused rather than silently misread
        }
        Some(match code {
            "f8" => Dtype::F8,
            "f4" => Dtype::F4,
            "i8" => Dtype::I8,
            "i4" => Dtype::I4,
            "i2" => Dtype::I2,
            "i1" => Dtype::I1,
            "u8" => Dtype::U8,
            "u4" => Dtype::U4,
            "u2" => Dtype::U2,
            "u1" => Dtype::U1,
            "b1" => Dtype::B1,
            _ => return None,
        })
    }
    pub fn size(self) -> usize {
        match self {
            Dtype::F8 | Dtype::I8 | Dtype::U8 => 8,
            Dtype::F4 | Dtype::I4 | Dtype::U4 => 4,
            Dtype::I2 | Dtype::U2 => 2,
            Dtype::I1 | Dtype::U1 | Dtype::B1 => 1,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F8 => "float64",
            Dtype::F4 => "float32",
            Dtype::I8 => "int64",
            Dtype::I4 => "int32",
            Dtype::I2 => "int16",
            Dtype::I1 => "int8",
            Dtype::U8 => "uint64",
            Dtype::U4 => "uint32",
            Dtype::U2 => "uint16",
            Dtype::U1 => "uint8",
            Dtype::B1 => "bool",
        }
    }
}

pub(crate) struct NpySource {
    pub path: PathBuf,
    pub dtype: Dtype,
    pub shape: Vec<usize>,
    map: memmap2::Mmap,
    offset: usize,
}

impl NpySource {
    pub fn open(path: &Path) -> Result<NpySource> {
        let err = |m: String| ArrayError::Npy {
            path: path.display().to_string(),
            msg: m,
        };
        let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
        // SAFETY: the mapping is read-only; a file truncated by another process while mapped
        // would fault, which is the documented hazard of every mmap reader (numpy's memmap too).
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| err(e.to_string()))?;
        let h = NpyHeader::parse(&map[..map.len().min(1 << 20)], path)?;
        let dtype = Dtype::parse(&h.descr).ok_or_else(|| {
            err(format!(
                "unsupported data type '{}' (little-endian numbers and bool are supported)",
                h.descr
            ))
        })?;
        if h.fortran_order && h.shape.len() > 1 {
            return Err(err(
                "Fortran-order files cannot be read block by block; save with np.ascontiguousarray"
                    .into(),
            ));
        }
        let need = h.len() as u128 * dtype.size() as u128;
        let have = (map.len() - h.data_offset) as u128;
        if have < need {
            return Err(err(format!(
                "file is truncated: expected {need} data bytes, found {have}"
            )));
        }
        Ok(NpySource {
            path: path.to_path_buf(),
            dtype,
            shape: h.shape,
            map,
            offset: h.data_offset,
        })
    }

    /// Read a rectangular region (C order) as f64.
    pub fn read(&self, region: &[Range<usize>]) -> ArrayD<f64> {
        let out_shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
        let n: usize = out_shape.iter().product();
        let mut out = Vec::with_capacity(n);
        let nd = self.shape.len();
        if nd == 0 {
            self.convert(0, 1, &mut out);
            return ArrayD::from_shape_vec(ndarray::IxDyn(&[]), out).unwrap();
        }
        let mut strides = vec![1usize; nd];
        for i in (0..nd - 1).rev() {
            strides[i] = strides[i + 1] * self.shape[i + 1];
        }
        let last = &region[nd - 1];
        let rows: usize = out_shape[..nd - 1].iter().product();
        let mut idx: Vec<usize> = region[..nd - 1].iter().map(|r| r.start).collect();
        let first = idx.iter().zip(&strides).map(|(i, s)| i * s).sum::<usize>() + last.start;
        if n > 0 {
            for _ in 0..rows {
                let base: usize =
                    idx.iter().zip(&strides).map(|(i, s)| i * s).sum::<usize>() + last.start;
                self.convert(base, last.len(), &mut out);
                for ax in (0..nd - 1).rev() {
                    idx[ax] += 1;
                    if idx[ax] < region[ax].end {
                        break;
                    }
                    idx[ax] = region[ax].start;
                }
            }
        }
        if n > 0 {
            // Drop the pages just read from this process's mapping so that resident memory stays
            // at "blocks in flight", not "file size" (the kernel keeps them in its page cache;
            // a concurrent reader of a neighbouring block simply faults them back in).
            let end: usize = region
                .iter()
                .zip(&strides)
                .map(|(r, s)| (r.end - 1) * s)
                .sum::<usize>()
                + 1;
            let sz = self.dtype.size();
            // SAFETY: read-only file mapping; MADV_DONTNEED only discards clean, re-readable pages.
            let _ = unsafe {
                self.map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    self.offset + first * sz,
                    (end - first) * sz,
                )
            };
        }
        ArrayD::from_shape_vec(ndarray::IxDyn(&out_shape), out).unwrap()
    }

    fn convert(&self, elem: usize, len: usize, out: &mut Vec<f64>) {
        let sz = self.dtype.size();
        let b = &self.map[self.offset + elem * sz..self.offset + (elem + len) * sz];
        macro_rules! conv {
            ($t:ty) => {
                out.extend(
                    b.chunks_exact(sz)
                        .map(|c| <$t>::from_le_bytes(c.try_into().unwrap()) as f64),
                )
            };
        }
        match self.dtype {
            Dtype::F8 => conv!(f64),
            Dtype::F4 => conv!(f32),
            Dtype::I8 => conv!(i64),
            Dtype::I4 => conv!(i32),
            Dtype::I2 => conv!(i16),
            Dtype::I1 => conv!(i8),
            Dtype::U8 => conv!(u64),
            Dtype::U4 => conv!(u32),
            Dtype::U2 => conv!(u16),
            Dtype::U1 => conv!(u8),
            Dtype::B1 => out.extend(b.iter().map(|&x| (x != 0) as u8 as f64)),
        }
    }
}
