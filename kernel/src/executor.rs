//! The one thread that owns the `Session` and runs cells.
//!
//! Cells run here, never on the async runtime, so the control channel, the
//! heartbeat and iopub keep working while a cell computes. Work arrives as
//! closures over `&mut Session`; each closure is run under `catch_unwind` so a
//! bug in a tier cannot take the kernel down with it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};

use accel_magics::{RustcTier, Session};

type Job = Box<dyn FnOnce(&mut Session) + Send>;
type Interrupter = Box<dyn Fn() + Send + Sync>;

/// A job's closure panicked; the message is the panic payload.
#[derive(Debug, Clone)]
pub struct JobPanicked(pub String);

#[derive(Clone)]
pub struct Executor {
    jobs: mpsc::Sender<Job>,
    /// Set once the session exists; interrupts before that have nothing to stop.
    interrupter: Arc<OnceLock<Interrupter>>,
}

impl Executor {
    /// Starts the executor thread. `make_tier` runs on that thread, so a slow tier
    /// start (evcxr) delays only the first job, never the caller.
    pub fn start(make_tier: impl FnOnce() -> Box<dyn RustcTier> + Send + 'static) -> Executor {
        let (jobs, rx) = mpsc::channel::<Job>();
        let interrupter: Arc<OnceLock<Interrupter>> = Arc::new(OnceLock::new());
        let slot = interrupter.clone();
        std::thread::Builder::new()
            .name("accel-executor".into())
            // evcxr and the fast tier recurse over syntax trees; give them room.
            .stack_size(64 << 20)
            .spawn(move || {
                let mut session = Session::new(make_tier());
                let _ = slot.set(session.interrupter());
                while let Ok(job) = rx.recv() {
                    job(&mut session);
                }
            })
            .expect("spawn executor thread");
        Executor { jobs, interrupter }
    }

    /// Runs `f` on the executor thread and waits for it asynchronously.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> R + Send + 'static,
    ) -> Result<R, JobPanicked> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(f, move |r| {
            let _ = tx.send(r);
        });
        rx.await
            .unwrap_or_else(|_| Err(JobPanicked("executor thread is gone".into())))
    }

    /// Queues `f` on the executor thread; the caller waits on the receiver as it likes
    /// (`accel run` waits with a timeout).
    pub fn start_job<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> R + Send + 'static,
    ) -> mpsc::Receiver<Result<R, JobPanicked>> {
        let (tx, rx) = mpsc::channel();
        self.submit(f, move |r| {
            let _ = tx.send(r);
        });
        rx
    }

    fn submit<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Session) -> R + Send + 'static,
        done: impl FnOnce(Result<R, JobPanicked>) + Send + 'static,
    ) {
        let job: Job = Box::new(move |session: &mut Session| {
            let result = catch_unwind(AssertUnwindSafe(|| f(session))).map_err(|payload| {
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                JobPanicked(text)
            });
            done(result);
        });
        if let Err(mpsc::SendError(job)) = self.jobs.send(job) {
            // The thread died (cannot happen short of an abort); drop the job so the
            // waiter sees a closed channel instead of hanging.
            drop(job);
        }
    }

    /// Asks the running cell to stop. Returns false when the session is not up yet.
    pub fn interrupt(&self) -> bool {
        match self.interrupter.get() {
            Some(stop) => {
                stop();
                true
            }
            None => false,
        }
    }
}
