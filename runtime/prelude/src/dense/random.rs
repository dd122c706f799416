//! `accel::random::default_rng(seed)` — a seeded generator with numpy's method names.
//!
//! Bit generator: xoshiro256++ (Blackman & Vigna), state seeded from the u64 seed by SplitMix64.
//! Normals: the ziggurat in [`super::ziggurat`]. Uniform f64: top 53 bits × 2⁻⁵³ (numpy's rule).
//! Integers: Lemire's multiply-and-reject, unbiased. The streams are deterministic for a seed on
//! every platform but are *not* numpy's PCG64 streams: equal seeds give equal arrays across accel
//! runs and tiers, not across accel and numpy.
//!
//! Chunked arrays draw from independent keyed streams ([`Xoshiro256pp::keyed`]) so that any block
//! can be generated alone, in any order, on any thread, with the same result.

use super::ziggurat;
use ndarray::{Array, Dimension, Shape, ShapeBuilder};

/// The buffer for an array of `shape`, or an `Alloc` error naming the bytes (never an abort).
fn alloc<A: crate::dense::Element, Sh: ShapeBuilder>(
    shape: Sh,
    fill: A,
) -> crate::Result<(Shape<Sh::Dim>, Vec<A>)> {
    let shape = shape.into_shape_with_order();
    let dims = shape.raw_dim().slice().to_vec();
    let what = format!(
        "an array with shape {} and data type {}",
        crate::error::shape_tuple(&dims),
        A::DTYPE
    );
    let n = crate::error::checked_size(&dims, std::mem::size_of::<A>(), &what)?;
    let v = crate::error::try_alloc_vec(n, fill, &what)?;
    Ok((shape, v))
}

#[inline(always)]
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone, Debug)]
pub struct Xoshiro256pp {
    s: [u64; 4],
}

impl Xoshiro256pp {
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Xoshiro256pp { s }
    }
    /// An independent stream for (seed, a, b): used per (row, column-chunk) by chunked arrays.
    pub fn keyed(seed: u64, a: u64, b: u64) -> Self {
        let mut sm = seed;
        let k1 = splitmix64(&mut sm);
        let mut sa = a ^ k1;
        let k2 = splitmix64(&mut sa);
        let mut sb = b ^ k2;
        Self::seed_from_u64(splitmix64(&mut sb))
    }
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
    #[inline(always)]
    pub fn next_f64(&mut self) -> f64 {
        // numpy's rule: the top 53 bits scaled by 2^-53
        ((self.next_u64() >> 11) as i64 as f64) * (1.0 / (1u64 << 53) as f64)
    }
    /// Fill `out` with loc + scale·N(0,1). The ziggurat's fast path is written out here so the
    /// loop body is one xoshiro step, a table load, an OR/subtract to make u ∈ [-1, 1), a compare
    /// and a multiply-add.
    pub fn fill_normal(&mut self, loc: f64, scale: f64, out: &mut [f64]) {
        let t = ziggurat::tables();
        // a local copy keeps the state in registers (the cold path borrows it)
        let mut rng = self.clone();
        for o in out.iter_mut() {
            let r = rng.next_u64();
            let i = (r & 0x7f) as usize;
            // bits 12..63 as the mantissa of a float in [2, 4), minus 3: u ∈ [-1, 1)
            let u = f64::from_bits(0x4000_0000_0000_0000 | (r >> 12)) - 3.0;
            let z = if u.abs() < t.ratio[i] {
                u * t.x[i]
            } else {
                // through a copy, so that `rng` itself never has its address taken and its four
                // words stay in registers on the fast path (measured: 2x faster)
                let mut tmp = rng.clone();
                let z = ziggurat::sample_after(t, i, u, &mut || tmp.next_u64());
                rng = tmp;
                z
            };
            *o = loc + scale * z;
        }
        *self = rng;
    }
    /// Fill `out` with uniform [low, high).
    pub fn fill_uniform(&mut self, low: f64, high: f64, out: &mut [f64]) {
        let w = high - low;
        let mut rng = self.clone();
        for o in out.iter_mut() {
            *o = low + w * rng.next_f64();
        }
        *self = rng;
    }
    /// Unbiased integer in [0, n) (Lemire 2019); n > 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        let mut m = (self.next_u64() as u128) * (n as u128);
        if (m as u64) < n {
            let thresh = n.wrapping_neg() % n;
            while (m as u64) < thresh {
                m = (self.next_u64() as u128) * (n as u128);
            }
        }
        (m >> 64) as u64
    }
}

/// numpy's `Generator`, by method name. Shapes are anything ndarray accepts: `5`, `(3, 4)`, `[2, 3, 4]`.
#[derive(Clone, Debug)]
pub struct Generator {
    bits: Xoshiro256pp,
}

/// numpy's `np.random.default_rng(seed)`.
pub fn default_rng(seed: u64) -> Generator {
    Generator {
        bits: Xoshiro256pp::seed_from_u64(seed),
    }
}

impl Generator {
    pub fn next_u64(&mut self) -> u64 {
        self.bits.next_u64()
    }
    /// Uniform floats in [0, 1): numpy's `rng.random(shape)`. Panics (never aborts) with the
    /// bytes asked for when the array cannot be allocated; [`Self::try_random`] returns that error.
    pub fn random<Sh: ShapeBuilder>(&mut self, shape: Sh) -> Array<f64, Sh::Dim> {
        self.try_random(shape).unwrap_or_else(|e| panic!("{e}"))
    }
    pub fn try_random<Sh: ShapeBuilder>(
        &mut self,
        shape: Sh,
    ) -> crate::Result<Array<f64, Sh::Dim>> {
        self.filled(shape, |bits, s| {
            s.iter_mut().for_each(|x| *x = bits.next_f64())
        })
    }
    /// numpy's `rng.uniform(low, high, shape)`: [low, high).
    pub fn uniform<Sh: ShapeBuilder>(
        &mut self,
        low: f64,
        high: f64,
        shape: Sh,
    ) -> Array<f64, Sh::Dim> {
        self.try_uniform(low, high, shape)
            .unwrap_or_else(|e| panic!("{e}"))
    }
    pub fn try_uniform<Sh: ShapeBuilder>(
        &mut self,
        low: f64,
        high: f64,
        shape: Sh,
    ) -> crate::Result<Array<f64, Sh::Dim>> {
        let w = high - low;
        self.filled(shape, |bits, s| {
            s.iter_mut().for_each(|x| *x = low + w * bits.next_f64())
        })
    }
    /// numpy's `rng.normal(loc, scale, shape)`.
    pub fn normal<Sh: ShapeBuilder>(
        &mut self,
        loc: f64,
        scale: f64,
        shape: Sh,
    ) -> Array<f64, Sh::Dim> {
        self.try_normal(loc, scale, shape)
            .unwrap_or_else(|e| panic!("{e}"))
    }
    pub fn try_normal<Sh: ShapeBuilder>(
        &mut self,
        loc: f64,
        scale: f64,
        shape: Sh,
    ) -> crate::Result<Array<f64, Sh::Dim>> {
        self.filled(shape, |bits, s| bits.fill_normal(loc, scale, s))
    }
    /// numpy's `rng.standard_normal(shape)`.
    pub fn standard_normal<Sh: ShapeBuilder>(&mut self, shape: Sh) -> Array<f64, Sh::Dim> {
        self.normal(0.0, 1.0, shape)
    }
    /// numpy's `rng.integers(low, high, shape)`: uniform in [low, high). Panics like numpy
    /// (`low >= high`) because numpy raises there too; use [`Self::try_integers`] to get a Result.
    pub fn integers<Sh: ShapeBuilder>(
        &mut self,
        low: i64,
        high: i64,
        shape: Sh,
    ) -> Array<i64, Sh::Dim> {
        self.try_integers(low, high, shape)
            .unwrap_or_else(|e| panic!("{e}"))
    }
    pub fn try_integers<Sh: ShapeBuilder>(
        &mut self,
        low: i64,
        high: i64,
        shape: Sh,
    ) -> crate::Result<Array<i64, Sh::Dim>> {
        if low >= high {
            return Err(crate::ArrayError::Value("high <= low".into()));
        }
        let n = (high as i128 - low as i128) as u64;
        let (shape, mut v) = alloc::<i64, Sh>(shape, 0)?;
        v.iter_mut()
            .for_each(|x| *x = low.wrapping_add(self.bits.below(n) as i64));
        Ok(Array::from_shape_vec(shape, v).expect("size checked"))
    }

    /// A fresh array of `shape`, allocated fallibly, filled in memory order by `fill`.
    fn filled<Sh: ShapeBuilder>(
        &mut self,
        shape: Sh,
        fill: impl FnOnce(&mut Xoshiro256pp, &mut [f64]),
    ) -> crate::Result<Array<f64, Sh::Dim>> {
        let (shape, mut v) = alloc::<f64, Sh>(shape, 0.0)?;
        fill(&mut self.bits, &mut v);
        Ok(Array::from_shape_vec(shape, v).expect("size checked"))
    }
    /// A random permutation of 0..n (Fisher–Yates), numpy's `rng.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> ndarray::Array1<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.bits.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
        ndarray::Array1::from(v)
    }
}
