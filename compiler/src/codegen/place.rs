//! Places: reads and writes of fields, elements and map entries, and assignment.

use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::Region;
use crate::codegen::runtime_abi::*;
use crate::codegen::target::FieldAccess;
use crate::sema::results::NameRef;
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind};

impl Translator<'_, '_, '_> {
    pub(crate) fn assignment(&mut self, target: &Expr, op: Option<BinaryOp>, value: &Expr) {
        let target_type = self.ty(target);
        match &target.kind {
            ExprKind::Paren(inner) => self.assignment(inner, op, value),
            ExprKind::Name(name) => {
                let reference = self.state.checked.results.name(self.file, name.span);
                let current = op.map(|_| self.expr_value(target));
                let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                match reference {
                    Some(NameRef::Variable(id)) => self.write_variable(id, new_value),
                    _ => match self.lookup_local(&name.text) {
                        Some((variable, _)) => self.builder.def_var(variable, new_value),
                        None => self.bug(format!("assignment to unknown `{}`", name.text)),
                    },
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(NameRef::Variable(id)) = self.state.checked.results.name(self.file, field.span) {
                    let current = op.map(|_| self.read_variable(id, target.span));
                    let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                    self.write_variable(id, new_value);
                    return;
                }
                let object_type = self.ty(object);
                let object_value = self.expr_value(object);
                let current = match op {
                    Some(_) => {
                        let (base, offset) = self.field_address(&object_type, object_value, &field.text, target.span);
                        let fields = self.flags(Region::Fields);
                        let word = self.builder.ins().load(types::I64, fields, base, offset);
                        Some(self.value_of_word(word, &target_type))
                    }
                    None => None,
                };
                let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                let word = self.word_of(new_value, &target_type);
                // The address is taken after the value is computed: a reload during that
                // computation may have migrated the object.
                let (base, offset) = self.field_address(&object_type, object_value, &field.text, target.span);
                let fields = self.flags(Region::Fields);
                self.builder.ins().store(fields, word, base, offset);
            }
            ExprKind::Index { object, index } => {
                let object_type = self.ty(object);
                let collection = self.expr_value(object);
                match &object_type {
                    Type::Array(element) => {
                        let element = (**element).clone();
                        let index_value = self.expr_value(index);
                        let current = op.map(|_| self.array_get(collection, index_value, &element, target.span));
                        let new_value = self.assigned_value(current, &element, op, value, target.span);
                        self.array_set(collection, index_value, new_value, &element, target.span);
                    }
                    Type::Map(key, map_value) => {
                        let (key, map_value) = ((**key).clone(), (**map_value).clone());
                        let key_value = self.expr_value(index);
                        let key_word = self.word_of(key_value, &key);
                        let ctx = self.ctx;
                        let current = match op {
                            Some(_) => {
                                let word = self
                                    .call_runtime_at("lang_rt_map_get", &[ctx, collection, key_word], target.span)
                                    .unwrap_or(key_word);
                                Some(self.value_of_word(word, &map_value))
                            }
                            None => None,
                        };
                        let new_value = self.assigned_value(current, &map_value, op, value, target.span);
                        let word = self.word_of(new_value, &map_value);
                        self.call_runtime_at("lang_rt_map_set", &[ctx, collection, key_word, word], target.span);
                    }
                    _ => self.bug("indexed assignment into a value that is not an array or a map"),
                }
            }
            _ => self.bug("assignment to an expression that is not a place"),
        }
    }

    /// The value to store: `value` itself, or `current op value` for compound assignment.
    pub(crate) fn assigned_value(
        &mut self,
        current: Option<Value>,
        target_type: &Type,
        op: Option<BinaryOp>,
        value: &Expr,
        span: Span,
    ) -> Value {
        match (op, current) {
            (Some(op), Some(current)) => {
                let value_type = self.ty(value);
                let rhs = self.expr_value(value);
                let span = span.to(value.span);
                self.binary_values(op, current, target_type, rhs, &value_type, span)
            }
            _ => self.expr_to(value, target_type),
        }
    }

    pub(crate) fn field_offset(&mut self, object_type: &Type, field: &str) -> i32 {
        let Type::Struct(id) = object_type else {
            self.bug("a field of a value that is not a struct");
            return STRUCT_FIELDS_OFFSET;
        };
        let info = self.state.checked.items.struct_info(*id);
        match info.fields.iter().position(|known| known.name == field) {
            Some(position) => STRUCT_FIELDS_OFFSET + position as i32 * 8,
            None => {
                self.bug(format!("no field `{field}`"));
                STRUCT_FIELDS_OFFSET
            }
        }
    }

    pub(crate) fn field(&mut self, object: &Expr, field: &ast::Name, span: Span) -> Value {
        match self.state.checked.results.name(self.file, field.span) {
            Some(NameRef::Variable(id)) => return self.read_variable(id, span),
            Some(NameRef::Function(id)) => return self.function_value(id),
            _ => {}
        }
        let object_type = self.ty(object);
        let object_value = self.expr_value(object);
        let Type::Struct(id) = object_type else {
            return object_value;
        };
        let (base, offset) = self.field_address(&object_type, object_value, &field.text, span);
        let ty = self
            .state
            .checked
            .items
            .struct_info(id)
            .fields
            .iter()
            .find(|known| known.name == field.text)
            .map_or(Type::Error, |known| known.ty.clone());
        let fields = self.flags(Region::Fields);
        let word = self.builder.ins().load(types::I64, fields, base, offset);
        self.value_of_word(word, &ty)
    }

    /// Where a field lives: the object and a fixed offset, or under hot reload the payload
    /// plus the offset its cell holds now (a removed field is a runtime error at `span`).
    pub(crate) fn field_address(&mut self, object_type: &Type, object: Value, field: &str, span: Span) -> (Value, i32) {
        if let Type::Struct(id) = object_type
            && let FieldAccess::OffsetCell(cell) = self.state.target.field(self.state.checked, *id, field)
        {
            return self.hot_field_address(object, field, cell, span);
        }
        (object, self.field_offset(object_type, field))
    }

    pub(crate) fn index(&mut self, object: &Expr, index: &Expr, span: Span) -> Value {
        let object_type = self.ty(object);
        let collection = self.expr_value(object);
        match object_type {
            Type::Array(element) => {
                let index_value = self.expr_value(index);
                self.array_get(collection, index_value, &element, span)
            }
            Type::Map(key, value) => {
                let key_value = self.expr_value(index);
                let key_word = self.word_of(key_value, &key);
                let ctx = self.ctx;
                let word = self
                    .call_runtime_at("lang_rt_map_get", &[ctx, collection, key_word], span)
                    .unwrap_or(key_word);
                self.value_of_word(word, &value)
            }
            _ => {
                self.bug("indexing a value that is not an array or a map");
                collection
            }
        }
    }
}
