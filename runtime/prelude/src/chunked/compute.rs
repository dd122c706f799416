//! The driver: compute every output chunk in parallel (rayon), write each into the result as it
//! completes, report progress, stop early after the first error. `store` streams chunks straight
//! into a `.npy` file with positioned writes, so nothing but the chunks in flight is in memory.

use super::eval::{eval, Ctx, Region};
use super::graph::{Node, Op};
use super::progress::{current_hook, delay, ProgressEvent};
use crate::error::{ArrayError, Result};
use ndarray::{ArrayD, Slice};
use rayon::prelude::*;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Every chunk of a node as a region, in C order.
pub(crate) fn chunk_regions(node: &Node) -> Vec<Region> {
    let mut regions: Vec<Region> = vec![vec![]];
    for c in &node.chunks {
        let offs = super::chunks::offsets(c);
        regions = regions
            .into_iter()
            .flat_map(|r| {
                offs.windows(2).map(move |w| {
                    let mut r = r.clone();
                    r.push(w[0]..w[1]);
                    r
                })
            })
            .collect();
    }
    regions
}

/// Elements the sources will produce, for the progress fraction (sources read once each).
fn total_work(node: &Node) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![node];
    let mut t = 0u64;
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id()) {
            continue;
        }
        if matches!(
            n.op,
            Op::Array(_) | Op::Npy(_) | Op::Full(_) | Op::Random { .. }
        ) {
            t += n.shape.iter().product::<usize>() as u64;
        }
        stack.extend(n.inputs().into_iter().map(|x| &**x));
    }
    t.max(1)
}

/// Run `work` while a watcher thread reports progress once the computation passes DELAY.
fn with_progress<T>(node: &Node, ctx: &Ctx, work: impl FnOnce() -> T) -> T {
    let Some(hook) = current_hook() else {
        return work();
    };
    let total = total_work(node) as f64;
    let start = Instant::now();
    let delay = delay();
    let finished = std::sync::atomic::AtomicBool::new(false);
    // A zero delay shows the bar at once (0%), so it appears however fast the compute is
    // (tests rely on it; the first timed report would miss a compute shorter than one tick).
    let shown_at_start = delay.is_zero();
    if shown_at_start {
        hook(&ProgressEvent {
            fraction: 0.0,
            elapsed: start.elapsed(),
            finished: false,
        });
    }
    std::thread::scope(|s| {
        let watcher = s.spawn(|| {
            let mut reported = shown_at_start;
            while !finished.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(100));
                let elapsed = start.elapsed();
                if elapsed >= delay && !finished.load(Ordering::Acquire) {
                    let fraction = (ctx.done.load(Ordering::Relaxed) as f64 / total).min(0.99);
                    hook(&ProgressEvent {
                        fraction,
                        elapsed,
                        finished: false,
                    });
                    reported = true;
                }
            }
            reported
        });
        // A panic in `work` (a user fn given to `map_blocks`) must still stop the watcher, or
        // the scope would wait for it forever.
        struct Finish<'a>(&'a std::sync::atomic::AtomicBool);
        impl Drop for Finish<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Release);
            }
        }
        let finish = Finish(&finished);
        let out = work();
        drop(finish);
        if watcher.join().unwrap_or(false) {
            hook(&ProgressEvent {
                fraction: 1.0,
                elapsed: start.elapsed(),
                finished: true,
            });
        }
        out
    })
}

/// Refuse graphs whose chunk lists alone would exhaust memory (e.g. chunks of 1 on 20000²).
const MAX_CHUNKS: usize = 10_000_000;

fn check_graph(node: &Node) -> Result<()> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let k: u128 = n.chunks.iter().map(|c| c.len() as u128).product();
        if k > MAX_CHUNKS as u128 {
            return Err(ArrayError::Chunks(format!(
                "{} has {k} chunks (more than {MAX_CHUNKS}); use larger chunks, e.g. \"64 MB\"",
                n.name()
            )));
        }
        stack.extend(n.inputs().into_iter().map(|x| &**x));
    }
    Ok(())
}

pub(crate) fn compute(node: &Node) -> Result<ArrayD<f64>> {
    check_graph(node)?;
    let ctx = Ctx {
        interrupt: super::interrupt::current(),
        ..Ctx::default()
    };
    let out = Mutex::new(crate::dense::try_zeros::<f64>(&node.shape)?);
    let regions = chunk_regions(node);
    with_progress(node, &ctx, || {
        regions.par_iter().try_for_each(|r| {
            let b =
                eval(node, r, &ctx).inspect_err(|_| ctx.cancel.store(true, Ordering::Relaxed))?;
            let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
            o.slice_each_axis_mut(|ax| Slice::from(r[ax.axis.index()].clone()))
                .assign(&b);
            Ok::<(), ArrayError>(())
        })
    })?;
    Ok(out.into_inner().unwrap_or_else(|e| e.into_inner()))
}

pub(crate) fn store(node: &Node, path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let err = |e: std::io::Error| ArrayError::Npy {
        path: path.display().to_string(),
        msg: e.to_string(),
    };
    check_graph(node)?;
    let header = crate::io::npy::NpyHeader::encode("<f8", false, &node.shape);
    let file = std::fs::File::create(path).map_err(err)?;
    file.write_all_at(&header, 0).map_err(err)?;
    let n: u64 = node.shape.iter().product::<usize>() as u64;
    file.set_len(header.len() as u64 + n * 8).map_err(err)?;
    let nd = node.shape.len();
    let mut strides = vec![1u64; nd];
    for i in (0..nd.saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * node.shape[i + 1] as u64;
    }
    let ctx = Ctx {
        interrupt: super::interrupt::current(),
        ..Ctx::default()
    };
    let regions = chunk_regions(node);
    with_progress(node, &ctx, || {
        regions.par_iter().try_for_each(|r| {
            let b =
                eval(node, r, &ctx).inspect_err(|_| ctx.cancel.store(true, Ordering::Relaxed))?;
            if b.is_empty() {
                return Ok(());
            }
            // each row of the block (last axis) is one contiguous run in the file
            let row_len = if nd == 0 { 1 } else { r[nd - 1].len() };
            let mut bytes = Vec::with_capacity(row_len * 8);
            let mut idx: Vec<usize> = r.iter().map(|x| x.start).collect();
            for row in b.as_slice().expect("fresh block").chunks(row_len) {
                bytes.clear();
                for x in row {
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
                let lin: u64 = idx.iter().zip(&strides).map(|(&i, &s)| i as u64 * s).sum();
                file.write_all_at(&bytes, header.len() as u64 + lin * 8)
                    .map_err(err)?;
                for ax in (0..nd.saturating_sub(1)).rev() {
                    idx[ax] += 1;
                    if idx[ax] < r[ax].end {
                        break;
                    }
                    idx[ax] = r[ax].start;
                }
            }
            Ok::<(), ArrayError>(())
        })
    })
}
