//! Reductions over sparse arrays. The unstored positions count as `fill_value`, so
//! `max` of an all-negative sparse array with fill 0 is 0, exactly as for the dense array.

use super::coo::{lin_strides, Coo, SparseElem};
use crate::error::{ArrayError, Result};
use ndarray::Axis;

/// NaN-propagating max/min steps (a NaN never compares, so test it with `partial_cmp`).
fn pick_max<T: SparseElem>(a: T, b: T) -> T {
    if b > a || b.partial_cmp(&b).is_none() {
        b
    } else {
        a
    }
}
fn pick_min<T: SparseElem>(a: T, b: T) -> T {
    if b < a || b.partial_cmp(&b).is_none() {
        b
    } else {
        a
    }
}

impl<T: SparseElem> Coo<T> {
    fn check_axis(&self, axis: Axis) -> Result<()> {
        if axis.index() >= self.ndim() {
            return Err(ArrayError::Index(format!(
                "axis {} is out of bounds for array of dimension {}",
                axis.index(),
                self.ndim()
            )));
        }
        Ok(())
    }

    /// Fold `f` over all elements: stored values, plus `fill_value` once if any is unstored
    /// (enough for idempotent ops such as min/max).
    fn fold_all(&self, f: impl Fn(T, T) -> T, op: &str) -> Result<T> {
        if self.size() == 0 {
            return Err(ArrayError::Value(format!(
                "zero-size array to reduction operation {op} which has no identity"
            )));
        }
        let init = if self.nnz() < self.size() {
            self.fill_value
        } else {
            self.data[0]
        };
        Ok(self.data.iter().fold(init, |a, &b| f(a, b)))
    }

    pub fn sum(&self) -> T {
        let missing = (self.size() - self.nnz()) as f64;
        let s = self.data.iter().fold(T::default(), |a, &b| a + b);
        s + self.fill_value * T::from_f64(missing)
    }
    pub fn mean(&self) -> f64 {
        self.sum().to_f64() / self.size() as f64
    }
    pub fn max(&self) -> Result<T> {
        self.fold_all(pick_max, "maximum")
    }
    pub fn min(&self) -> Result<T> {
        self.fold_all(pick_min, "minimum")
    }
    pub fn prod(&self) -> T {
        let missing = self.size() - self.nnz();
        let p = self.data.iter().fold(T::from_f64(1.0), |a, &b| a * b);
        (0..missing.min(64)).fold(p, |a, _| a * self.fill_value) // fill^k saturates to 0/1/inf fast
    }

    /// Reduce along one axis: groups entries by their remaining coordinates. `fill_times(n)` is the
    /// reduction of n fill values (for a group with n unstored positions).
    fn reduce_axis(
        &self,
        axis: Axis,
        f: impl Fn(T, T) -> T,
        fill_times: impl Fn(usize) -> Option<T>,
    ) -> Result<Coo<T>> {
        self.check_axis(axis)?;
        let ax = axis.index();
        let n = self.shape[ax];
        let shape: Vec<usize> = self
            .shape
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != ax)
            .map(|(_, &d)| d)
            .collect();
        let st = lin_strides(&shape)?;
        let mut keyed: Vec<(u64, T)> = (0..self.nnz())
            .map(|k| {
                let mut l = 0u64;
                let mut j = 0;
                for (i, c) in self.coords.iter().enumerate() {
                    if i != ax {
                        l += c[k] as u64 * st[j];
                        j += 1;
                    }
                }
                (l, self.data[k])
            })
            .collect();
        if ax + 1 != self.ndim() {
            keyed.sort_by_key(|e| e.0); // stable: keeps the axis order within a group
        }
        let fill = fill_times(n).unwrap_or(self.fill_value);
        let mut lin = Vec::new();
        let mut data = Vec::new();
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            let mut acc = keyed[i].1;
            while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                acc = f(acc, keyed[j].1);
                j += 1;
            }
            let missing = n - (j - i);
            if missing > 0 {
                if let Some(fv) = fill_times(missing) {
                    acc = f(acc, fv);
                }
            }
            if acc != fill {
                lin.push(keyed[i].0);
                data.push(acc);
            }
            i = j;
        }
        Ok(Coo::from_linear(shape, lin, data, fill, false))
    }

    pub fn sum_axis(&self, axis: Axis) -> Result<Coo<T>> {
        let fv = self.fill_value;
        self.reduce_axis(
            axis,
            |a, b| a + b,
            move |n| Some(fv * T::from_f64(n as f64)),
        )
    }
    pub fn max_axis(&self, axis: Axis) -> Result<Coo<T>> {
        let fv = self.fill_value;
        self.reduce_axis(axis, pick_max, move |n| (n > 0).then_some(fv))
    }
    pub fn min_axis(&self, axis: Axis) -> Result<Coo<T>> {
        let fv = self.fill_value;
        self.reduce_axis(axis, pick_min, move |n| (n > 0).then_some(fv))
    }
    /// Mean along an axis, in f64 (numpy's promotion for means).
    pub fn mean_axis(&self, axis: Axis) -> Result<Coo<f64>> {
        let s = self.sum_axis(axis)?;
        let n = self.shape[axis.index()] as f64;
        let c = Coo {
            shape: s.shape.clone(),
            coords: s.coords.clone(),
            data: s.data.iter().map(|x| x.to_f64()).collect(),
            fill_value: s.fill_value.to_f64(),
        };
        Ok(c.map(|x| x / n))
    }
}
