//! Module variables: initializers, addresses, reads (with the initialization checks) and
//! writes.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::Region;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::{ModuleVariable, VariableCheck};
use crate::sema::types::{ModuleId, Type, VariableId};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, UnaryOp};

impl Translator<'_, '_, '_> {
    pub(crate) fn module_initializer(&mut self, module: ModuleId) {
        let checked = self.state.checked;
        let module_data = checked.program.module(module);
        for (index, info) in checked.items.variables.iter().enumerate() {
            if info.module != module {
                continue;
            }
            let ast::Item::Variable(declaration) = &module_data.ast.items[info.item_index] else {
                continue;
            };
            let ty = info.ty.clone().unwrap_or(Type::Error);
            let value = self.expr_to(&declaration.init, &ty);
            if self.is_terminated() {
                self.start_unreachable_block();
            }
            let word = self.word_of(value, &ty);
            let address = self.variable_address(VariableId(index as u32));
            let cells = self.flags(Region::Cells);
            self.builder.ins().store(cells, word, address, 0);
            let one = self.iconst(1);
            self.builder.ins().store(cells, one, address, 8);
        }
    }

    /// Hot mode: evaluates one module variable's initializer into its cell.
    pub(crate) fn variable_initializer(&mut self, id: VariableId) {
        let checked = self.state.checked;
        let info = checked.items.variable(id);
        let ast::Item::Variable(declaration) = &checked.program.module(info.module).ast.items[info.item_index] else {
            return;
        };
        let ty = info.ty.clone().unwrap_or(Type::Error);
        let value = self.expr_to(&declaration.init, &ty);
        if self.is_terminated() {
            return;
        }
        let word = self.word_of(value, &ty);
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        self.builder.ins().store(cells, word, address, 0);
        let one = self.iconst(1);
        self.builder.ins().store(cells, one, address, 8);
    }

    pub(crate) fn variable_address(&mut self, id: VariableId) -> Value {
        if let ModuleVariable::Cell(cell) = self.state.target.module_variable(self.state.checked, id) {
            return self.hot_reference(cell as i64);
        }
        let info = self.state.checked.items.variable(id);
        let data = self.state.globals[info.module.0 as usize];
        let slot = self.state.variable_slots[id.0 as usize];
        let base = self.data_address(data);
        self.builder.ins().iadd_imm_s(base, (slot * 16) as i64)
    }

    pub(crate) fn read_variable(&mut self, id: VariableId, span: Span) -> Value {
        let info = self.state.checked.items.variable(id).clone();
        // After initialization, a module constant initialized by a literal needs no load
        // (not under hot reload, where an edited `let` takes its new value).
        if self.state.target.folds_constant_lets()
            && !self.may_run_during_initialization
            && !info.mutable
            && let ast::Item::Variable(declaration) =
                &self.state.checked.program.module(info.module).ast.items[info.item_index]
        {
            let literal = match (&declaration.init.kind, &info.ty) {
                (ExprKind::Int(value), Some(Type::Int)) => Some(self.iconst(*value)),
                (ExprKind::Float(value), Some(Type::Float)) => Some(self.builder.ins().f64const(*value)),
                (ExprKind::Bool(value), Some(Type::Bool)) => Some(self.builder.ins().iconst(types::I8, *value as i64)),
                (ExprKind::Str(text), Some(Type::Str)) => Some(self.string_literal(text)),
                (
                    ExprKind::Unary {
                        op: UnaryOp::Negate,
                        operand,
                    },
                    Some(ty),
                ) => match (&operand.kind, ty) {
                    (ExprKind::Int(value), Type::Int) => Some(self.iconst(value.wrapping_neg())),
                    (ExprKind::Float(value), Type::Float) => Some(self.builder.ins().f64const(-*value)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(literal) = literal {
                return literal;
            }
        }
        let check = self.state.target.variable_check(self.may_run_during_initialization);
        if check == VariableCheck::CellState
            && let Some(value) = self.read_cached_let(id, &info.name, span)
        {
            return value;
        }
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        match check {
            VariableCheck::CellState => self.check_variable_cell_state(id, &info.name, cells, address, span),
            VariableCheck::Initialized => {
                let initialized = self.builder.ins().load(types::I64, cells, address, 8);
                let missing = self.builder.ins().icmp_imm_s(IntCC::Equal, initialized, 0);
                self.error_if_named(missing, span, RAISE_UNINITIALIZED, &info.name);
            }
            VariableCheck::None => {}
        }
        let word = self.builder.ins().load(types::I64, cells, address, 0);
        let ty = info.ty.unwrap_or(Type::Error);
        self.value_of_word(word, &ty)
    }

    pub(crate) fn write_variable(&mut self, id: VariableId, value: Value) {
        let ty = self.state.checked.items.variable(id).ty.clone().unwrap_or(Type::Error);
        let word = self.word_of(value, &ty);
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        self.builder.ins().store(cells, word, address, 0);
    }
}
