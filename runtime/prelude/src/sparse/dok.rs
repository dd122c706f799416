//! `Dok`: dictionary of keys, n-d and mutable (pydata's `DOK`), with numpy-style slice
//! assignment: `dok.set(s![1..3, 1..3], &array2)?`. Writing the fill value deletes the key.

use super::coo::{Coo, SparseElem};
use crate::error::{shape_tuple, ArrayError, Result};
use ndarray::{ArrayBase, Data, Dimension, SliceInfoElem};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub struct Dok<T> {
    pub(crate) shape: Vec<usize>,
    pub(crate) map: HashMap<Vec<usize>, T>,
    pub(crate) fill_value: T,
}

/// Resolve one axis of a slice against its length: the list of selected indices, and whether
/// the axis is kept (a plain index drops it). Negative values count from the end, as in Python.
fn resolve(e: &SliceInfoElem, n: usize, axis: usize) -> Result<(Vec<usize>, bool)> {
    let fix = |i: isize| if i < 0 { i + n as isize } else { i };
    match *e {
        SliceInfoElem::Index(i) => {
            let j = fix(i);
            if j < 0 || j >= n as isize {
                return Err(ArrayError::Index(format!(
                    "index {i} is out of bounds for axis {axis} with size {n}"
                )));
            }
            Ok((vec![j as usize], false))
        }
        SliceInfoElem::Slice { start, end, step } => {
            if step == 0 {
                return Err(ArrayError::Index("slice step cannot be zero".into()));
            }
            let s = fix(start).clamp(0, n as isize) as usize;
            let e = end.map(fix).unwrap_or(n as isize).clamp(0, n as isize) as usize;
            let mut v: Vec<usize> = if s < e { (s..e).collect() } else { vec![] };
            // ndarray's negative step: take the range, then walk it from the end
            if step < 0 {
                v = v.into_iter().rev().step_by(step.unsigned_abs()).collect();
            } else {
                v = v.into_iter().step_by(step as usize).collect();
            }
            Ok((v, true))
        }
        SliceInfoElem::NewAxis => Err(ArrayError::Index(
            "NewAxis cannot be used in sparse assignment".into(),
        )),
    }
}

impl<T: SparseElem> Dok<T> {
    pub fn new(shape: &[usize]) -> Dok<T> {
        Dok {
            shape: shape.to_vec(),
            map: HashMap::new(),
            fill_value: T::default(),
        }
    }
    pub fn from_coo(c: &Coo<T>) -> Dok<T> {
        let mut map = HashMap::with_capacity(c.nnz());
        for k in 0..c.nnz() {
            map.insert(c.coords.iter().map(|x| x[k]).collect(), c.data[k]);
        }
        Dok {
            shape: c.shape.clone(),
            map,
            fill_value: c.fill_value,
        }
    }
    pub fn from_dense<S: Data<Elem = T>, D: Dimension>(a: &ArrayBase<S, D>) -> Dok<T> {
        Self::from_coo(&Coo::from_dense(a))
    }
    pub fn to_coo(&self) -> Coo<T> {
        let entries: Vec<(&Vec<usize>, T)> = self.map.iter().map(|(k, &v)| (k, v)).collect();
        Coo::from_entries(&self.shape, entries)
            .expect("keys are checked on insert")
            .with_fill_value(self.fill_value)
    }
    pub fn to_dense(&self) -> Result<ndarray::ArrayD<T>> {
        self.to_coo().to_dense()
    }
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn nnz(&self) -> usize {
        self.map.len()
    }
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn density(&self) -> f64 {
        self.nnz() as f64 / self.size() as f64
    }
    /// pydata's DOK count: only the values (`nnz × itemsize`).
    pub fn nbytes(&self) -> usize {
        self.nnz() * std::mem::size_of::<T>()
    }
    pub fn fill_value(&self) -> T {
        self.fill_value
    }

    fn check_index(&self, index: &[usize]) -> Result<()> {
        if index.len() != self.shape.len() || index.iter().zip(&self.shape).any(|(&i, &n)| i >= n) {
            return Err(ArrayError::Index(format!(
                "index {index:?} is out of bounds for shape {}",
                shape_tuple(&self.shape)
            )));
        }
        Ok(())
    }
    pub fn get(&self, index: &[usize]) -> Result<T> {
        self.check_index(index)?;
        Ok(self.map.get(index).copied().unwrap_or(self.fill_value))
    }
    /// `dok[index] = v`.
    pub fn insert(&mut self, index: &[usize], v: T) -> Result<()> {
        self.check_index(index)?;
        if v == self.fill_value {
            self.map.remove(index);
        } else {
            self.map.insert(index.to_vec(), v);
        }
        Ok(())
    }

    /// `dok[slices] = values`: `values` must have the shape of the selection (or broadcast to it).
    pub fn set<I, S, D>(&mut self, info: I, values: &ArrayBase<S, D>) -> Result<()>
    where
        I: AsRef<[SliceInfoElem]>,
        S: Data<Elem = T>,
        D: Dimension,
    {
        let elems = info.as_ref();
        if elems.len() > self.shape.len() {
            return Err(ArrayError::Index(format!(
                "too many indices for array: array is {}-dimensional, but {} were indexed",
                self.shape.len(),
                elems.len()
            )));
        }
        let mut sel = Vec::new();
        let mut kept_shape = Vec::new();
        for ax in 0..self.shape.len() {
            let full = SliceInfoElem::Slice {
                start: 0,
                end: None,
                step: 1,
            };
            let (v, keep) = resolve(elems.get(ax).unwrap_or(&full), self.shape[ax], ax)?;
            if keep {
                kept_shape.push(v.len());
            }
            sel.push(v);
        }
        let vals = values.view().into_dyn();
        let vals = vals.broadcast(ndarray::IxDyn(&kept_shape)).ok_or_else(|| {
            ArrayError::Shape(format!(
                "could not broadcast input array from shape {} into shape {}",
                shape_tuple(values.shape()),
                shape_tuple(&kept_shape)
            ))
        })?;
        // walk the selection in C order together with the values
        let total: usize = sel.iter().map(|v| v.len()).product();
        if total == 0 {
            return Ok(());
        }
        let mut pos = vec![0usize; sel.len()];
        for &v in vals.iter() {
            let index: Vec<usize> = pos.iter().zip(&sel).map(|(&p, s)| s[p]).collect();
            if v == self.fill_value {
                self.map.remove(&index);
            } else {
                self.map.insert(index, v);
            }
            for ax in (0..pos.len()).rev() {
                pos[ax] += 1;
                if pos[ax] < sel[ax].len() {
                    break;
                }
                pos[ax] = 0;
            }
        }
        Ok(())
    }
}

impl<T: SparseElem> Coo<T> {
    pub fn to_dok(&self) -> Dok<T> {
        Dok::from_coo(self)
    }
}
