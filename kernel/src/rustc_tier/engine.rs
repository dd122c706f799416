//! The worker thread that owns evcxr's `CommandContext`.
//!
//! Why a thread of its own: evcxr's calls block (cargo, then the child running user code),
//! and an interrupted cell must hand control back within a second even while cargo is
//! still compiling. The session's thread talks to the worker through channels and can walk
//! away from a job; the worker finishes or abandons it in the background, and the next job
//! waits its turn. Starting evcxr (seconds) also happens here, so creating the tier and
//! answering kernel_info never wait for it.

use super::child_setup::SETUP_CELL;
use super::{lockfile, prelude_dep};
use crossbeam_channel::{Receiver, Sender};
use evcxr::{CommandContext, EvalCallbacks, EvalContext, EvalContextOutputs, EvalOutputs};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::{Duration, Instant};

/// Builds the command evcxr runs as its child (None: `current_exe`, i.e. `accel` itself).
pub(super) type ChildCommand = Arc<dyn Fn() -> Command + Send + Sync>;

pub(super) enum Job {
    Eval {
        code: String,
        cancelled: Arc<AtomicBool>,
        events: Sender<Event>,
    },
    Complete {
        code: String,
        pos: usize,
        reply: Sender<Option<evcxr::Completions>>,
    },
}

pub(super) enum Event {
    /// The cell is about to run.
    Begin,
    /// A line from the child's stdout (evcxr's protocol; may be a `child_setup` marker).
    Stdout(String),
    /// A line from the child's stderr (only before the relay is set up).
    Stderr(String),
    /// A line from the kernel itself about the cell (shown on the cell's stderr stream).
    Note(String),
    /// User code asked for a line of input.
    Input {
        prompt: String,
        password: bool,
        reply: Sender<String>,
    },
    Done(Result<EvalOutputs, evcxr::Error>),
    /// evcxr could not be started (no cargo/rustc, ...).
    Unavailable(String),
}

/// State shared by the tier handle, the interrupter and the worker.
pub(super) struct Shared {
    pub vars: Mutex<Vec<(String, String)>>,
    /// evcxr's handle on its child process; valid across evcxr's restarts of the child.
    child: Mutex<Option<Arc<Mutex<Child>>>>,
    /// We killed the child; the worker restarts it before the next job if evcxr has not.
    killed: AtomicBool,
    pub ready: AtomicBool,
    /// The accel crate is being added in the background (`prelude_dep`, "Preloading").
    pub preloading: AtomicBool,
    /// A cell is being evaluated (interrupts outside one are ignored).
    pub in_eval: AtomicBool,
    pub interrupt_tx: Sender<()>,
    pub interrupt_rx: Receiver<()>,
}

impl Shared {
    pub fn new() -> Self {
        let (interrupt_tx, interrupt_rx) = crossbeam_channel::unbounded();
        Shared {
            vars: Mutex::new(Vec::new()),
            child: Mutex::new(None),
            killed: AtomicBool::new(false),
            ready: AtomicBool::new(false),
            preloading: AtomicBool::new(false),
            in_eval: AtomicBool::new(false),
            interrupt_tx,
            interrupt_rx,
        }
    }

    /// Kills evcxr's child process (the only way to stop running Rust code; its variables
    /// live there). Never blocks for long: the lock is only held briefly by evcxr.
    pub fn kill_child(&self) {
        let Some(handle) = self.child.lock().unwrap_or_else(|e| e.into_inner()).clone() else {
            return;
        };
        self.killed.store(true, Ordering::SeqCst);
        let until = Instant::now() + Duration::from_millis(300);
        loop {
            match handle.try_lock() {
                Ok(mut child) => {
                    let _ = child.kill();
                    return;
                }
                Err(TryLockError::WouldBlock) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                Err(_) => return,
            }
        }
    }
}

/// Orders for the forwarder thread.
enum Forward {
    /// Where output goes from now on (None: dropped — nobody is waiting for it).
    Target(Option<Sender<Event>>),
    /// Deliver this event after every line received so far.
    Then(Event),
}

/// Drains evcxr's output channels all the time: evcxr blocks until its stdout channel is
/// empty, so output that arrives when no cell listens (an abandoned interrupted cell, the
/// setup cell) must still be taken. Events a cell must see after its output (input
/// requests, the result) travel through here too, so they arrive in order.
fn spawn_forwarder(outputs: EvalContextOutputs) -> Sender<Forward> {
    let (orders_tx, orders) = crossbeam_channel::unbounded::<Forward>();
    std::thread::Builder::new()
        .name("accel-rustc-out".to_owned())
        .spawn(move || {
            let mut target: Option<Sender<Event>> = None;
            let (mut out_open, mut err_open) = (true, true);
            loop {
                let mut select = crossbeam_channel::Select::new();
                let on_orders = select.recv(&orders);
                let on_out = out_open.then(|| select.recv(&outputs.stdout));
                let on_err = err_open.then(|| select.recv(&outputs.stderr));
                let op = select.select();
                let index = op.index();
                if index == on_orders {
                    match op.recv(&orders) {
                        Ok(Forward::Target(t)) => target = t,
                        Ok(Forward::Then(event)) => {
                            if let Some(t) = &target {
                                let _ = t.send(event);
                            }
                        }
                        Err(_) => return,
                    }
                } else if Some(index) == on_out {
                    match op.recv(&outputs.stdout) {
                        Ok(line) => {
                            if let Some(t) = &target {
                                let _ = t.send(Event::Stdout(line));
                            }
                        }
                        Err(_) => out_open = false,
                    }
                } else if Some(index) == on_err {
                    match op.recv(&outputs.stderr) {
                        Ok(line) => {
                            if let Some(t) = &target {
                                let _ = t.send(Event::Stderr(line));
                            }
                        }
                        Err(_) => err_open = false,
                    }
                }
            }
        })
        .expect("cannot start the rustc tier's output thread");
    orders_tx
}

struct Engine {
    ctx: CommandContext,
    forward: Sender<Forward>,
    /// The child pid the setup cell last ran in.
    setup_pid: Option<u32>,
}

impl Engine {
    fn start(command: Option<&ChildCommand>, shared: &Shared) -> Result<Engine, String> {
        let created = match command {
            Some(make) => EvalContext::with_subprocess_command(make()),
            None => EvalContext::new(),
        };
        let (eval_context, outputs) = created.map_err(|e| e.to_string())?;
        let mut ctx = CommandContext::with_eval_context(eval_context);
        // evcxr's build cache on by default (before the user's config, which may change it).
        let cache_mb = cache_size_mb();
        if cache_mb > 0 {
            if let Err(error) = ctx.execute(&format!(":cache {cache_mb}")) {
                eprintln!("accel: evcxr's build cache not enabled: {error}");
            }
        }
        // Like evcxr_jupyter: honour the user's evcxr config (init.evcxr, prelude.rs).
        if let Err(error) = ctx.execute(":load_config --quiet") {
            eprintln!("accel: evcxr configuration not loaded: {error}");
        }
        *shared.child.lock().unwrap_or_else(|e| e.into_inner()) = Some(ctx.process_handle());
        let forward = spawn_forwarder(outputs);
        let mut engine = Engine {
            ctx,
            forward,
            setup_pid: None,
        };
        engine.ensure_setup();
        Ok(engine)
    }

    fn child_pid(&self) -> Option<u32> {
        Some(self.ctx.process_handle().lock().ok()?.id())
    }

    /// Runs the setup cell once per child process (evcxr replaces the child after a crash,
    /// an interrupt, `:restart` or `:clear`).
    fn ensure_setup(&mut self) {
        let pid = self.child_pid();
        if pid == self.setup_pid {
            return;
        }
        self.setup_pid = pid;
        if let Some(source) = SETUP_CELL {
            if let Err(error) = self.ctx.execute(source) {
                eprintln!("accel: rustc tier setup failed, panics stay plain stderr: {error}");
            }
        }
    }

    /// Whether the session has the `accel` crate already (`:show_deps` answers from evcxr's
    /// state, without a build: right after `:clear` too).
    fn has_accel(&mut self) -> Result<bool, evcxr::Error> {
        let deps = self.ctx.execute(":show_deps")?;
        Ok(prelude_dep::listed(deps.get("text/plain").unwrap_or("")))
    }

    /// Adds the `accel` crate before a cell that uses it (rule in `prelude_dep`), telling the
    /// cell what takes the time.
    fn ensure_accel(&mut self, code: &str) -> Result<(), evcxr::Error> {
        if !prelude_dep::uses_accel(code) || prelude_dep::adds_own_dep(code) {
            return Ok(());
        }
        if self.ctx.defined_item_names().any(|name| name == "accel") || self.has_accel()? {
            return Ok(());
        }
        let dir = prelude_dep::prelude_dir().map_err(evcxr::Error::Message)?;
        prelude_dep::forget_stale_builds(&dir);
        let note = |text: String| {
            let _ = self.forward.send(Forward::Then(Event::Note(text)));
        };
        // The same words whatever the cache holds, so a notebook's outputs do not depend on it.
        note("accel: adding the accel crate (first use in this session: seconds when evcxr's build cache \
              has it, minutes for the first build on a machine)…"
            .to_owned());
        let started = Instant::now();
        self.add_accel(&dir)?;
        // No duration in the cell: saved notebook outputs stay the same run to run (the server
        // log has it).
        eprintln!(
            "accel: the accel crate is ready ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
        let _ = self.forward.send(Forward::Then(Event::Note(
            "accel: the accel crate is ready.".to_owned(),
        )));
        Ok(())
    }

    /// `:dep accel = { path = … }`, with its dependencies pinned to the workspace's lock.
    fn add_accel(&mut self, dir: &Path) -> Result<(), evcxr::Error> {
        eprintln!("accel: adding the accel crate from {}", dir.display());
        if let (Some(crate_dir), Some(lock)) = (self.crate_dir(), prelude_dep::workspace_lock(dir))
        {
            if let Err(error) = lockfile::pin(&crate_dir, &lock) {
                eprintln!(
                    "accel: accel's dependencies not pinned to {}: {error}",
                    lock.display()
                );
            }
        }
        self.ctx
            .execute(&prelude_dep::dep_command(dir))
            .map_err(|error| {
                // Errors of the prelude's own build: not spans in the user's cell.
                let why = match error {
                    evcxr::Error::CompilationErrors(errors) => errors
                        .iter()
                        .map(|e| e.rendered())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    other => other.to_string(),
                };
                evcxr::Error::Message(format!(
                    "adding the accel crate ({}) failed: {why}",
                    dir.display()
                ))
            })?;
        Ok(())
    }

    /// evcxr's crate directory (where its `Cargo.toml` and `Cargo.lock` are).
    fn crate_dir(&mut self) -> Option<PathBuf> {
        let out = self.ctx.execute(":last_compile_dir").ok()?;
        let dir = PathBuf::from(out.get("text/plain")?.trim());
        dir.join("Cargo.toml").is_file().then_some(dir)
    }

    /// One stage of adding the crate while the session is idle (`prelude_dep`, "Preloading"):
    /// `:dep`, then a warm-up cell for the child, then a completion for rust-analyzer. The
    /// worker runs a user's cell that arrives between stages first. Returns the next stage, if
    /// any. Failures are only logged: the first cell that uses the crate then adds it the
    /// ordinary way and shows the error.
    fn preload_stage(&mut self, stage: PreloadStage) -> Option<PreloadStage> {
        let started = Instant::now();
        let result = (|| -> Result<(&'static str, Option<PreloadStage>), String> {
            match stage {
                PreloadStage::Dep => {
                    if self.has_accel().map_err(|e| e.to_string())? {
                        return Ok(("already there", None));
                    }
                    let dir = prelude_dep::prelude_dir()?;
                    prelude_dep::forget_stale_builds(&dir);
                    if !prelude_dep::cached(&dir) {
                        return Ok(("skipped: not in evcxr's build cache yet (the first cell using it builds it)", None));
                    }
                    self.add_accel(&dir).map_err(|e| e.to_string())?;
                    Ok((":dep added", Some(PreloadStage::WarmUpCell)))
                }
                PreloadStage::WarmUpCell => {
                    // Output of the warm-up cell is dropped (the forwarder has no target now).
                    self.ctx
                        .execute(prelude_dep::WARM_UP_CELL)
                        .map_err(|e| format!("warm-up cell: {e}"))?;
                    Ok(("warm-up cell ran", Some(PreloadStage::Completion)))
                }
                PreloadStage::Completion => {
                    let code = prelude_dep::WARM_UP_COMPLETION;
                    let _ = self.ctx.completions(code, code.len());
                    Ok(("warm-up completion done", None))
                }
            }
        })();
        let took = started.elapsed().as_secs_f64();
        match result {
            Ok((what, next)) => {
                eprintln!("accel: preloading the accel crate: {what} ({took:.1} s)");
                next
            }
            Err(why) => {
                eprintln!("accel: preloading the accel crate failed: {why}");
                None
            }
        }
    }

    fn restart_if_dead(&mut self) {
        let dead = matches!(
            self.ctx.process_handle().lock().map(|mut c| c.try_wait()),
            Ok(Ok(Some(_)))
        );
        if dead {
            let _ = self.ctx.execute(":restart");
        }
    }

    fn update_vars(&self, shared: &Shared) {
        let vars = self
            .ctx
            .variables_and_types()
            .map(|(n, t)| (n.to_owned(), t.to_owned()))
            .collect();
        *shared.vars.lock().unwrap_or_else(|e| e.into_inner()) = vars;
    }
}

/// How long the worker must have had nothing to do before it preloads the accel crate, and
/// before each later stage of the preload.
const PRELOAD_WHEN_IDLE_FOR: Duration = Duration::from_secs(2);

/// The stages of preloading, each run only while no user job waits (`Engine::preload_stage`).
#[derive(Clone, Copy, Debug)]
enum PreloadStage {
    Dep,
    WarmUpCell,
    Completion,
}

/// Default size of evcxr's build cache (`:cache`, in MiB); `ACCEL_RUSTC_CACHE_MB` changes it,
/// 0 turns the cache off.
const DEFAULT_CACHE_MB: u64 = 2048;
pub const CACHE_ENV: &str = "ACCEL_RUSTC_CACHE_MB";

fn cache_size_mb() -> u64 {
    match std::env::var(CACHE_ENV) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| {
            eprintln!("accel: {CACHE_ENV}={v:?} is not a number of MiB; using {DEFAULT_CACHE_MB}");
            DEFAULT_CACHE_MB
        }),
        Err(_) => DEFAULT_CACHE_MB,
    }
}

/// `preload`: add the accel crate when the worker is first idle (`prelude_dep`, "Preloading").
/// `on_first_use`: start evcxr only when the first job arrives.
pub(super) fn spawn_worker(
    command: Option<ChildCommand>,
    shared: Arc<Shared>,
    preload: bool,
    on_first_use: bool,
) -> Sender<Job> {
    let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("accel-rustc-tier".to_owned())
        .spawn(move || worker(command, shared, jobs_rx, preload, on_first_use))
        .expect("cannot start the rustc tier thread");
    jobs_tx
}

fn worker(
    command: Option<ChildCommand>,
    shared: Arc<Shared>,
    jobs: Receiver<Job>,
    preload: bool,
    on_first_use: bool,
) {
    let start = |shared: &Shared| -> Result<Engine, String> {
        let started = catch_unwind(AssertUnwindSafe(|| Engine::start(command.as_ref(), shared)))
            .unwrap_or_else(|_| Err("evcxr panicked while starting".to_owned()));
        if let Ok(engine) = &started {
            engine.update_vars(shared);
            shared.ready.store(true, Ordering::SeqCst);
        }
        started
    };
    let mut first = None;
    if on_first_use {
        let Ok(job) = jobs.recv() else { return };
        first = Some(job);
    }
    let mut engine = start(&shared);
    let mut preload = preload.then_some(PreloadStage::Dep);
    loop {
        let job = if let Some(job) = first.take() {
            job
        } else if let Some(stage) = preload {
            // Preload once the session has been idle for a moment (a user typing, not a
            // notebook run cell after cell, whose cells must not wait for it); a cell that
            // arrives meanwhile runs before the next stage.
            match jobs.recv_timeout(PRELOAD_WHEN_IDLE_FOR) {
                Ok(job) => job,
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    preload = None;
                    if let Ok(eng) = &mut engine {
                        shared.preloading.store(true, Ordering::SeqCst);
                        preload = catch_unwind(AssertUnwindSafe(|| eng.preload_stage(stage)))
                            .unwrap_or(None);
                        eng.ensure_setup();
                        shared.preloading.store(false, Ordering::SeqCst);
                    }
                    continue;
                }
            }
        } else {
            let Ok(job) = jobs.recv() else { break };
            job
        };
        match job {
            Job::Complete { code, pos, reply } => {
                let found = engine.as_mut().ok().and_then(|e| {
                    catch_unwind(AssertUnwindSafe(|| e.ctx.completions(&code, pos)))
                        .ok()?
                        .ok()
                });
                let _ = reply.send(found);
            }
            Job::Eval {
                code,
                cancelled,
                events,
            } => {
                if engine.is_err() {
                    // Retry: the failure may have been transient (e.g. network for config deps).
                    engine = start(&shared);
                }
                let eng = match &mut engine {
                    Ok(eng) => eng,
                    Err(why) => {
                        let _ = events.send(Event::Unavailable(why.clone()));
                        continue;
                    }
                };
                if shared.killed.swap(false, Ordering::SeqCst) {
                    eng.restart_if_dead();
                }
                eng.ensure_setup();
                if cancelled.load(Ordering::SeqCst) {
                    continue;
                }
                let _ = eng.forward.send(Forward::Target(Some(events.clone())));
                let _ = eng.forward.send(Forward::Then(Event::Begin));
                let forward = eng.forward.clone();
                let result = catch_unwind(AssertUnwindSafe(|| {
                    eng.ensure_accel(&code)?;
                    eng.ctx.execute_with_callbacks(
                        &code,
                        &mut EvalCallbacks {
                            input_reader: &|request| {
                                let (reply, answer) = crossbeam_channel::bounded(1);
                                let asked = forward.send(Forward::Then(Event::Input {
                                    prompt: request.prompt.clone(),
                                    password: request.is_password,
                                    reply,
                                }));
                                if asked.is_err() {
                                    return String::new();
                                }
                                answer.recv().unwrap_or_default()
                            },
                        },
                    )
                }));
                match result {
                    Ok(result) => {
                        eng.update_vars(&shared);
                        let _ = eng.forward.send(Forward::Then(Event::Done(result)));
                        let _ = eng.forward.send(Forward::Target(None));
                        // Re-arm a restarted child now, while the session is idle.
                        eng.ensure_setup();
                    }
                    Err(_) => {
                        // evcxr itself panicked: its state is suspect, so start afresh.
                        shared.kill_child();
                        shared.killed.store(false, Ordering::SeqCst);
                        shared.ready.store(false, Ordering::SeqCst);
                        let _ = events.send(Event::Done(Err(evcxr::Error::SubprocessTerminated(
                            "evcxr failed internally; the rustc tier was recreated".to_owned(),
                        ))));
                        engine =
                            start(&shared).map_err(|e| e + " (after an internal evcxr failure)");
                    }
                }
            }
        }
    }
}
