//! `x[i] as i32` on an i8/i16/i32 element: one sign/zero-extending load (`movsbl (mem)`)
//! instead of a narrow load and a separate extension — the 3×3 smooth does nine per
//! output element. Only when the narrow load is the instruction just emitted in the
//! current block, so nothing can have written memory in between; the narrow load is left
//! unused and removed as dead code.

use super::{flags, Lowerer};
use cranelift_codegen::ir::{types, InstBuilder, InstructionData, Opcode, Type, Value, ValueDef};

impl Lowerer<'_, '_> {
    pub fn fuse_extend_load(
        &mut self,
        v: Value,
        from: Type,
        to: Type,
        signed: bool,
    ) -> Option<Value> {
        let ValueDef::Result(inst, 0) = self.b.func.dfg.value_def(v) else {
            return None;
        };
        let InstructionData::Load {
            opcode: Opcode::Load,
            arg,
            offset,
            ..
        } = self.b.func.dfg.insts[inst]
        else {
            return None;
        };
        let block = self.b.current_block()?;
        if self.b.func.layout.last_inst(block) != Some(inst)
            || !(to == types::I32 || to == types::I64)
        {
            return None;
        }
        let off: i32 = offset.into();
        let ins = self.b.ins();
        Some(match (from, signed) {
            (types::I8, true) => ins.sload8(to, flags(), arg, off),
            (types::I8, false) => ins.uload8(to, flags(), arg, off),
            (types::I16, true) => ins.sload16(to, flags(), arg, off),
            (types::I16, false) => ins.uload16(to, flags(), arg, off),
            (types::I32, true) if to == types::I64 => ins.sload32(flags(), arg, off),
            (types::I32, false) if to == types::I64 => ins.uload32(flags(), arg, off),
            _ => return None,
        })
    }
}
