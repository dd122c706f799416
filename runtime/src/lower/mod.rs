//! Stage 3: typed IR → Cranelift IR, one `typed::Fn` into one Cranelift `Function`.
//!
//! Values: scalars are one SSA value; `Vec`/`String` are a pointer to a runtime-owned
//! header; slices and `&str` are (ptr, len); tuples, arrays and `Option` live in memory
//! and are handled by address (copied on assignment). Panics set `Ctx::failure` and
//! return through `fail_block`; loops poll the interrupt flag at back-edges.
//!
//! Ownership: owned locals are freed at scope exit and on break/continue/return
//! (`drop_scopes`); statement temporaries at the statement's end and on those early exits
//! (`free_temps_on_exit`). A panic or an interrupt does NOT free what the unwound frames own:
//! it ends the whole cell (no `catch_unwind` in the subset), so the leak is bounded by the
//! heap the cell's call chain held at that moment, once per failed cell run (`%timeit`
//! stops at the first failure too). Workspace variables are not leaked: they are owned by
//! workspace slots.

mod array_iters;
mod arrays;
mod calls;
mod chunked;
mod consts;
mod exprs;
mod fastmath;
mod fmt;
mod fuse;
mod intrinsics;
mod iters;
mod loop_form;
mod loops;
mod ops;
mod options;
mod place;
mod rotated;
mod select;
mod vec_div;
mod vec_ops;
mod vec_reduce;
mod vectorize;
mod versioning;
mod views;

use crate::abi::ctx;
use crate::abi::tables::Tables;
use crate::abi::ty::{FloatTy, Ty};
use crate::api::JitOptions;
use crate::diag::{Error, Result};
use crate::typeck::typed::{self, LocalId, LoopId};
use crate::typeck::FnSig;
use cranelift_codegen::ir::{
    self, types, AbiParam, Block, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Value,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A lowered value (see the module doc).
#[derive(Clone, Copy, Debug)]
pub enum V {
    Unit,
    S(Value),
    F(Value, Value),
    A(Value),
}

impl V {
    pub fn s(self) -> Value {
        match self {
            V::S(v) | V::A(v) => v,
            other => panic!("expected a scalar value, found {other:?}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Repr {
    Unit,
    S(ir::Type),
    F,
    /// In memory; the value is an address. `inline` when the type itself is the
    /// aggregate (stored inline in memory), false for a reference to one (a pointer).
    A {
        inline: bool,
    },
}

pub fn cl_ty(t: &Ty) -> ir::Type {
    match t {
        Ty::Int(i) => match i.bits() {
            8 => types::I8,
            16 => types::I16,
            32 => types::I32,
            _ => types::I64,
        },
        Ty::Float(FloatTy::F32) => types::F32,
        Ty::Float(FloatTy::F64) => types::F64,
        Ty::Bool => types::I8,
        Ty::Char => types::I32,
        _ => types::I64,
    }
}

pub fn repr(t: &Ty) -> Repr {
    match t {
        Ty::Int(_) | Ty::Float(_) | Ty::Bool | Ty::Char => Repr::S(cl_ty(t)),
        Ty::Vec(_) | Ty::String | Ty::Nd(..) | Ty::Rng | Ty::Chunked(_) | Ty::Svg | Ty::NdD(..) => {
            Repr::S(types::I64)
        }
        Ty::Tuple(_) | Ty::Array(..) | Ty::Option(_) | Ty::NdView(..) => Repr::A { inline: true },
        Ty::Ref(inner, m) => match &**inner {
            Ty::Slice(_) | Ty::Str => Repr::F,
            i if i.is_scalar() => {
                if *m {
                    Repr::S(types::I64)
                } else {
                    Repr::S(cl_ty(i))
                }
            }
            Ty::Vec(_)
            | Ty::String
            | Ty::Nd(..)
            | Ty::Rng
            | Ty::Chunked(_)
            | Ty::Svg
            | Ty::NdD(..) => Repr::S(types::I64),
            Ty::Ref(..) if !m => repr(inner),
            Ty::Ref(..) => Repr::S(types::I64),
            _ => Repr::A { inline: false },
        },
        _ => Repr::Unit,
    }
}

/// ABI parameter types of one value of type `t`.
pub fn abi_of(t: &Ty) -> Vec<ir::Type> {
    match repr(t) {
        Repr::Unit => vec![],
        Repr::S(c) => vec![c],
        Repr::F => vec![types::I64, types::I64],
        Repr::A { .. } => vec![types::I64],
    }
}

/// Aggregates are returned through a caller-provided buffer.
pub fn returns_in_memory(t: &Ty) -> bool {
    matches!(repr(t), Repr::A { .. })
}

pub fn signature(module: &JITModule, sig: &FnSig) -> Signature {
    let mut s = module.make_signature();
    s.params.push(AbiParam::new(types::I64));
    if returns_in_memory(&sig.ret) {
        s.params.push(AbiParam::new(types::I64));
    }
    for p in &sig.params {
        for t in abi_of(p) {
            s.params.push(AbiParam::new(t));
        }
    }
    if !returns_in_memory(&sig.ret) {
        for t in abi_of(&sig.ret) {
            s.returns.push(AbiParam::new(t));
        }
    }
    s
}

/// What each source line became (for `%annotate`).
#[derive(Debug, Clone, Default)]
pub struct LineCounts {
    pub bounds_checks: u32,
    pub bounds_elided: u32,
    /// Checks tested once before a loop instead of at every iteration (`versioning`).
    pub bounds_hoisted: u32,
    /// Checks kept in the checked fallback copy of a versioned loop (runs only when the
    /// hoisted test fails).
    pub bounds_fallback: u32,
    pub calls: u32,
    pub libm: u32,
    pub allocs: u32,
    pub polls: u32,
    pub panics: u32,
    /// Lanes per iteration of the loop on this line, when `vectorize` ran it on vectors.
    pub vectorised: u32,
    /// Why the vectoriser left the loop on this line scalar (versioned loops only).
    pub vec_refused: Option<&'static str>,
    /// The code `loop_form::strategy` chose for the loop on this line (one text per choice).
    pub loop_form: Option<&'static str>,
}

/// Runtime imports, declared once per JIT module, and the names of every runtime symbol
/// the module was given (`exec::symbols`), so a shim name made at compile time
/// (`nd_sum_f64`) is checked and found without lowering importing `exec`.
pub struct RtImports {
    ids: HashMap<&'static str, FuncId>,
    names: Vec<&'static str>,
}

impl RtImports {
    pub fn new(names: Vec<&'static str>) -> RtImports {
        RtImports {
            ids: HashMap::new(),
            names,
        }
    }

    /// The `'static` name of a runtime symbol, if the module has it.
    pub fn shim_name(&self, name: &str) -> Option<&'static str> {
        self.names.iter().find(|n| **n == name).copied()
    }
}

pub struct LoopInfo {
    pub next: Block,
    pub exit: Block,
    pub depth: usize,
    pub result: Vec<Variable>,
    pub result_ty: Ty,
    /// Statement temporaries live when the loop started; a break/continue frees the newer ones.
    pub temps: usize,
}

/// Where a `return` inside an inlined closure body goes, and what it must free on the way:
/// the scopes from `depth` up (the closure's parameters and body locals) and the statement
/// temporaries above `temps` (created inside the body).
#[derive(Clone)]
pub struct ClosureExit {
    pub exit: Block,
    pub vars: Vec<Variable>,
    pub depth: usize,
    pub temps: usize,
}

enum Store {
    Vars(Vec<Variable>),
    Slot(ir::StackSlot),
    /// A scalar local whose address is taken (`bump(&mut x)`): it lives in memory.
    Cell(ir::StackSlot, ir::Type),
}

pub struct Lowerer<'a, 'b> {
    pub b: &'a mut FunctionBuilder<'b>,
    pub module: &'a mut JITModule,
    pub imports: &'a mut RtImports,
    pub tables: &'a mut Tables,
    pub fns: &'a HashMap<String, (FuncId, FnSig)>,
    pub f: &'a typed::Fn,
    pub opts: &'a JitOptions,
    pub strs: &'a mut Vec<Box<[u8]>>,
    pub counts: BTreeMap<u32, LineCounts>,
    ctx: Value,
    sret: Option<Value>,
    stores: HashMap<LocalId, Store>,
    scopes: Vec<Vec<LocalId>>,
    loops: HashMap<LoopId, LoopInfo>,
    fail_block: Block,
    interrupted: Block,
    intr_ptr: Variable,
    temps: Vec<Variable>,
    func_refs: HashMap<String, ir::FuncRef>,
    line: u32,
    /// (index local, sequence local): the index is proven `< len(seq)` where it is used.
    proven: HashSet<(LocalId, LocalId)>,
    /// The subset of `proven` whose loop is the rotated forward range (see `place::movable`).
    proven_fwd: HashSet<(LocalId, LocalId)>,
    /// Addresses (and Vec headers) of memory nothing writes while the fn runs, valid
    /// wherever the value is available: loads from them may move (`place.rs`).
    movable: HashSet<Value>,
    /// Set by a loop whose body is a short leaf, taken by the next `run_iter` (`rotated.rs`).
    pub strip_leaf: bool,
    /// Index expressions proven in bounds by a versioned loop's hoisted test.
    proven_idx: HashSet<*const typed::Expr>,
    /// Versioned loops being lowered around the current point, and how many of them are
    /// in their checked fallback copy.
    version_depth: u32,
    in_fallback: u32,
    /// Loop variables of ascending ranges starting at a constant ≥ 1 (never 0 or -1).
    pub positive: HashSet<LocalId>,
    /// Immutable locals initialised with `seq.len()`.
    len_of: HashMap<LocalId, LocalId>,
    /// Return targets of inlined closures being lowered.
    closure_exits: Vec<ClosureExit>,
    /// Where the cell's trailing value is written (cells only).
    pub result_addr: Option<usize>,
    /// Scalar locals borrowed `&mut` somewhere in the fn (kept in stack slots).
    addr_taken: HashSet<LocalId>,
}

pub fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Loads the e-graph may merge, hoist out of loops and sink (see `place::movable`).
pub fn movable_flags() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

impl<'a, 'b> Lowerer<'a, 'b> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        b: &'a mut FunctionBuilder<'b>,
        module: &'a mut JITModule,
        imports: &'a mut RtImports,
        tables: &'a mut Tables,
        fns: &'a HashMap<String, (FuncId, FnSig)>,
        f: &'a typed::Fn,
        opts: &'a JitOptions,
        strs: &'a mut Vec<Box<[u8]>>,
    ) -> Self {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let ctx = b.block_params(entry)[0];
        let fail_block = b.create_block();
        let interrupted = b.create_block();
        let intr_ptr = b.declare_var(types::I64);
        Lowerer {
            b,
            module,
            imports,
            tables,
            fns,
            f,
            opts,
            strs,
            counts: BTreeMap::new(),
            ctx,
            sret: None,
            stores: HashMap::new(),
            scopes: vec![vec![]],
            loops: HashMap::new(),
            fail_block,
            interrupted,
            intr_ptr,
            temps: vec![],
            func_refs: HashMap::new(),
            line: f.span.line,
            proven: HashSet::new(),
            proven_fwd: HashSet::new(),
            movable: HashSet::new(),
            strip_leaf: false,
            proven_idx: HashSet::new(),
            version_depth: 0,
            in_fallback: 0,
            positive: HashSet::new(),
            len_of: HashMap::new(),
            closure_exits: vec![],
            result_addr: None,
            addr_taken: addr_taken(f),
        }
    }

    pub fn count(&mut self) -> &mut LineCounts {
        self.counts.entry(self.line).or_default()
    }

    pub fn set_line(&mut self, line: u32) {
        if line > 0 {
            self.line = line;
            self.b.set_srcloc(ir::SourceLoc::new(line));
        }
    }

    /// Lower the whole fn body: prologue (stack guard, interrupt pointer), parameters,
    /// body, return; then the shared failure exits.
    pub fn lower_fn(&mut self, ret: &Ty) -> Result<()> {
        let entry = self.b.current_block().unwrap();
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        let mut k = 1;
        if returns_in_memory(ret) {
            self.sret = Some(params[1]);
            k = 2;
        }
        self.set_line(self.f.span.line);
        // Stack guard: deep recursion fails cleanly instead of overflowing the thread.
        let sp = self.b.ins().get_stack_pointer(types::I64);
        let limit = self
            .b
            .ins()
            .load(types::I64, flags(), self.ctx, ctx::CTX_STACK_LIMIT);
        let low = self
            .b
            .ins()
            .icmp(ir::condcodes::IntCC::UnsignedLessThan, sp, limit);
        let ok = self.b.create_block();
        let so = self.b.create_block();
        self.b.ins().brif(low, so, &[], ok, &[]);
        self.b.switch_to_block(so);
        self.b.seal_block(so);
        let code = self.b.ins().iconst(types::I32, ctx::FAIL_STACK as i64);
        self.b
            .ins()
            .store(flags(), code, self.ctx, ctx::CTX_FAILURE);
        self.b.ins().jump(self.fail_block, &[]);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
        let ip = self
            .b
            .ins()
            .load(types::I64, flags(), self.ctx, ctx::CTX_INTERRUPT);
        self.b.def_var(self.intr_ptr, ip);
        for &pid in &self.f.params {
            let t = self.f.locals[pid as usize].ty.clone();
            let n = abi_of(&t).len();
            let vals = &params[k..k + n];
            k += n;
            let v = match repr(&t) {
                Repr::Unit => V::Unit,
                Repr::S(_) => V::S(vals[0]),
                Repr::F => V::F(vals[0], vals[1]),
                Repr::A { .. } => V::A(vals[0]),
            };
            self.declare_local(pid, v)?;
        }
        let body = &self.f.body;
        let v = self.block(body, true)?;
        if self.reachable() {
            self.emit_return(v, ret)?;
        }
        self.finish_exits(ret);
        Ok(())
    }

    /// The cell: top-level statements; the trailing value is written to `result_addr`.
    pub fn lower_cell(&mut self) -> Result<()> {
        self.set_line(1);
        let ip = self
            .b
            .ins()
            .load(types::I64, flags(), self.ctx, ctx::CTX_INTERRUPT);
        self.b.def_var(self.intr_ptr, ip);
        let body = &self.f.body;
        let mark = self.temps.len();
        for s in &body.stmts {
            self.stmt(s)?;
        }
        if let Some(t) = &body.tail {
            // Displayed, not moved: a workspace variable stays alive; a fresh value is
            // handed to the caller, which frees it after display.
            let is_place = place::is_place(t);
            let v = self.expr(t, !is_place)?;
            if self.reachable() {
                if let Some(addr) = self.result_addr {
                    let a = self.b.ins().iconst(types::I64, addr as i64);
                    self.store_mem(&t.ty, a, 0, v)?;
                }
            }
        }
        if self.reachable() {
            self.free_temps(mark);
            self.drop_scopes(0);
            self.b.ins().return_(&[]);
        }
        self.finish_exits(&Ty::Unit);
        Ok(())
    }

    fn finish_exits(&mut self, ret: &Ty) {
        self.b.switch_to_block(self.interrupted);
        let code = self.b.ins().iconst(types::I32, ctx::FAIL_INTERRUPT as i64);
        self.b
            .ins()
            .store(flags(), code, self.ctx, ctx::CTX_FAILURE);
        self.b.ins().jump(self.fail_block, &[]);
        self.b.switch_to_block(self.fail_block);
        let zeros: Vec<Value> = if returns_in_memory(ret) {
            vec![]
        } else {
            abi_of(ret).into_iter().map(|t| self.zero(t)).collect()
        };
        self.b.ins().return_(&zeros);
        self.b.seal_all_blocks();
    }

    pub fn zero(&mut self, t: ir::Type) -> Value {
        match t {
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            t => self.b.ins().iconst(t, 0),
        }
    }

    pub fn emit_return(&mut self, v: V, ret: &Ty) -> Result<()> {
        self.drop_scopes(0);
        if let Some(sret) = self.sret {
            self.store_mem(ret, sret, 0, v)?;
            self.b.ins().return_(&[]);
            return Ok(());
        }
        let vals: Vec<Value> = match v {
            V::Unit => vec![],
            V::S(x) | V::A(x) => vec![x],
            V::F(a, b) => vec![a, b],
        };
        self.b.ins().return_(&vals);
        Ok(())
    }

    /// Is the current block still open (not terminated by a jump/return)?
    pub fn reachable(&self) -> bool {
        match self.b.current_block() {
            Some(_) => !self.b.is_unreachable(),
            None => false,
        }
    }

    /// Start a fresh block for code following a diverging expression.
    pub fn dead_block(&mut self) {
        let d = self.b.create_block();
        self.b.switch_to_block(d);
        self.b.seal_block(d);
    }

    /// Import a runtime function into this Cranelift function.
    pub fn rt(
        &mut self,
        name: &'static str,
        params: &[ir::Type],
        rets: &[ir::Type],
    ) -> ir::FuncRef {
        if let Some(r) = self.func_refs.get(name) {
            return *r;
        }
        let id = match self.imports.ids.get(name) {
            Some(id) => *id,
            None => {
                let mut s = self.module.make_signature();
                s.params.extend(params.iter().map(|t| AbiParam::new(*t)));
                s.returns.extend(rets.iter().map(|t| AbiParam::new(*t)));
                let id = self
                    .module
                    .declare_function(name, Linkage::Import, &s)
                    .expect("runtime import");
                self.imports.ids.insert(name, id);
                id
            }
        };
        let r = self.module.declare_func_in_func(id, self.b.func);
        self.func_refs.insert(name.to_string(), r);
        r
    }

    /// Call a runtime function; returns its results.
    pub fn call_rt(&mut self, name: &'static str, args: &[Value], rets: &[ir::Type]) -> Vec<Value> {
        let params: Vec<ir::Type> = args
            .iter()
            .map(|a| self.b.func.dfg.value_type(*a))
            .collect();
        let f = self.rt(name, &params, rets);
        let inst = self.b.ins().call(f, args);
        self.count().calls += 1;
        self.b.inst_results(inst).to_vec()
    }

    /// After a call that may panic: leave through the failure exit if it did.
    pub fn check_failure(&mut self) {
        let fl = self
            .b
            .ins()
            .load(types::I32, flags(), self.ctx, ctx::CTX_FAILURE);
        let cont = self.b.create_block();
        self.b.ins().brif(fl, self.fail_block, &[], cont, &[]);
        self.b.switch_to_block(cont);
        self.b.seal_block(cont);
    }

    /// Raise a panic with a fixed message and leave.
    pub fn panic_static(&mut self, code: i64) {
        let ctx = self.ctx;
        let c = self.b.ins().iconst(types::I64, code);
        let l = self.b.ins().iconst(types::I64, self.line as i64);
        self.call_rt("rt_panic_static", &[ctx, c, l], &[]);
        self.count().panics += 1;
        self.b.ins().jump(self.fail_block, &[]);
    }

    /// A panic whose message needs values: if `cond` is `panics_when`, call the runtime's
    /// `name(ctx, args.., line)` out of line (`args` computed there) and leave.
    pub fn panic_call_if(
        &mut self,
        cond: Value,
        panics_when: bool,
        name: &'static str,
        args: impl FnOnce(&mut Self) -> Vec<Value>,
    ) {
        let cold = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(cold);
        if panics_when {
            self.b.ins().brif(cond, cold, &[], ok, &[]);
        } else {
            self.b.ins().brif(cond, ok, &[], cold, &[]);
        }
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let mut all = vec![self.ctx];
        all.extend(args(self));
        all.push(self.b.ins().iconst(types::I64, self.line as i64));
        self.call_rt(name, &all, &[]);
        self.b.ins().jump(self.fail_block, &[]);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
    }

    /// `if cond { panic(code) }`, with the panic path out of line.
    pub fn panic_if(&mut self, cond: Value, code: i64) {
        let bad = self.b.create_block();
        let ok = self.b.create_block();
        self.b.set_cold_block(bad);
        self.b.ins().brif(cond, bad, &[], ok, &[]);
        self.b.switch_to_block(bad);
        self.b.seal_block(bad);
        self.panic_static(code);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
    }

    /// Interrupt poll at a loop back-edge: two loads (the flag's address from ctx, then the
    /// flag) and a branch. Reloading the address costs one L1 load but keeps no register
    /// busy for the whole fn: with five values live across calls (ctx, owned Vecs, …) the
    /// callee-saved registers run out and a loop's hottest value gets spilled.
    pub fn poll_interrupt(&mut self, target: Block) {
        let p = self
            .b
            .ins()
            .load(types::I64, flags(), self.ctx, ctx::CTX_INTERRUPT);
        let v = self.b.ins().load(types::I8, flags(), p, 0);
        self.count().polls += 1;
        self.b.ins().brif(v, self.interrupted, &[], target, &[]);
    }

    pub fn ctx(&self) -> Value {
        self.ctx
    }

    pub fn fail_block(&self) -> Block {
        self.fail_block
    }

    pub fn new_slot(&mut self, size: u32, align: u32) -> ir::StackSlot {
        let shift = align.max(1).trailing_zeros() as u8;
        self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size.max(1),
            shift.max(3),
        ))
    }

    pub fn slot_for(&mut self, t: &Ty) -> Value {
        let (s, a) = t.layout();
        let ss = self.new_slot(s, a);
        self.b.ins().stack_addr(types::I64, ss, 0)
    }

    // ---- locals, scopes and drops ------------------------------------------------

    pub fn declare_local(&mut self, id: LocalId, v: V) -> Result<()> {
        let t = self.f.locals[id as usize].ty.clone();
        match repr(&t) {
            Repr::S(c) if self.addr_taken.contains(&id) => {
                let (s, a) = t.layout();
                let ss = self.new_slot(s, a);
                self.stores.insert(id, Store::Cell(ss, c));
            }
            Repr::A { inline: true } => {
                let (s, a) = t.layout();
                let ss = self.new_slot(s, a);
                self.stores.insert(id, Store::Slot(ss));
            }
            r => {
                let tys: Vec<ir::Type> = match r {
                    Repr::Unit => vec![],
                    Repr::S(c) => vec![c],
                    Repr::F => vec![types::I64, types::I64],
                    Repr::A { .. } => vec![types::I64],
                };
                let vars = tys.into_iter().map(|c| self.b.declare_var(c)).collect();
                self.stores.insert(id, Store::Vars(vars));
            }
        }
        if t.needs_drop() {
            self.scopes.last_mut().unwrap().push(id);
        }
        self.write_local(id, v)
    }

    pub fn read_local(&mut self, id: LocalId) -> V {
        let t = &self.f.locals[id as usize].ty;
        let r = repr(t);
        match self.stores.get(&id) {
            Some(Store::Slot(ss)) => {
                let ss = *ss;
                V::A(self.b.ins().stack_addr(types::I64, ss, 0))
            }
            Some(Store::Cell(ss, c)) => {
                let (ss, c) = (*ss, *c);
                let a = self.b.ins().stack_addr(types::I64, ss, 0);
                V::S(self.b.ins().load(c, flags(), a, 0))
            }
            Some(Store::Vars(vs)) => {
                let vs = vs.clone();
                match r {
                    Repr::Unit => V::Unit,
                    Repr::S(_) => V::S(self.b.use_var(vs[0])),
                    Repr::F => V::F(self.b.use_var(vs[0]), self.b.use_var(vs[1])),
                    Repr::A { .. } => V::A(self.b.use_var(vs[0])),
                }
            }
            None => V::Unit,
        }
    }

    pub fn write_local(&mut self, id: LocalId, v: V) -> Result<()> {
        let t = self.f.locals[id as usize].ty.clone();
        match self.stores.get(&id) {
            Some(Store::Slot(ss)) => {
                let ss = *ss;
                if let V::A(src) = v {
                    let dst = self.b.ins().stack_addr(types::I64, ss, 0);
                    self.copy_mem(dst, src, t.layout().0);
                }
            }
            Some(Store::Cell(ss, _)) => {
                let ss = *ss;
                let a = self.b.ins().stack_addr(types::I64, ss, 0);
                self.b.ins().store(flags(), v.s(), a, 0);
            }
            Some(Store::Vars(vs)) => {
                let vs = vs.clone();
                match v {
                    V::S(x) | V::A(x) => self.b.def_var(vs[0], x),
                    V::F(a, b) => {
                        self.b.def_var(vs[0], a);
                        self.b.def_var(vs[1], b);
                    }
                    V::Unit => {}
                }
            }
            None => {
                return Err(Error::new(
                    self.f.span,
                    "internal: local used before declaration",
                ))
            }
        }
        Ok(())
    }

    /// Null a moved-from owner so its scope exit does not free what moved on.
    pub fn clear_local(&mut self, id: LocalId) {
        if let Some(Store::Vars(vs)) = self.stores.get(&id) {
            let v = vs[0];
            let z = self.b.ins().iconst(types::I64, 0);
            self.b.def_var(v, z);
        }
    }

    /// The address of a local kept in memory (`&mut x` of a scalar local).
    pub fn local_addr(&mut self, id: LocalId) -> Option<Value> {
        match self.stores.get(&id) {
            Some(Store::Cell(ss, _)) | Some(Store::Slot(ss)) => {
                let ss = *ss;
                Some(self.b.ins().stack_addr(types::I64, ss, 0))
            }
            _ => None,
        }
    }

    pub fn free(&mut self, hdr: Value) {
        self.call_rt("rt_vec_free", &[hdr], &[]);
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(vec![]);
    }

    /// Free the owned locals of the innermost scope and pop it.
    pub fn pop_scope(&mut self) {
        if self.reachable() {
            self.drop_scope_at(self.scopes.len() - 1);
        }
        self.scopes.pop();
    }

    fn drop_scope_at(&mut self, i: usize) {
        let ids = self.scopes[i].clone();
        for id in ids.into_iter().rev() {
            if let V::S(h) = self.read_local(id) {
                self.free(h);
            }
        }
    }

    /// Free owned locals of all scopes deeper than `depth` (break/continue/return).
    pub fn drop_scopes(&mut self, depth: usize) {
        for i in (depth..self.scopes.len()).rev() {
            self.drop_scope_at(i);
        }
    }

    pub fn temps_len(&self) -> usize {
        self.temps.len()
    }

    pub fn scope_depth(&self) -> usize {
        self.scopes.len()
    }

    /// A fresh owned value used only by reference: freed at the end of the statement.
    pub fn add_temp(&mut self, hdr: Value) {
        let v = self.b.declare_var(types::I64);
        self.b.def_var(v, hdr);
        self.temps.push(v);
    }

    /// Free the temporaries above `mark` on an early exit path (break/continue/return); they
    /// stay listed so the statement's normal end still frees them on its own paths.
    pub fn free_temps_on_exit(&mut self, mark: usize) {
        if !self.reachable() {
            return;
        }
        for k in (mark..self.temps.len()).rev() {
            let v = self.temps[k];
            let h = self.b.use_var(v);
            self.free(h);
            // A break lands inside the same statement, whose end frees its temporaries
            // again: null the owner on this path so that free is a no-op.
            let z = self.b.ins().iconst(types::I64, 0);
            self.b.def_var(v, z);
        }
    }

    pub fn free_temps(&mut self, mark: usize) {
        while self.temps.len() > mark {
            let v = self.temps.pop().unwrap();
            if self.reachable() {
                let h = self.b.use_var(v);
                self.free(h);
                let z = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(v, z);
            }
        }
    }

    pub fn str_const(&mut self, s: &str) -> (Value, Value) {
        let bytes: Box<[u8]> = s.as_bytes().into();
        let p = bytes.as_ptr() as i64;
        self.strs.push(bytes);
        let pv = self.b.ins().iconst(types::I64, p);
        let lv = self.b.ins().iconst(types::I64, s.len() as i64);
        (pv, lv)
    }

    pub fn err(&self, span: crate::diag::Span, msg: &str) -> Error {
        Error::unsupported(span, msg)
    }
}

/// Scalar locals borrowed with `&mut` in the fn's body or closures.
fn addr_taken(f: &typed::Fn) -> HashSet<LocalId> {
    let mut out = HashSet::new();
    let mut see = |e: &typed::Expr| {
        if let typed::ExprKind::Ref(x, true) = &e.kind {
            if let typed::ExprKind::Local(id) = x.kind {
                if x.ty.is_scalar() {
                    out.insert(id);
                }
            }
        }
    };
    loops::walk_block(&f.body, &mut see);
    for c in &f.closures {
        loops::walk(&c.body, &mut see);
    }
    out
}

pub fn walk_pub(e: &typed::Expr, f: &mut dyn FnMut(&typed::Expr)) {
    loops::walk(e, f)
}

pub fn walk_block_pub(b: &typed::Block, f: &mut dyn FnMut(&typed::Expr)) {
    loops::walk_block(b, f)
}

pub fn is_place_pub(e: &typed::Expr) -> bool {
    place::is_place(e)
}
