//! The engine: fn definitions, the JIT modules (one per `--opt` level), compiling a cell
//! and everything it (transitively) calls that is stale, and running it.

use crate::abi::ctx;
use crate::abi::ty::Ty;
use crate::api::{Diagnostic, Dump, Failure, JitOptions, OptLevel, Output, Value};
use crate::diag::{Error, Span};
use crate::exec::{self, rt::RtState, workspace::Slot};
use crate::lower::{self, LineCounts, Lowerer, RtImports};
use crate::parse;
use crate::typeck::{self, typed, Env, FnSig, WsVar};
use cranelift_codegen::ir::{InstBuilder, UserFuncName};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A fn as the user defined it: its cell's source is kept so it can be re-checked and
/// recompiled when what it calls changes.
pub struct FnDef {
    pub cell_src: Arc<str>,
    pub sig: FnSig,
    pub defined_at: u64,
    pub callees: Vec<String>,
    pub lines: (u32, u32),
}

/// What `%annotate` shows for one compiled fn.
pub struct FnAnnot {
    pub counts: BTreeMap<u32, LineCounts>,
    pub func: cranelift_codegen::ir::Function,
    pub code: Vec<u8>,
    /// (start, end, line) of machine code ranges.
    pub ranges: Vec<(u32, u32, u32)>,
    pub cell_src: Arc<str>,
    pub lines: (u32, u32),
}

struct Compiled {
    id: FuncId,
}

struct Mod {
    jit: JITModule,
    imports: RtImports,
    compiled: HashMap<String, (Compiled, u64)>,
    gen: u64,
}

impl Mod {
    fn new(opt: OptLevel) -> Mod {
        Mod {
            jit: exec::jit::module(opt),
            imports: RtImports::new(exec::symbols().into_iter().map(|(n, _)| n).collect()),
            compiled: HashMap::new(),
            gen: 0,
        }
    }
}

pub struct Engine {
    mods: [Option<Mod>; 2],
    pub defs: HashMap<String, FnDef>,
    uses: Vec<String>,
    consts: Vec<String>,
    pub vars: HashMap<String, Slot>,
    var_order: Vec<String>,
    pub st: Box<RtState>,
    strs: Vec<Box<[u8]>>,
    epoch: u64,
    pub last_compile: Duration,
    /// Vecs the last run allocated and did not free (see `rt::LIVE_VECS`).
    pub last_unfreed_vecs: i64,
    pub annots: HashMap<String, FnAnnot>,
    /// When set, `prepare` appends the typed IR of the cell's fns and of the cell itself
    /// (for `driver/dump.rs`; the snapshot tests print it).
    pub(crate) typed_out: Option<Vec<typed::Fn>>,
}

/// A compiled cell, ready to run.
pub struct Prepared {
    entry: *const u8,
    new_vars: Vec<(String, Slot)>,
    result: Option<(Ty, Slot, bool)>,
    dump: String,
}

fn diags(src: &str, e: Error) -> Failure {
    Failure::Compile(vec![e.to_diagnostic(src)])
}

fn callees_of(f: &typed::Fn) -> Vec<String> {
    let mut out = HashSet::new();
    let mut visit = |e: &typed::Expr| {
        if let typed::ExprKind::Call(n, _) = &e.kind {
            out.insert(n.clone());
        }
    };
    crate::lower::walk_block_pub(&f.body, &mut visit);
    for c in &f.closures {
        crate::lower::walk_pub(&c.body, &mut visit);
    }
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort();
    v
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            mods: [None, None],
            defs: HashMap::new(),
            uses: vec![],
            consts: vec![],
            vars: HashMap::new(),
            var_order: vec![],
            st: Box::default(),
            strs: vec![],
            epoch: 0,
            last_compile: Duration::ZERO,
            last_unfreed_vecs: 0,
            annots: HashMap::new(),
            typed_out: None,
        }
    }

    fn all_uses(&self, cell: &parse::Cell) -> Vec<syn::ItemUse> {
        let mut v: Vec<syn::ItemUse> = self
            .uses
            .iter()
            .filter_map(|s| syn::parse_str(s).ok())
            .collect();
        v.extend(cell.uses.iter().cloned());
        v
    }

    /// Add the `const`s of earlier cells and of `cell` to `env`.
    pub fn add_consts(&self, env: &mut Env, cell: Option<&parse::Cell>) -> crate::diag::Result<()> {
        for c in &self.consts {
            if let Ok(c) = syn::parse_str::<syn::ItemConst>(c) {
                env.add_const(&c)?;
            }
        }
        for c in cell.map(|c| c.consts.as_slice()).unwrap_or(&[]) {
            env.add_const(c)?;
        }
        Ok(())
    }

    pub fn ws_vars(&self) -> HashMap<String, WsVar> {
        self.vars
            .iter()
            .map(|(k, s)| {
                (
                    k.clone(),
                    WsVar {
                        ty: s.ty.clone(),
                        addr: s.addr(),
                        mutable: s.mutable,
                    },
                )
            })
            .collect()
    }

    /// Parse, check and compile a cell (and the fns it needs); nothing runs yet.
    pub fn prepare(
        &mut self,
        src: &str,
        opts: &JitOptions,
        extra: &HashMap<String, WsVar>,
    ) -> Result<Prepared, Failure> {
        // Any compiler panic becomes a diagnostic: the kernel must never go down.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.prepare_inner(src, opts, extra)
        })) {
            Ok(r) => r,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Err(internal(src, format!("compiler panic: {msg}")))
            }
        }
    }

    fn prepare_inner(
        &mut self,
        src: &str,
        opts: &JitOptions,
        extra: &HashMap<String, WsVar>,
    ) -> Result<Prepared, Failure> {
        let t0 = Instant::now();
        let cell = parse::parse_cell(src).map_err(|e| diags(src, e))?;
        let uses = self.all_uses(&cell);
        let cell_src: Arc<str> = Arc::from(src);
        // Signatures: existing definitions, overridden by this cell's.
        let mut sigs: HashMap<String, FnSig> = self
            .defs
            .iter()
            .map(|(k, d)| (k.clone(), d.sig.clone()))
            .collect();
        let mut seen = HashSet::new();
        for f in &cell.fns {
            let name = f.sig.ident.to_string();
            if !seen.insert(name.clone()) {
                return Err(diags(
                    src,
                    Error::new(
                        Span::of_node(&f.sig.ident),
                        format!("the name `{name}` is defined multiple times"),
                    ),
                ));
            }
            sigs.insert(name, typeck::sig_of(f).map_err(|e| diags(src, e))?);
        }
        let no_vars = HashMap::new();
        let mut env = Env::new(&sigs, &no_vars, &uses).map_err(|e| diags(src, e))?;
        self.add_consts(&mut env, Some(&cell))
            .map_err(|e| diags(src, e))?;
        let mut new_fns = vec![];
        for f in &cell.fns {
            let tf = typeck::check_fn(f, &env).map_err(|e| diags(src, e))?;
            let lines = (Span::of_node(f).line, Span::of_node(f).end_line);
            new_fns.push((tf, lines));
        }
        let mut wsv = self.ws_vars();
        for (k, v) in extra {
            wsv.insert(k.clone(), v.clone());
        }
        let mut env_cell = Env::new(&sigs, &wsv, &uses).map_err(|e| diags(src, e))?;
        self.add_consts(&mut env_cell, Some(&cell))
            .map_err(|e| diags(src, e))?;
        let span = Span {
            line: 1,
            col: 0,
            end_line: src.lines().count().max(1) as u32,
            end_col: 0,
        };
        let mut cell_fn = typeck::check_cell(&cell.stmts, cell.tail.as_ref(), &env_cell, span)
            .map_err(|e| diags(src, e))?;
        // Workspace storage for the cell's new top-level `let`s.
        let mut new_vars = vec![];
        for g in cell_fn.globals.iter_mut() {
            if g.new {
                let slot = Slot::new(g.ty.clone(), g.mutable);
                g.addr = slot.addr();
                new_vars.push((g.name.clone(), slot));
            }
        }
        if let Some(out) = self.typed_out.as_mut() {
            out.extend(new_fns.iter().map(|(f, _)| f.clone()));
            out.push(cell_fn.clone());
        }
        let result = match &cell.tail {
            Some(_) => {
                let t = cell_fn
                    .body
                    .tail
                    .as_ref()
                    .map(|t| t.ty.clone())
                    .unwrap_or(Ty::Unit);
                let owned = !cell_fn
                    .body
                    .tail
                    .as_ref()
                    .map(|t| crate::lower::is_place_pub(t))
                    .unwrap_or(true);
                let slot = Slot::new(t.clone(), false);
                Some((t, slot, owned))
            }
            None => None,
        };

        // Which fns must be (re)compiled into the module of this opt level.
        self.epoch += 1;
        let epoch = self.epoch;
        let mi = if opts.opt == OptLevel::Speed { 0 } else { 1 };
        if self.mods[mi].is_none() {
            self.mods[mi] = Some(Mod::new(opts.opt));
        }
        let mut callees: HashMap<String, Vec<String>> = self
            .defs
            .iter()
            .map(|(k, d)| (k.clone(), d.callees.clone()))
            .collect();
        let mut defined_at: HashMap<String, u64> = self
            .defs
            .iter()
            .map(|(k, d)| (k.clone(), d.defined_at))
            .collect();
        for (tf, _) in &new_fns {
            callees.insert(tf.name.clone(), callees_of(tf));
            defined_at.insert(tf.name.clone(), epoch);
        }
        let mut reach: Vec<String> = callees_of(&cell_fn);
        reach.extend(new_fns.iter().map(|(f, _)| f.name.clone()));
        let mut seen: HashSet<String> = HashSet::new();
        let mut i = 0;
        while i < reach.len() {
            let n = reach[i].clone();
            i += 1;
            if seen.insert(n.clone()) {
                reach.extend(callees.get(&n).cloned().unwrap_or_default());
            }
        }
        let m = self.mods[mi].as_ref().unwrap();
        // Stale: never compiled here, redefined since, or calling a copy newer than itself.
        let at = |n: &String| m.compiled.get(n).map(|(_, a)| *a);
        let mut needed: HashSet<String> = seen
            .iter()
            .filter(|n| match at(n) {
                None => true,
                Some(a) => {
                    a < defined_at[*n] || callees[*n].iter().any(|c| at(c).is_none_or(|ca| ca > a))
                }
            })
            .cloned()
            .collect();
        loop {
            let more: Vec<String> = seen
                .iter()
                .filter(|n| !needed.contains(*n) && callees[*n].iter().any(|c| needed.contains(c)))
                .cloned()
                .collect();
            if more.is_empty() {
                break;
            }
            needed.extend(more);
        }
        // Typed bodies of everything to compile: this cell's, or re-checked from source.
        let mut to_compile: Vec<(typed::Fn, Arc<str>, (u32, u32))> = vec![];
        let mut names: Vec<String> = needed.iter().cloned().collect();
        names.sort();
        for n in &names {
            if let Some((tf, lines)) = new_fns.iter().find(|(f, _)| &f.name == n) {
                to_compile.push((tf.clone(), cell_src.clone(), *lines));
                continue;
            }
            let d = &self.defs[n];
            let old = parse::parse_cell(&d.cell_src).map_err(|e| diags(&d.cell_src, e))?;
            let item = old
                .fns
                .iter()
                .find(|f| f.sig.ident == n.as_str())
                .ok_or_else(|| Failure::Compile(vec![]))?;
            let tf = typeck::check_fn(item, &env).map_err(|e| {
                let mut d0 = e.to_diagnostic(&d.cell_src);
                d0.rendered = format!("{}\nnote: in fn `{n}` (defined in an earlier cell), which calls a fn this cell redefines", d0.rendered);
                Failure::Compile(vec![d0])
            })?;
            to_compile.push((tf, d.cell_src.clone(), d.lines));
        }

        let tables = &mut self.st.tables;
        let strs = &mut self.strs;
        let m = self.mods[mi].as_mut().unwrap();
        m.gen += 1;
        let gen = m.gen;
        let mut table: HashMap<String, (FuncId, FnSig)> = HashMap::new();
        for n in &seen {
            if let Some((c, _)) = m.compiled.get(n) {
                table.insert(n.clone(), (c.id, sigs[n].clone()));
            }
        }
        let mut declared = vec![];
        for (tf, _, _) in &to_compile {
            let sig = lower::signature(&m.jit, &sigs[&tf.name]);
            let id = m
                .jit
                .declare_function(&format!("{}#{gen}", tf.name), Linkage::Local, &sig)
                .map_err(|e| internal(src, e))?;
            table.insert(tf.name.clone(), (id, sigs[&tf.name].clone()));
            declared.push((id, sig));
        }
        let cell_sig = {
            let mut s = m.jit.make_signature();
            s.params.push(cranelift_codegen::ir::AbiParam::new(
                cranelift_codegen::ir::types::I64,
            ));
            s
        };
        let cell_id = m
            .jit
            .declare_function(&format!("<cell>#{gen}"), Linkage::Local, &cell_sig)
            .map_err(|e| internal(src, e))?;
        declared.push((cell_id, cell_sig.clone()));
        let mut dump = String::new();
        let mut annots = vec![];
        let mut defined: HashSet<FuncId> = HashSet::new();
        let mut fbctx = FunctionBuilderContext::new();
        let mut ctx = m.jit.make_context();
        let mut result_err: Option<Failure> = None;
        let jobs: Vec<(
            &typed::Fn,
            FuncId,
            cranelift_codegen::ir::Signature,
            Arc<str>,
            (u32, u32),
            bool,
        )> = to_compile
            .iter()
            .map(|(tf, s, l)| {
                (
                    tf,
                    table[&tf.name].0,
                    lower::signature(&m.jit, &sigs[&tf.name]),
                    s.clone(),
                    *l,
                    false,
                )
            })
            .chain(std::iter::once((
                &cell_fn,
                cell_id,
                cell_sig.clone(),
                cell_src.clone(),
                (1, span.end_line),
                true,
            )))
            .collect();
        for (tf, id, sig, fsrc, lines, is_cell) in jobs {
            ctx.func.signature = sig;
            ctx.func.name = UserFuncName::user(0, id.as_u32());
            ctx.set_disasm(opts.dump == Some(Dump::Asm));
            let res_addr = result.as_ref().map(|(_, s, _)| s.addr());
            let cfg = m.jit.target_config();
            let lowered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbctx);
                let mut l = Lowerer::new(
                    &mut b,
                    &mut m.jit,
                    &mut m.imports,
                    tables,
                    &table,
                    tf,
                    opts,
                    strs,
                );
                let r = if is_cell {
                    l.result_addr = res_addr;
                    l.lower_cell()
                } else {
                    let ret = tf.ret.clone();
                    l.lower_fn(&ret)
                };
                let counts = std::mem::take(&mut l.counts);
                drop(l);
                // A lowering error leaves blocks unfilled: the half-built fn is discarded, not
                // finalized (Cranelift checks that every block is filled).
                if r.is_ok() {
                    b.finalize(cfg);
                }
                r.map(|_| counts)
            }));
            let counts = match lowered {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => {
                    result_err = Some(diags(&fsrc, e));
                    ctx.clear();
                    fbctx = FunctionBuilderContext::new();
                    break;
                }
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    result_err = Some(diags(
                        &fsrc,
                        Error::new(
                            tf.span,
                            format!(
                                "internal compiler error while lowering `{}`: {msg}",
                                tf.name
                            ),
                        )
                        .hint("please report this; use %%rust meanwhile"),
                    ));
                    ctx.clear();
                    fbctx = FunctionBuilderContext::new();
                    break;
                }
            };
            if opts.dump == Some(Dump::Ir) {
                dump.push_str(&format!("; fn {}\n{}\n", tf.name, ctx.func.display()));
            }
            let func_copy = if is_cell {
                None
            } else {
                Some(ctx.func.clone())
            };
            if let Err(e) = m.jit.define_function(id, &mut ctx) {
                result_err = Some(diags(
                    &fsrc,
                    Error::new(
                        tf.span,
                        format!("internal compiler error in `{}`: {e:?}", tf.name),
                    ),
                ));
                m.jit.clear_context(&mut ctx);
                break;
            }
            defined.insert(id);
            if let Some(cc) = ctx.compiled_code() {
                if opts.dump == Some(Dump::Asm) {
                    dump.push_str(&format!(
                        "; fn {}\n{}\n",
                        tf.name,
                        cc.vcode.clone().unwrap_or_default()
                    ));
                }
                if let Some(func) = func_copy {
                    let ranges = cc
                        .buffer
                        .get_srclocs_sorted()
                        .iter()
                        .map(|r| (r.start, r.end, r.loc.bits()))
                        .collect();
                    annots.push((
                        tf.name.clone(),
                        FnAnnot {
                            counts,
                            func,
                            code: cc.code_buffer().to_vec(),
                            ranges,
                            cell_src: fsrc.clone(),
                            lines,
                        },
                    ));
                }
            }
            m.jit.clear_context(&mut ctx);
        }
        if let Some(e) = result_err {
            // Give every declared-but-undefined fn a trivial body so the module stays finalizable.
            for (id, sig) in declared {
                if !defined.contains(&id) {
                    ctx.func.signature = sig.clone();
                    {
                        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbctx);
                        let blk = b.create_block();
                        b.switch_to_block(blk);
                        b.append_block_params_for_function_params(blk);
                        b.seal_block(blk);
                        b.ins()
                            .trap(cranelift_codegen::ir::TrapCode::unwrap_user(1));
                        b.finalize(m.jit.target_config());
                    }
                    let _ = m.jit.define_function(id, &mut ctx);
                    m.jit.clear_context(&mut ctx);
                }
            }
            let _ = m.jit.finalize_definitions();
            self.epoch -= 0;
            return Err(e);
        }
        m.jit.finalize_definitions().map_err(|e| internal(src, e))?;
        let entry = m.jit.get_finalized_function(cell_id);
        // Commit: definitions, compiled copies, annotations, uses.
        for (tf, _, _) in &to_compile {
            m.compiled.insert(
                tf.name.clone(),
                (
                    Compiled {
                        id: table[&tf.name].0,
                    },
                    epoch,
                ),
            );
        }
        for (tf, lines) in &new_fns {
            self.defs.insert(
                tf.name.clone(),
                FnDef {
                    cell_src: cell_src.clone(),
                    sig: sigs[&tf.name].clone(),
                    defined_at: epoch,
                    callees: callees[&tf.name].clone(),
                    lines: *lines,
                },
            );
        }
        for (n, a) in annots {
            if mi == 0 || !self.annots.contains_key(&n) {
                self.annots.insert(n, a);
            }
        }
        for u in &cell.uses {
            use quote::ToTokens;
            self.uses.push(u.to_token_stream().to_string());
        }
        for c in &cell.consts {
            use quote::ToTokens;
            self.consts.push(c.to_token_stream().to_string());
        }
        self.last_compile = t0.elapsed();
        Ok(Prepared {
            entry,
            new_vars,
            result,
            dump,
        })
    }

    /// Run a prepared cell; commit its workspace variables if it finished.
    pub fn run(
        &mut self,
        p: Prepared,
        interrupt: &AtomicBool,
        out: &dyn Output,
    ) -> Result<Option<Value>, Failure> {
        if !p.dump.is_empty() {
            out.stdout(&p.dump);
        }
        interrupt.store(false, std::sync::atomic::Ordering::SeqCst);
        let (code, live) = exec::worker::run(p.entry, &mut self.st, interrupt, out);
        self.last_unfreed_vecs = live;
        let failure = match code {
            0 => None,
            ctx::FAIL_INTERRUPT => Some(Failure::Interrupted),
            ctx::FAIL_STACK => Some(Failure::StackOverflow),
            _ => {
                let (message, line) = self.st.panic.take().unwrap_or_default();
                Some(Failure::Panic {
                    message,
                    line: line as usize,
                })
            }
        };
        // Moved-out workspace values are gone (as in Rust, they cannot be used again).
        let moved: Vec<String> = self
            .vars
            .iter()
            .filter(|(_, s)| s.is_moved())
            .map(|(k, _)| k.clone())
            .collect();
        for k in moved {
            self.vars.remove(&k);
            self.var_order.retain(|x| x != &k);
        }
        if let Some(f) = failure {
            return Err(f);
        }
        for (name, slot) in p.new_vars {
            self.vars.insert(name.clone(), slot);
            self.var_order.retain(|x| x != &name);
            self.var_order.push(name);
        }
        Ok(match p.result {
            Some((t, slot, owned)) if t != Ty::Unit && t != Ty::Never => {
                let (text, html) = slot.display();
                if !owned {
                    // Borrowed from a workspace variable: not ours to free.
                    std::mem::forget(slot);
                }
                Some(Value { text, html })
            }
            Some((_, slot, owned)) => {
                if !owned {
                    std::mem::forget(slot);
                }
                None
            }
            None => None,
        })
    }

    pub fn variables(&self) -> Vec<(String, String)> {
        self.var_order
            .iter()
            .filter_map(|k| self.vars.get(k).map(|s| (k.clone(), s.ty.to_string())))
            .collect()
    }

    /// The name a JIT module of level `opt` declared function `index` under (what Cranelift
    /// IR calls `u0:index`).
    pub(crate) fn declared_name(&self, opt: OptLevel, index: u32) -> Option<String> {
        let m = self.mods[if opt == OptLevel::Speed { 0 } else { 1 }].as_ref()?;
        let decls = m.jit.declarations();
        decls
            .get_functions()
            .find(|(id, _)| id.as_u32() == index)
            .and_then(|(_, d)| d.name.clone())
    }

    pub fn functions(&self) -> Vec<String> {
        let mut v: Vec<String> = self.defs.keys().cloned().collect();
        v.sort();
        v
    }
}

fn internal(src: &str, e: impl std::fmt::Debug) -> Failure {
    let _ = src;
    Failure::Compile(vec![Diagnostic {
        message: format!("internal compiler error: {e:?}"),
        line: 1,
        col: 1,
        end_line: 1,
        end_col: 1,
        rendered: format!("error: internal compiler error: {e:?}"),
    }])
}
