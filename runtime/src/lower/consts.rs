//! Float constants and a float peephole that keep loops short.
//!
//! Cranelift rematerialises an `f64const` at every use (a 64-bit immediate moved through a
//! general register, two instructions), inside the innermost loop. A nonzero float literal
//! is instead loaded from a constant kept alive with the code, marked readonly / notrap /
//! can_move: the e-graph treats such a load as pure, merges duplicates and hoists it out of
//! loops, so a loop keeps the constant in a register. Zero stays `f64const` (one xor).

use super::{Lowerer, V};
use cranelift_codegen::ir::{
    types, InstBuilder, InstructionData, MemFlagsData, Opcode, Value, ValueDef,
};

impl Lowerer<'_, '_> {
    pub fn float_const(&mut self, v: f64, f32: bool) -> V {
        let (bits, ty): (Box<[u8]>, _) = if f32 {
            (Box::new((v as f32).to_le_bytes()), types::F32)
        } else {
            (Box::new(v.to_le_bytes()), types::F64)
        };
        if bits.iter().all(|b| *b == 0) {
            return V::S(if f32 {
                self.b.ins().f32const(0.0)
            } else {
                self.b.ins().f64const(0.0)
            });
        }
        let p = bits.as_ptr() as i64;
        self.strs.push(bits);
        let a = self.b.ins().iconst(types::I64, p);
        let fl = MemFlagsData::trusted().with_readonly().with_can_move();
        V::S(self.b.ins().load(ty, fl, a, 0))
    }

    /// `+0.0 + x*x` is `x*x` bit for bit: a square is never -0.0, so adding +0.0 changes
    /// nothing (the first `d2 += d * d` of a sum of squares starting at 0.0).
    pub fn zero_plus_square(&self, x: Value, y: Value) -> Option<Value> {
        let dfg = &self.b.func.dfg;
        let is_pos_zero = |v: Value| match dfg.value_def(v) {
            ValueDef::Result(i, _) => match dfg.insts[i] {
                InstructionData::UnaryIeee64 {
                    opcode: Opcode::F64const,
                    imm,
                } => imm.bits() == 0,
                InstructionData::UnaryIeee32 {
                    opcode: Opcode::F32const,
                    imm,
                } => imm.bits() == 0,
                _ => false,
            },
            _ => false,
        };
        let is_square = |v: Value| match dfg.value_def(v) {
            ValueDef::Result(i, _) => {
                matches!(dfg.insts[i], InstructionData::Binary { opcode: Opcode::Fmul, args } if args[0] == args[1])
            }
            _ => false,
        };
        if is_pos_zero(x) && is_square(y) {
            Some(y)
        } else if is_pos_zero(y) && is_square(x) {
            Some(x)
        } else {
            None
        }
    }
}
