//! Expressions: literals, names, interpolation, function and built-in values.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};

use crate::codegen::CodegenError;
use crate::codegen::function::Translator;
use crate::codegen::layout::is_boxed_optional;
use crate::codegen::memory::trusted;
use crate::codegen::place::Place;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::{BuiltinValue, Callee};
use crate::sema::builtins::Builtin;
use crate::sema::results::NameRef;
use crate::sema::types::{FunctionId, Type};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

impl Translator<'_, '_, '_> {
    pub(crate) fn expr(&mut self, expr: &Expr) -> Option<Value> {
        let value = match &expr.kind {
            ExprKind::Int(value) => self.iconst(*value),
            ExprKind::Float(value) => self.builder.ins().f64const(*value),
            ExprKind::Bool(value) => self.builder.ins().iconst(types::I8, *value as i64),
            ExprKind::Nil => self.iconst(0),
            ExprKind::Str(text) => self.string_literal(text),
            ExprKind::Interpolated(parts) => self.interpolation(parts, expr.span),
            ExprKind::Name(name) => self.name(name, expr.span),
            ExprKind::Array(elements) => self.array_literal(expr, elements),
            ExprKind::Map(entries) => self.map_literal(expr, entries),
            ExprKind::StructLiteral(literal) => self.struct_literal(expr, &literal.fields),
            ExprKind::Unary { op, operand } => self.unary(*op, operand),
            ExprKind::Binary {
                op: ast::BinaryOp::Coalesce,
                lhs,
                rhs,
            } => self.coalesce(expr, lhs, rhs),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expr.span),
            ExprKind::Call { callee, args } => match self.state.checked.results.variant(self.file, expr.span) {
                Some(variant) => self.enum_value(variant, args, expr.span),
                None => return self.call(expr, callee, args),
            },
            ExprKind::Field { object, field } => match self.state.checked.results.variant(self.file, expr.span) {
                Some(variant) => self.enum_value(variant, &[], expr.span),
                None => self.field(object, field, expr.span),
            },
            ExprKind::Index { object, index } => self.index(object, index, expr.span),
            ExprKind::Unwrap(inner) => {
                let inner_type = self.ty(inner);
                let optional = self.expr_value(inner);
                let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, optional, 0);
                let zero = self.iconst(0);
                self.error_if(is_nil, expr.span, Some((RAISE_UNWRAP_NIL, zero, zero)));
                let inner = match inner_type {
                    Type::Optional(inner) => *inner,
                    _ => Type::Error,
                };
                self.unbox(optional, &inner)
            }
            ExprKind::Paren(inner) => return self.expr(inner),
            ExprKind::Error => {
                self.bug("an erroneous expression reached code generation");
                self.iconst(0)
            }
            ExprKind::ImplicitMember(_) => match self.state.checked.results.variant(self.file, expr.span) {
                Some(variant) => self.enum_value(variant, &[], expr.span),
                None => {
                    self.bug("an implicit member without a variant");
                    self.iconst(0)
                }
            },
            ExprKind::Match(match_expr) => return self.match_value(expr, match_expr),
            ExprKind::If(if_expr) => return self.if_value(expr, if_expr),
            ExprKind::Function(function) => self.closure_value(expr, function),
        };
        Some(value)
    }

    /// The value inside a non-nil optional.
    pub(crate) fn unbox(&mut self, optional: Value, inner: &Type) -> Value {
        if is_boxed_optional(inner) {
            let word = self
                .builder
                .ins()
                .load(types::I64, trusted(), optional, BOX_VALUE_OFFSET);
            self.value_of_word(word, inner)
        } else {
            optional
        }
    }

    pub(crate) fn string_of(&mut self, value: Value, ty: &Type, span: Span) -> Value {
        let ctx = self.ctx;
        let name = match ty {
            Type::Int => "lang_rt_int_to_str",
            Type::Float => "lang_rt_float_to_str",
            Type::Bool => "lang_rt_bool_to_str",
            Type::Enum(id) => return self.enum_string(value, *id, span),
            _ => return value,
        };
        self.call_runtime_at(name, &[ctx, value], span).unwrap_or(value)
    }

    pub(crate) fn name(&mut self, name: &ast::Name, span: Span) -> Value {
        match self.state.checked.results.name(self.file, name.span) {
            Some(NameRef::Local) | None => match self.lookup_local(&name.text) {
                Some((variable, ty)) => self.read_place(&Place::Local(variable, ty), span),
                None => {
                    self.bug(format!("unknown local `{}`", name.text));
                    self.iconst(0)
                }
            },
            Some(NameRef::Variable(id)) => self.read_module_variable(id, span),
            Some(NameRef::Function(id)) => self.function_value(id),
            Some(NameRef::Builtin(builtin)) => self.builtin_value(builtin),
        }
    }

    /// A function value: the address of a static object holding the function's address at
    /// `FUNCTION_CODE_OFFSET`; in hot mode, its slot, which the runtime made such an object
    /// holding the slot's own address there (see `codegen/hot/closures.rs`).
    pub(crate) fn function_value(&mut self, id: FunctionId) -> Value {
        if let Callee::Slot(slot) = self.state.target.callee(self.state.checked, id) {
            return self.hot_reference(slot as i64);
        }
        if self.state.functions[id.0 as usize] == crate::codegen::hot::not_compiled_here() {
            self.bug(crate::codegen::calls::not_compiled_message(self.state.checked, id));
        }
        let slot = match self.state.function_slots.get(&id) {
            Some(&slot) => slot,
            None => match self.define_function_slot(self.state.functions[id.0 as usize]) {
                Ok(slot) => {
                    self.state.function_slots.insert(id, slot);
                    slot
                }
                Err(error) => {
                    self.bug(error.0);
                    return self.iconst(0);
                }
            },
        };
        self.data_address(slot)
    }

    pub(crate) fn define_function_slot(&mut self, function: FuncId) -> Result<DataId, CodegenError> {
        let name = self.state.unique_name(format!("lang.slot.{}", function.as_u32()));
        let slot = self.state.module.declare_data(&name, Linkage::Local, false, false)?;
        let mut description = DataDescription::new();
        // A static function object: a header whose flags say immortal (the collector traces
        // function values and must leave this one alone), then the code address.
        // Initialized data, not zero-initialized: a relocation cannot apply to `.bss`.
        let mut bytes = vec![0u8; FUNCTION_CODE_OFFSET as usize + 8];
        bytes[8..16].copy_from_slice(&OBJECT_FLAG_IMMORTAL.to_le_bytes());
        description.define(bytes.into_boxed_slice());
        description.set_align(8);
        let reference = self.state.module.declare_func_in_data(function, &mut description);
        description.write_function_addr(FUNCTION_CODE_OFFSET as u32, reference);
        self.state.module.define_data(slot, &description)?;
        Ok(slot)
    }

    pub(crate) fn builtin_value(&mut self, builtin: Builtin) -> Value {
        match self.state.target.builtin_value(self.state.checked, builtin) {
            BuiltinValue::Slot(slot) => self.hot_builtin_value(builtin, slot),
            BuiltinValue::Wrapper => self.builtin_value_wrapper(builtin),
        }
    }

    pub(crate) fn builtin_value_wrapper(&mut self, builtin: Builtin) -> Value {
        let slot = match self.state.builtin_wrappers.get(&builtin) {
            Some(&(_, slot)) => slot,
            None => {
                let Some((params, result)) = builtin.signature() else {
                    self.bug("a generic built-in used as a value");
                    return self.iconst(0);
                };
                let signature = self.state.script_signature(&params, result.as_ref());
                let name = self.state.unique_name(format!("lang.builtin.{}", builtin.name()));
                let created = self
                    .state
                    .module
                    .declare_function(&name, Linkage::Local, &signature)
                    .map_err(CodegenError::from)
                    .and_then(|function| Ok((function, self.define_function_slot(function)?)));
                match created {
                    Ok((function, slot)) => {
                        self.state.builtin_wrappers.insert(builtin, (function, slot));
                        self.state.pending_wrappers.push(builtin);
                        slot
                    }
                    Err(error) => {
                        self.bug(error.0);
                        return self.iconst(0);
                    }
                }
            }
        };
        self.data_address(slot)
    }
}
