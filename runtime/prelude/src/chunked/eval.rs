//! Evaluation: produce any rectangular region of a node's result.
//!
//! Every operation knows how to compute a region from regions of its inputs, so nothing is
//! materialised beyond the region asked for. Reductions are where memory could blow up, so they
//! cut their input region into tiles (by the input's chunks along the reduced axes, then into
//! slabs of ≤ SLAB elements when the input can produce sub-chunk regions cheaply), reduce each
//! tile to a small partial on whatever rayon thread is free, and combine partials pairwise
//! (rayon's `reduce` is a tree). Peak memory is therefore about
//! `threads × (slab + partials)`, independent of the array's size.

use super::chunks::offsets;
use super::graph::{AxisSel, BinOp, Boundary, Dist, Node, Op, ReduceKind};
use crate::dense::random::Xoshiro256pp;
use crate::error::{ArrayError, Result};
use ndarray::{ArrayD, Axis, IxDyn, Slice, Zip};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Elements per reduction slab: 256 KiB of f64, so a slab and its partial stay in L2.
const SLAB: usize = 32 * 1024;

#[derive(Default)]
pub(crate) struct Ctx {
    /// Source elements produced so far (progress).
    pub done: AtomicU64,
    pub cancel: AtomicBool,
    /// The caller's interrupt flag (`interrupt::current`), 0 for none.
    pub interrupt: usize,
}

pub(crate) type Region = Vec<Range<usize>>;

fn region_shape(r: &[Range<usize>]) -> Vec<usize> {
    r.iter().map(|x| x.len()).collect()
}

pub(crate) fn eval(node: &Node, region: &[Range<usize>], ctx: &Ctx) -> Result<ArrayD<f64>> {
    if ctx.cancel.load(Ordering::Relaxed) {
        return Err(ArrayError::Value("computation cancelled".into()));
    }
    if super::interrupt::is_set(ctx.interrupt) {
        ctx.cancel.store(true, Ordering::Relaxed);
        return Err(ArrayError::Value(super::interrupt::INTERRUPTED.into()));
    }
    let shape = region_shape(region);
    let n: usize = shape.iter().product();
    match &node.op {
        Op::Array(a) => {
            let v = a.slice_each_axis(|ax| {
                let r = &region[ax.axis.index()];
                Slice::from(r.start..r.end)
            });
            ctx.done.fetch_add(n as u64, Ordering::Relaxed);
            Ok(v.to_owned())
        }
        Op::Npy(src) => {
            ctx.done.fetch_add(n as u64, Ordering::Relaxed);
            Ok(src.read(region))
        }
        Op::Full(v) => {
            ctx.done.fetch_add(n as u64, Ordering::Relaxed);
            Ok(ArrayD::from_elem(IxDyn(&shape), *v))
        }
        Op::Random { dist, seed } => {
            ctx.done.fetch_add(n as u64, Ordering::Relaxed);
            Ok(eval_random(node, *dist, *seed, region))
        }
        Op::Map { f, input, .. } => {
            let mut b = eval(input, region, ctx)?;
            b.mapv_inplace(|x| f(x));
            Ok(b)
        }
        Op::Binary { op, lhs, rhs } => {
            let l = eval(lhs, &operand_region(&lhs.shape, &node.shape, region), ctx)?;
            let r = eval(rhs, &operand_region(&rhs.shape, &node.shape, region), ctx)?;
            Ok(binary(*op, l, r, &shape))
        }
        Op::Slice {
            sel,
            new_axes,
            input,
        } => {
            // drop the inserted length-1 axes from the region, slice, then put them back
            let core: Region = region
                .iter()
                .enumerate()
                .filter(|(i, _)| !new_axes.contains(i))
                .map(|(_, r)| r.clone())
                .collect();
            let mut b = eval_slice(sel, input, &core, ctx)?;
            for &ax in new_axes {
                b = b.insert_axis(Axis(ax));
            }
            Ok(b)
        }
        Op::Transpose { perm, input } => {
            let mut in_region = vec![0..0; perm.len()];
            for (i, &p) in perm.iter().enumerate() {
                in_region[p] = region[i].clone();
            }
            let b = eval(input, &in_region, ctx)?;
            Ok(b.permuted_axes(IxDyn(perm))
                .as_standard_layout()
                .into_owned())
        }
        Op::Concat { axis, inputs } => {
            // chunk boundaries include every input's boundary, so the region lies in one input
            let r = &region[*axis];
            let mut start = 0;
            for inp in inputs {
                let end = start + inp.shape[*axis];
                if r.start >= start
                    && r.end <= end
                    && (r.start < end || inp.shape[*axis] == 0 && r.is_empty())
                {
                    let mut sub = region.to_vec();
                    sub[*axis] = r.start - start..r.end - start;
                    return eval(inp, &sub, ctx);
                }
                start = end;
            }
            Err(ArrayError::Value(format!(
                "internal: concatenate region {r:?} spans inputs"
            )))
        }
        Op::Rechunk { input } => eval_rechunk(input, region, ctx),
        Op::Reduce { kind, axes, input } => eval_reduce(*kind, axes, input, region, ctx),
        Op::MapBlocks {
            f,
            depth,
            boundary,
            input,
            ..
        } => eval_blocks(f, depth, *boundary, input, region, ctx),
    }
}

/// The region of a broadcast operand: trailing axes aligned, stretched axes read at index 0.
fn operand_region(op_shape: &[usize], out_shape: &[usize], region: &[Range<usize>]) -> Region {
    let lead = out_shape.len() - op_shape.len();
    op_shape
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if d == 1 && out_shape[i + lead] != 1 {
                0..1
            } else {
                region[i + lead].clone()
            }
        })
        .collect()
}

fn binary(op: BinOp, l: ArrayD<f64>, r: ArrayD<f64>, shape: &[usize]) -> ArrayD<f64> {
    macro_rules! apply {
        ($f:expr) => {{
            let f = $f;
            if l.shape() == shape {
                let mut l = l;
                l.zip_mut_with(&r, |a, &b| *a = f(*a, b));
                l
            } else {
                let lv = l
                    .broadcast(IxDyn(shape))
                    .expect("shapes checked at build time");
                let rv = r
                    .broadcast(IxDyn(shape))
                    .expect("shapes checked at build time");
                Zip::from(&lv).and(&rv).map_collect(|&a, &b| f(a, b))
            }
        }};
    }
    match op {
        BinOp::Add => apply!(|a: f64, b: f64| a + b),
        BinOp::Sub => apply!(|a: f64, b: f64| a - b),
        BinOp::Mul => apply!(|a: f64, b: f64| a * b),
        BinOp::Div => apply!(|a: f64, b: f64| a / b),
        BinOp::Pow => apply!(|a: f64, b: f64| a.powf(b)),
        BinOp::Max => apply!(|a: f64, b: f64| if a.is_nan() || a > b { a } else { b }),
        BinOp::Min => apply!(|a: f64, b: f64| if a.is_nan() || a < b { a } else { b }),
    }
}

/// Random values: one keyed xoshiro stream per (row, chunk along the last axis), where a row is
/// a position in all axes but the last. Any region is produced by replaying only the streams it
/// touches, so results do not depend on scheduling or on how the region was cut.
fn eval_random(node: &Node, dist: Dist, seed: u64, region: &[Range<usize>]) -> ArrayD<f64> {
    let shape = region_shape(region);
    let nd = node.shape.len();
    let fill = |rng: &mut Xoshiro256pp, out: &mut [f64]| match dist {
        Dist::Normal { loc, scale } => rng.fill_normal(loc, scale, out),
        Dist::Uniform { low, high } => rng.fill_uniform(low, high, out),
    };
    if nd == 0 {
        let mut v = [0.0];
        fill(&mut Xoshiro256pp::keyed(seed, 0, 0), &mut v);
        return ArrayD::from_elem(IxDyn(&[]), v[0]);
    }
    let n: usize = shape.iter().product();
    let mut out = vec![0.0f64; n];
    if n == 0 {
        return ArrayD::from_shape_vec(IxDyn(&shape), out).unwrap();
    }
    let last = &region[nd - 1];
    let offs = offsets(&node.chunks[nd - 1]);
    // chunks overlapping the region along the last axis
    let c0 = offs.partition_point(|&o| o <= last.start) - 1;
    let mut row_strides = vec![1u64; nd - 1];
    for i in (0..nd.saturating_sub(2)).rev() {
        row_strides[i] = row_strides[i + 1] * node.shape[i + 1] as u64;
    }
    let mut idx: Vec<usize> = region[..nd - 1].iter().map(|r| r.start).collect();
    let mut scratch = Vec::new();
    for row in out.chunks_mut(last.len()) {
        let row_id: u64 = idx
            .iter()
            .zip(&row_strides)
            .map(|(&i, &s)| i as u64 * s)
            .sum();
        let mut c = c0;
        let mut pos = 0;
        while pos < row.len() {
            let (cs, ce) = (offs[c], offs[c + 1]);
            let a = cs.max(last.start);
            let b = ce.min(last.end);
            let mut rng = Xoshiro256pp::keyed(seed, row_id, c as u64);
            if a == cs {
                fill(&mut rng, &mut row[pos..pos + (b - a)]);
            } else {
                scratch.resize(b - cs, 0.0);
                fill(&mut rng, &mut scratch);
                row[pos..pos + (b - a)].copy_from_slice(&scratch[a - cs..]);
            }
            pos += b - a;
            c += 1;
        }
        for ax in (0..nd - 1).rev() {
            idx[ax] += 1;
            if idx[ax] < region[ax].end {
                break;
            }
            idx[ax] = region[ax].start;
        }
    }
    ArrayD::from_shape_vec(IxDyn(&shape), out).unwrap()
}

fn eval_slice(
    sel: &[AxisSel],
    input: &Node,
    region: &[Range<usize>],
    ctx: &Ctx,
) -> Result<ArrayD<f64>> {
    let mut in_region = Vec::with_capacity(sel.len());
    let mut out_ax = 0;
    let mut empty = false;
    for s in sel {
        if s.drop {
            in_region.push(s.start..s.start + 1);
            continue;
        }
        let r = &region[out_ax];
        out_ax += 1;
        if r.is_empty() {
            empty = true;
            in_region.push(0..0);
            continue;
        }
        let first = s.start as isize + r.start as isize * s.step;
        let last = s.start as isize + (r.end as isize - 1) * s.step;
        in_region.push(first.min(last) as usize..first.max(last) as usize + 1);
    }
    if empty {
        return Ok(ArrayD::zeros(IxDyn(&region_shape(region))));
    }
    let block = eval(input, &in_region, ctx)?;
    let mut v = block.slice_each_axis(|ax| {
        let s = sel[ax.axis.index()];
        if s.drop {
            Slice::from(0..1)
        } else {
            Slice::new(0, None, s.step)
        }
    });
    for (i, s) in sel.iter().enumerate().rev() {
        if s.drop {
            v = v.index_axis_move(Axis(i), 0);
        }
    }
    Ok(v.to_owned())
}

/// A reduction's partial result for one tile.
struct Partial {
    /// Elements folded into each output cell.
    n: f64,
    /// Sum (Sum/Mean), extreme (Min/Max) or mean (Var/Std).
    a: ArrayD<f64>,
    /// Sum of squared deviations (Var/Std).
    m2: Option<ArrayD<f64>>,
}

fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || a >= b {
        a
    } else {
        b
    }
}
fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || a <= b {
        a
    } else {
        b
    }
}

fn partial_of(kind: ReduceKind, block: ArrayD<f64>, axes: &[usize]) -> Partial {
    let n: f64 = axes.iter().map(|&a| block.len_of(Axis(a)) as f64).product();
    // reduce the highest axis first so the remaining axis numbers stay valid
    let fold = |b: ndarray::ArrayViewD<f64>, f: fn(f64, f64) -> f64, init: f64| {
        let mut it = axes.iter().rev();
        let mut r = b.fold_axis(Axis(*it.next().unwrap()), init, |&acc, &x| f(acc, x));
        for &ax in it {
            r = r.fold_axis(Axis(ax), init, |&acc, &x| f(acc, x));
        }
        r
    };
    let sum = |b: ndarray::ArrayViewD<f64>| {
        let mut it = axes.iter().rev();
        let mut r = b.sum_axis(Axis(*it.next().unwrap()));
        for &ax in it {
            r = r.sum_axis(Axis(ax));
        }
        r
    };
    match kind {
        ReduceKind::Sum | ReduceKind::Mean => Partial {
            n,
            a: sum(block.view()),
            m2: None,
        },
        ReduceKind::Max => Partial {
            n,
            a: fold(block.view(), nan_max, f64::NEG_INFINITY),
            m2: None,
        },
        ReduceKind::Min => Partial {
            n,
            a: fold(block.view(), nan_min, f64::INFINITY),
            m2: None,
        },
        ReduceKind::Var(_) | ReduceKind::Std(_) => {
            let mean = sum(block.view()).mapv(|s| s / n);
            let keep: Vec<usize> = (0..block.ndim())
                .map(|i| {
                    if axes.contains(&i) {
                        1
                    } else {
                        block.len_of(Axis(i))
                    }
                })
                .collect();
            let mb = mean
                .view()
                .into_shape_with_order(IxDyn(&keep))
                .expect("same size");
            let mut dev = block;
            dev.zip_mut_with(&mb, |x, &m| *x = (*x - m) * (*x - m));
            Partial {
                n,
                a: mean,
                m2: Some(sum(dev.view())),
            }
        }
    }
}

fn combine(kind: ReduceKind, mut p: Partial, q: Partial) -> Partial {
    match kind {
        ReduceKind::Sum | ReduceKind::Mean => p.a += &q.a,
        ReduceKind::Max => p.a.zip_mut_with(&q.a, |a, &b| *a = nan_max(*a, b)),
        ReduceKind::Min => p.a.zip_mut_with(&q.a, |a, &b| *a = nan_min(*a, b)),
        ReduceKind::Var(_) | ReduceKind::Std(_) => {
            // Chan et al.'s pairwise update: exact, and stable for tree-shaped combination
            let (na, nb) = (p.n, q.n);
            let n = na + nb;
            let mut m2 = p.m2.take().unwrap();
            let m2b = q.m2.unwrap();
            Zip::from(&mut p.a)
                .and(&mut m2)
                .and(&q.a)
                .and(&m2b)
                .for_each(|ma, m2a, &mb, &m2b| {
                    let d = mb - *ma;
                    *ma += d * nb / n;
                    *m2a += m2b + d * d * na * nb / n;
                });
            p.m2 = Some(m2);
        }
    }
    p.n += q.n;
    p
}

fn finish(kind: ReduceKind, p: Partial) -> ArrayD<f64> {
    let n = p.n;
    match kind {
        ReduceKind::Sum | ReduceKind::Max | ReduceKind::Min => p.a,
        ReduceKind::Mean => p.a.mapv(|s| s / n),
        ReduceKind::Var(ddof) => p.m2.unwrap().mapv(|m| m / (n - ddof).max(0.0)),
        ReduceKind::Std(ddof) => p.m2.unwrap().mapv(|m| (m / (n - ddof).max(0.0)).sqrt()),
    }
}

/// Cut the input region of a reduction into tiles (see the module comment).
///
/// Tiles that share their ranges along the kept (non-reduced) axes reduce to partials over the
/// same output cells and are combined; tiles with different kept ranges cover different output
/// cells and are pasted side by side ([`eval_reduce`]). For that to work, slab cuts along a kept
/// axis must be the same in every tile, so the slab steps are computed once, from the largest
/// piece along each reduced axis, rather than per tile (ragged chunks along a reduced axis used
/// to give each tile its own row step, and partials of different lengths were then combined).
pub(crate) fn tiles(input: &Node, in_region: &[Range<usize>], axes: &[usize]) -> Vec<Region> {
    let mut tiles: Vec<Region> = vec![in_region.to_vec()];
    let mut widest: Vec<usize> = in_region.iter().map(|r| r.len()).collect();
    for &ax in axes {
        let offs = offsets(&input.chunks[ax]);
        let r = &in_region[ax];
        let mut pieces = vec![];
        for w in offs.windows(2) {
            let (a, b) = (w[0].max(r.start), w[1].min(r.end));
            if a < b {
                pieces.push(a..b);
            }
        }
        widest[ax] = pieces.iter().map(|p| p.len()).max().unwrap_or(0);
        tiles = tiles
            .into_iter()
            .flat_map(|t| {
                pieces.iter().map(move |p| {
                    let mut t = t.clone();
                    t[ax] = p.clone();
                    t
                })
            })
            .collect();
    }
    if !input.fine_grained() || in_region.len() < 2 {
        return tiles;
    }
    // slabs along the outer axes; the last axis is never cut (random rows are replayed per row)
    let nd = in_region.len();
    let mut steps: Vec<Option<usize>> = vec![None; nd];
    for k in 0..nd - 1 {
        let inner: usize = widest[k + 1..].iter().product();
        let step = SLAB.checked_div(inner).map_or(usize::MAX, |q| q.max(1));
        if step >= widest[k] && inner <= SLAB {
            break;
        }
        steps[k] = Some(step);
        if inner <= SLAB {
            break;
        }
    }
    let mut out = Vec::with_capacity(tiles.len());
    for t in tiles {
        let mut parts = vec![t];
        for (k, step) in steps.iter().enumerate() {
            let Some(step) = *step else { continue };
            parts = parts
                .into_iter()
                .flat_map(|p| {
                    // cuts at fixed offsets from the region's start along kept axes (and at the
                    // tile's own start along reduced ones, which are never pasted)
                    let r = p[k].clone();
                    (r.start..r.end)
                        .step_by(step.min(r.len().max(1)))
                        .map(move |s| {
                            let mut q = p.clone();
                            q[k] = s..(s + step).min(r.end);
                            q
                        })
                })
                .collect();
        }
        out.extend(parts);
    }
    out
}

fn eval_reduce(
    kind: ReduceKind,
    axes: &[usize],
    input: &Node,
    region: &[Range<usize>],
    ctx: &Ctx,
) -> Result<ArrayD<f64>> {
    let mut in_region = Vec::with_capacity(input.shape.len());
    let mut k = 0;
    for (i, &d) in input.shape.iter().enumerate() {
        if axes.contains(&i) {
            in_region.push(0..d);
        } else {
            in_region.push(region[k].clone());
            k += 1;
        }
    }
    let ts = tiles(input, &in_region, axes);
    if ts.is_empty() {
        // reducing over a zero-length axis (min/max are refused when the graph is built):
        // numpy's and dask's sum is 0.0; mean, var and std divide 0 by 0 elements, NaN
        let fill = if matches!(kind, ReduceKind::Sum) {
            0.0
        } else {
            f64::NAN
        };
        return Ok(ArrayD::from_elem(IxDyn(&region_shape(region)), fill));
    }
    // group tiles by their kept ranges (an output sub-region); each group combines into one partial
    let kept = |t: &Region| -> Region {
        t.iter()
            .enumerate()
            .filter(|(i, _)| !axes.contains(i))
            .map(|(_, r)| r.clone())
            .collect()
    };
    let mut groups: Vec<(Region, Vec<Region>)> = Vec::new();
    for t in ts {
        let key = kept(&t);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(t),
            None => groups.push((key, vec![t])),
        }
    }
    let reduce_group = |g: Vec<Region>| -> Result<ArrayD<f64>> {
        let p = g
            .into_par_iter()
            .map(|t| eval(input, &t, ctx).map(|b| partial_of(kind, b, axes)))
            .try_reduce_with(|p, q| Ok(combine(kind, p, q)))
            .expect("at least one tile")?;
        Ok(finish(kind, p))
    };
    if groups.len() == 1 {
        return reduce_group(groups.pop().unwrap().1);
    }
    let parts: Vec<(Region, ArrayD<f64>)> = groups
        .into_par_iter()
        .map(|(key, g)| reduce_group(g).map(|a| (key, a)))
        .collect::<Result<_>>()?;
    let mut out = ArrayD::zeros(IxDyn(&region_shape(region)));
    for (key, a) in parts {
        out.slice_each_axis_mut(|ax| {
            let i = ax.axis.index();
            Slice::from(key[i].start - region[i].start..key[i].end - region[i].start)
        })
        .assign(&a);
    }
    Ok(out)
}

fn eval_blocks(
    f: &super::graph::BlockFn,
    depth: &[usize],
    boundary: Boundary,
    input: &Node,
    region: &[Range<usize>],
    ctx: &Ctx,
) -> Result<ArrayD<f64>> {
    // the block holding the region, extended by the overlap depth
    let mut block = Vec::new();
    let mut ext = Vec::new();
    for (ax, r) in region.iter().enumerate() {
        let offs = offsets(&input.chunks[ax]);
        let c = offs
            .partition_point(|&o| o <= r.start)
            .saturating_sub(1)
            .min(input.chunks[ax].len() - 1);
        let (bs, be) = (offs[c], offs[c + 1]);
        if r.end > be {
            return Err(ArrayError::Value(format!(
                "internal: region {r:?} crosses block {bs}..{be} on axis {ax}"
            )));
        }
        block.push(bs..be);
        let d = depth[ax];
        ext.push(bs.saturating_sub(d)..(be + d).min(input.shape[ax]));
    }
    let data = eval(input, &ext, ctx)?;
    let (data, lo): (ArrayD<f64>, Vec<usize>) = match boundary {
        Boundary::None => (
            data,
            block
                .iter()
                .zip(&ext)
                .map(|(b, e)| b.start - e.start)
                .collect(),
        ),
        Boundary::Constant(v) => {
            let padded_shape: Vec<usize> = block
                .iter()
                .zip(depth)
                .map(|(b, d)| b.len() + 2 * d)
                .collect();
            let mut p = ArrayD::from_elem(IxDyn(&padded_shape), v);
            p.slice_each_axis_mut(|ax| {
                let i = ax.axis.index();
                let s = depth[i] - (block[i].start - ext[i].start);
                Slice::from(s..s + ext[i].len())
            })
            .assign(&data);
            (p, depth.to_vec())
        }
    };
    let in_shape = data.shape().to_vec();
    let out = f(data.view());
    if out.shape() != in_shape.as_slice() {
        return Err(ArrayError::Shape(format!(
            "map_blocks function returned shape {} for a block of shape {}",
            crate::error::shape_tuple(out.shape()),
            crate::error::shape_tuple(&in_shape)
        )));
    }
    let v = out.slice_each_axis(|ax| {
        let i = ax.axis.index();
        let s = lo[i] + region[i].start - block[i].start;
        Slice::from(s..s + region[i].len())
    });
    Ok(v.to_owned())
}

/// A region of a rechunked array: cut it along the input's chunk boundaries (every node can
/// produce any region inside one of its own chunks), evaluate the pieces, paste them together.
fn eval_rechunk(input: &Node, region: &[Range<usize>], ctx: &Ctx) -> Result<ArrayD<f64>> {
    let pieces: Vec<Vec<Range<usize>>> = region
        .iter()
        .zip(&input.chunks)
        .map(|(r, c)| {
            let offs = offsets(c);
            let mut v: Vec<Range<usize>> = offs
                .windows(2)
                .map(|w| w[0].max(r.start)..w[1].min(r.end))
                .filter(|p| p.start < p.end)
                .collect();
            if v.is_empty() {
                v.push(r.clone()); // an empty region stays one (empty) piece
            }
            v
        })
        .collect();
    if pieces.iter().all(|p| p.len() == 1) {
        return eval(input, region, ctx);
    }
    let mut out = ArrayD::zeros(IxDyn(&region_shape(region)));
    let mut idx = vec![0usize; pieces.len()];
    loop {
        let sub: Region = idx
            .iter()
            .zip(&pieces)
            .map(|(&i, p)| p[i].clone())
            .collect();
        let b = eval(input, &sub, ctx)?;
        out.slice_each_axis_mut(|ax| {
            let i = ax.axis.index();
            Slice::from(sub[i].start - region[i].start..sub[i].end - region[i].start)
        })
        .assign(&b);
        let mut ax = pieces.len();
        loop {
            if ax == 0 {
                return Ok(out);
            }
            ax -= 1;
            idx[ax] += 1;
            if idx[ax] < pieces[ax].len() {
                break;
            }
            idx[ax] = 0;
        }
    }
}
