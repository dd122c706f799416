//! `Coo`: n-dimensional coordinate format, pydata/sparse's `COO`.
//!
//! Invariant: entries are in C order of their coordinates, without duplicates ("canonical"), and
//! every constructor establishes it (duplicates are summed, like scipy and pydata). Positions not
//! stored hold `fill_value` (0 unless set otherwise). Coordinates are kept per axis, as pydata keeps
//! its `(ndim, nnz)` int64 array, so `nbytes` counts the same bytes pydata counts.

use crate::dense::element::Element;
use crate::error::{checked_size, shape_tuple, ArrayError, Result};
use ndarray::{ArrayBase, ArrayD, Data, Dimension, LinalgScalar};

/// Element types sparse arrays hold: numbers with + − × ÷.
pub trait SparseElem: Element + LinalgScalar {}
impl<T: Element + LinalgScalar> SparseElem for T {}

#[derive(Clone, Debug, PartialEq)]
pub struct Coo<T> {
    pub(crate) shape: Vec<usize>,
    /// `coords[axis][k]`: coordinate along `axis` of the k-th stored entry.
    pub(crate) coords: Vec<Vec<usize>>,
    pub(crate) data: Vec<T>,
    pub(crate) fill_value: T,
}

/// C-order strides of `shape` as u64, or an error when the array has more than 2⁶⁴ positions.
pub(crate) fn lin_strides(shape: &[usize]) -> Result<Vec<u64>> {
    let mut st = vec![1u64; shape.len()];
    let mut acc: u64 = 1;
    for i in (0..shape.len()).rev() {
        st[i] = acc;
        acc = acc.checked_mul(shape[i].max(1) as u64).ok_or_else(|| {
            ArrayError::Value(format!(
                "shape {} has more than 2**64 positions",
                shape_tuple(shape)
            ))
        })?;
    }
    Ok(st)
}

impl<T: SparseElem> Coo<T> {
    /// From coordinates (one Vec per axis), data and shape; validates bounds, sorts, sums
    /// duplicates (pydata's `COO(coords, data, shape)` followed by `sum_duplicates`).
    pub fn new(coords: Vec<Vec<usize>>, data: Vec<T>, shape: &[usize]) -> Result<Coo<T>> {
        if coords.len() != shape.len() {
            return Err(ArrayError::Shape(format!(
                "coords has {} rows but shape {} has {} dimensions",
                coords.len(),
                shape_tuple(shape),
                shape.len()
            )));
        }
        for (ax, c) in coords.iter().enumerate() {
            if c.len() != data.len() {
                return Err(ArrayError::Shape(format!(
                    "coords[{ax}] has {} entries but data has {}",
                    c.len(),
                    data.len()
                )));
            }
            if let Some(&bad) = c.iter().find(|&&x| x >= shape[ax]) {
                return Err(ArrayError::Index(format!(
                    "index {bad} is out of bounds for axis {ax} with size {}",
                    shape[ax]
                )));
            }
        }
        let st = lin_strides(shape)?;
        let lin: Vec<u64> = (0..data.len())
            .map(|k| coords.iter().zip(&st).map(|(c, s)| c[k] as u64 * s).sum())
            .collect();
        Ok(Self::from_linear(
            shape.to_vec(),
            lin,
            data,
            T::default(),
            true,
        ))
    }

    /// From `(index, value)` pairs; duplicates are summed.
    pub fn from_entries<I, Ix>(shape: &[usize], entries: I) -> Result<Coo<T>>
    where
        I: IntoIterator<Item = (Ix, T)>,
        Ix: AsRef<[usize]>,
    {
        let mut coords = vec![Vec::new(); shape.len()];
        let mut data = Vec::new();
        for (ix, v) in entries {
            let ix = ix.as_ref();
            if ix.len() != shape.len() {
                return Err(ArrayError::Index(format!(
                    "index {ix:?} has {} entries but the array has {} dimensions",
                    ix.len(),
                    shape.len()
                )));
            }
            for (c, &i) in coords.iter_mut().zip(ix) {
                c.push(i);
            }
            data.push(v);
        }
        Self::new(coords, data, shape)
    }

    /// From a map index → value (`HashMap`, `BTreeMap`, ...).
    pub fn from_map<'a, M, Ix>(shape: &[usize], map: M) -> Result<Coo<T>>
    where
        M: IntoIterator<Item = (&'a Ix, &'a T)>,
        Ix: AsRef<[usize]> + 'a + ?Sized,
        T: 'a,
    {
        Self::from_entries(
            shape,
            map.into_iter().map(|(k, v)| (k.as_ref().to_vec(), *v)),
        )
    }

    /// pydata's `COO.from_numpy(a)`: store every element that is not 0.
    pub fn from_dense<S: Data<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> Coo<T> {
        Self::from_dense_fill(a, T::default())
    }

    /// Store every element different from `fill_value`.
    pub fn from_dense_fill<S: Data<Elem = T>, D: Dimension>(
        a: &ArrayBase<S, D>,
        fill_value: T,
    ) -> Coo<T> {
        let shape = a.shape().to_vec();
        let mut lin = Vec::new();
        let mut data = Vec::new();
        match a.as_slice() {
            Some(s) => {
                // contiguous: a tight scan over the flat buffer; coordinates are unravelled only
                // for the stored entries
                for (i, &x) in s.iter().enumerate() {
                    if x != fill_value {
                        lin.push(i as u64);
                        data.push(x);
                    }
                }
            }
            None => {
                for (i, &x) in a.iter().enumerate() {
                    if x != fill_value {
                        lin.push(i as u64);
                        data.push(x);
                    }
                }
            }
        }
        Self::from_linear(shape, lin, data, fill_value, false)
    }

    /// Build from linear (C-order) indices. `dedup`: sort and sum duplicates first.
    pub(crate) fn from_linear(
        shape: Vec<usize>,
        mut lin: Vec<u64>,
        mut data: Vec<T>,
        fill_value: T,
        dedup: bool,
    ) -> Coo<T> {
        if dedup && !lin.windows(2).all(|w| w[0] < w[1]) {
            let order = sort_order(&lin);
            let mut l2: Vec<u64> = Vec::with_capacity(lin.len());
            let mut d2: Vec<T> = Vec::with_capacity(lin.len());
            for &k in &order {
                let (l, v) = (lin[k as usize], data[k as usize]);
                if l2.last() == Some(&l) {
                    let last = d2.last_mut().unwrap();
                    *last = *last + v;
                } else {
                    l2.push(l);
                    d2.push(v);
                }
            }
            lin = l2;
            data = d2;
        }
        let coords = unravel(&lin, &shape);
        Coo {
            shape,
            coords,
            data,
            fill_value,
        }
    }

    /// Linear C-order index of each stored entry (sorted, by the invariant).
    pub fn linear_index(&self) -> Vec<u64> {
        let st = lin_strides(&self.shape).expect("validated at construction");
        let mut lin = vec![0u64; self.nnz()];
        for (c, &s) in self.coords.iter().zip(&st) {
            for (l, &x) in lin.iter_mut().zip(c) {
                *l += x as u64 * s;
            }
        }
        lin
    }

    pub fn with_fill_value(mut self, fill_value: T) -> Coo<T> {
        self.fill_value = fill_value;
        self
    }
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn nnz(&self) -> usize {
        self.data.len()
    }
    pub fn data(&self) -> &[T] {
        &self.data
    }
    pub fn coords(&self) -> &[Vec<usize>] {
        &self.coords
    }
    pub fn fill_value(&self) -> T {
        self.fill_value
    }
    /// nnz / size, as pydata computes it.
    pub fn density(&self) -> f64 {
        self.nnz() as f64 / self.size() as f64
    }
    /// pydata's count: data bytes plus int64 coordinates (ndim × nnz × 8).
    pub fn nbytes(&self) -> usize {
        self.nnz() * (std::mem::size_of::<T>() + 8 * self.ndim())
    }

    /// numpy array with the fill value at every unstored position. Errors (naming the bytes)
    /// if the dense array cannot be allocated.
    pub fn to_dense(&self) -> Result<ArrayD<T>> {
        let mut out = crate::dense::try_full(&self.shape, self.fill_value)?;
        let flat = out.as_slice_mut().expect("fresh array is contiguous");
        for (l, &v) in self.linear_index().into_iter().zip(&self.data) {
            flat[l as usize] = v;
        }
        Ok(out)
    }
    /// pydata's `todense()`.
    pub fn todense(&self) -> Result<ArrayD<T>> {
        self.to_dense()
    }

    /// pydata's rule: densify if the result is small (`size <= max_size`) or dense enough
    /// (`density >= min_density`), otherwise refuse.
    pub fn maybe_densify(&self, max_size: usize, min_density: f64) -> Result<ArrayD<T>> {
        if self.size() > max_size && self.density() < min_density {
            return Err(ArrayError::Densify(
                "Operation would require converting large sparse array to dense".into(),
            ));
        }
        self.to_dense()
    }

    /// Value at an index (the fill value if not stored).
    pub fn get(&self, index: &[usize]) -> Result<T> {
        if index.len() != self.ndim() || index.iter().zip(&self.shape).any(|(&i, &n)| i >= n) {
            return Err(ArrayError::Index(format!(
                "index {index:?} is out of bounds for shape {}",
                shape_tuple(&self.shape)
            )));
        }
        let st = lin_strides(&self.shape)?;
        let l: u64 = index.iter().zip(&st).map(|(&i, s)| i as u64 * s).sum();
        Ok(match self.linear_index().binary_search(&l) {
            Ok(k) => self.data[k],
            Err(_) => self.fill_value,
        })
    }

    /// Reorder the axes: `axes[i]` is the source axis of result axis i (numpy's `transpose`).
    pub fn transpose(&self, axes: &[usize]) -> Result<Coo<T>> {
        let mut seen = vec![false; self.ndim()];
        if axes.len() != self.ndim()
            || axes
                .iter()
                .any(|&a| a >= self.ndim() || std::mem::replace(&mut seen[a], true))
        {
            return Err(ArrayError::Value(format!(
                "axes {axes:?} don't match array of dimension {}",
                self.ndim()
            )));
        }
        let shape: Vec<usize> = axes.iter().map(|&a| self.shape[a]).collect();
        let coords: Vec<Vec<usize>> = axes.iter().map(|&a| self.coords[a].clone()).collect();
        let st = lin_strides(&shape)?;
        let mut lin = vec![0u64; self.nnz()];
        for (c, &s) in coords.iter().zip(&st) {
            for (l, &x) in lin.iter_mut().zip(c) {
                *l += x as u64 * s;
            }
        }
        Ok(Self::from_linear(
            shape,
            lin,
            self.data.clone(),
            self.fill_value,
            true,
        ))
    }

    /// Reverse the axes (numpy's `.T`).
    pub fn t(&self) -> Coo<T> {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        self.transpose(&axes)
            .expect("reversed axes are a permutation")
    }

    /// numpy's `reshape` (C order).
    pub fn reshape(&self, shape: &[usize]) -> Result<Coo<T>> {
        if shape.iter().product::<usize>() != self.size() {
            return Err(ArrayError::Shape(format!(
                "cannot reshape array of size {} into shape {}",
                self.size(),
                shape_tuple(shape)
            )));
        }
        lin_strides(shape)?;
        Ok(Self::from_linear(
            shape.to_vec(),
            self.linear_index(),
            self.data.clone(),
            self.fill_value,
            false,
        ))
    }

    /// Check the dense size before allocating it (used by `to_dense` callers that want a hint).
    pub fn dense_bytes(&self) -> Result<usize> {
        checked_size(&self.shape, std::mem::size_of::<T>(), "a dense array")
            .map(|n| n * std::mem::size_of::<T>())
    }
}

/// Positions of `lin` in ascending order (stable for equal keys). When key and position fit in
/// one u64 together, sorting the packed words is several times faster than sorting by key.
pub(crate) fn sort_order(lin: &[u64]) -> Vec<u32> {
    let n = lin.len();
    let pos_bits = 64 - (n.max(1) as u64).leading_zeros();
    let max = lin.iter().copied().max().unwrap_or(0);
    let key_bits = 64 - max.leading_zeros();
    if key_bits + pos_bits <= 64 {
        let mut packed: Vec<u64> = lin
            .iter()
            .enumerate()
            .map(|(k, &l)| (l << pos_bits) | k as u64)
            .collect();
        packed.sort_unstable();
        let mask = (1u64 << pos_bits) - 1;
        packed.into_iter().map(|p| (p & mask) as u32).collect()
    } else {
        let mut perm: Vec<u32> = (0..n as u32).collect();
        perm.sort_by_key(|&k| lin[k as usize]);
        perm
    }
}

/// Linear indices → per-axis coordinates (C order).
pub(crate) fn unravel(lin: &[u64], shape: &[usize]) -> Vec<Vec<usize>> {
    let nd = shape.len();
    let mut coords = vec![vec![0usize; lin.len()]; nd];
    if nd == 0 {
        return coords;
    }
    // innermost axes first; each pass divides by one extent. Division goes through f64 (a few
    // cycles instead of a 64-bit `div`), corrected by one step, exact for values below 2^50.
    let mut rest: Vec<u64> = lin.to_vec();
    let exact_f64 = lin.iter().all(|&l| l < 1 << 50);
    for ax in (0..nd).rev() {
        let n = shape[ax].max(1) as u64;
        let c = &mut coords[ax];
        if ax == 0 {
            for (ci, r) in c.iter_mut().zip(&rest) {
                *ci = *r as usize;
            }
        } else if exact_f64 {
            let inv = 1.0 / n as f64;
            for (ci, r) in c.iter_mut().zip(rest.iter_mut()) {
                let mut q = (*r as f64 * inv) as u64;
                if q * n > *r {
                    q -= 1;
                } else if (q + 1) * n <= *r {
                    q += 1;
                }
                *ci = (*r - q * n) as usize;
                *r = q;
            }
        } else {
            for (ci, r) in c.iter_mut().zip(rest.iter_mut()) {
                *ci = (*r % n) as usize;
                *r /= n;
            }
        }
    }
    coords
}
