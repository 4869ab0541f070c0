//! Places: every read and write of a local, module variable, field, array element and map
//! entry goes through one [`Place`] (as cg_clif's `CPlace`), and assignment (plain and
//! compound) is a read and a write of one.

use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_frontend::Variable;

use crate::codegen::bounds::BoundsCheck;
use crate::codegen::function::Translator;
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::*;
use crate::codegen::target::FieldAccess;
use crate::sema::results::NameRef;
use crate::sema::types::{Type, VariableId};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind};

/// Something that can be read and assigned, with its subexpressions already evaluated.
pub(crate) enum Place {
    /// A local variable, and its type.
    Local(Variable, Type),
    /// A module variable, and its type.
    ModuleVariable(VariableId, Type),
    /// A field of a struct value.
    Field {
        object: Value,
        object_type: Type,
        field: String,
        ty: Type,
    },
    /// An element of an array (bounds-checked at each access unless proven in range).
    Element {
        array: Value,
        index: Value,
        element: Type,
        bounds: BoundsCheck,
    },
    /// The entry of a map at a key (as a word).
    MapEntry { map: Value, key_word: Value, value: Type },
    /// Not a place (a bug, reported when found); reads give this value.
    Invalid(Value),
}

impl Place {
    /// The type of the value stored at the place.
    pub(crate) fn ty(&self) -> &Type {
        match self {
            Place::Local(_, ty) | Place::ModuleVariable(_, ty) => ty,
            Place::Field { ty, .. } => ty,
            Place::Element { element, .. } => element,
            Place::MapEntry { value, .. } => value,
            Place::Invalid(_) => &Type::Error,
        }
    }
}

impl Translator<'_, '_, '_> {
    pub(crate) fn assignment(&mut self, target: &Expr, op: Option<BinaryOp>, value: &Expr) {
        let target_type = self.ty(target);
        if let ExprKind::Paren(inner) = &target.kind {
            return self.assignment(inner, op, value);
        }
        let Some(place) = self.place(target, &target_type) else {
            self.bug("assignment to an expression that is not a place");
            return;
        };
        if let (
            Some(op),
            Place::MapEntry {
                map,
                key_word,
                value: ty,
            },
        ) = (op, &place)
            && matches!(ty, Type::Int | Type::Float | Type::Bool)
            && self.runs_no_code(value)
        {
            // One probe instead of a read and a write: nothing between them can change the map.
            let ctx = self.ctx;
            let slot = self
                .call_runtime_at("lang_rt_map_value_slot", &[ctx, *map, *key_word], target.span)
                .unwrap_or(*key_word);
            let word = self.builder.ins().load(types::I64, trusted(), slot, 0);
            let current = self.value_of_word(word, ty);
            let new_value = self.assigned_value(Some(current), ty, Some(op), value, target.span);
            let word = self.word_of(new_value, ty);
            self.builder.ins().store(trusted(), word, slot, 0);
            return;
        }
        let current = op.map(|_| self.read_place(&place, target.span));
        let new_value = self.assigned_value(current, place.ty(), op, value, target.span);
        self.write_place(&place, new_value, target.span);
    }

    /// Whether evaluating `expr` runs no code that could change a map: a literal or a local.
    pub(crate) fn runs_no_code(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) => true,
            ExprKind::Paren(inner) => self.runs_no_code(inner),
            ExprKind::Name(name) => matches!(
                self.state.checked.results.name(self.file, name.span),
                Some(NameRef::Local) | None
            ),
            _ => false,
        }
    }

    /// The place an assignable expression names, evaluating its object and index (left to
    /// right) but not reading it. `None` for an expression that is not a place.
    pub(crate) fn place(&mut self, target: &Expr, target_type: &Type) -> Option<Place> {
        let place = match &target.kind {
            ExprKind::Paren(inner) => return self.place(inner, target_type),
            ExprKind::Name(name) => match self.state.checked.results.name(self.file, name.span) {
                Some(NameRef::Variable(id)) => Place::ModuleVariable(id, target_type.clone()),
                _ => match self.lookup_local(&name.text) {
                    Some((variable, _)) => Place::Local(variable, target_type.clone()),
                    None => {
                        self.bug(format!("assignment to unknown `{}`", name.text));
                        Place::Invalid(self.iconst(0))
                    }
                },
            },
            ExprKind::Field { object, field } => {
                if let Some(NameRef::Variable(id)) = self.state.checked.results.name(self.file, field.span) {
                    return Some(Place::ModuleVariable(id, target_type.clone()));
                }
                let object_type = self.ty(object);
                let object_value = self.expr_value(object);
                self.field_place(object_type, object_value, &field.text)
            }
            ExprKind::Index { object, index } => {
                let object_type = self.ty(object);
                let bounds = self.bounds_check_for(object, index);
                let collection = self.expr_value(object);
                self.element_place(object_type, collection, index, bounds)
            }
            _ => return None,
        };
        Some(place)
    }

    /// Field `field` of `object`, a value of type `object_type`.
    fn field_place(&mut self, object_type: Type, object: Value, field: &str) -> Place {
        let ty = match &object_type {
            Type::Struct(id) => self
                .state
                .checked
                .items
                .struct_info(*id)
                .fields
                .iter()
                .find(|known| known.name == field)
                .map_or(Type::Error, |known| known.ty.clone()),
            _ => Type::Error,
        };
        Place::Field {
            object,
            object_type,
            field: field.to_string(),
            ty,
        }
    }

    /// The element or map entry of `collection` (of type `object_type`) at `index`, which is
    /// evaluated here.
    fn element_place(&mut self, object_type: Type, collection: Value, index: &Expr, bounds: BoundsCheck) -> Place {
        match object_type {
            Type::Array(element) => {
                let index = self.expr_value(index);
                Place::Element {
                    array: collection,
                    index,
                    element: *element,
                    bounds,
                }
            }
            Type::Map(key, value) => {
                let key_value = self.expr_value(index);
                let key_word = self.word_of(key_value, &key);
                Place::MapEntry {
                    map: collection,
                    key_word,
                    value: *value,
                }
            }
            _ => {
                self.bug("indexing a value that is not an array or a map");
                Place::Invalid(collection)
            }
        }
    }

    /// Reads module variable `id` (through its place).
    pub(crate) fn read_module_variable(&mut self, id: VariableId, span: Span) -> Value {
        let ty = self.state.checked.items.variable(id).ty.clone().unwrap_or(Type::Error);
        self.read_place(&Place::ModuleVariable(id, ty), span)
    }

    /// Reads the value at `place`; a failed check is a runtime error at `span`.
    pub(crate) fn read_place(&mut self, place: &Place, span: Span) -> Value {
        match place {
            Place::Local(variable, ty) if self.is_cell_variable(*variable) => {
                let cell = self.builder.use_var(*variable);
                let cells = self.flags(Region::Cells);
                let word = self.builder.ins().load(types::I64, cells, cell, CELL_VALUE_OFFSET);
                self.value_of_word(word, ty)
            }
            Place::Local(variable, _) => self.builder.use_var(*variable),
            Place::ModuleVariable(id, _) => self.read_variable(*id, span),
            Place::Field {
                object,
                object_type,
                field,
                ty,
            } => {
                let (base, offset, region) = self.field_address(object_type, *object, field, span);
                let fields = self.flags(region);
                if matches!((ty, region), (Type::Float, Region::StructField { .. })) {
                    // Straight into a float register, not through an integer one.
                    return self.builder.ins().load(types::F64, fields, base, offset);
                }
                let word = self.builder.ins().load(types::I64, fields, base, offset);
                self.value_of_word(word, ty)
            }
            Place::Element {
                array,
                index,
                element,
                bounds,
            } => self.array_get(*array, *index, element, *bounds, span),
            Place::MapEntry { map, key_word, value } => {
                let ctx = self.ctx;
                let word = self
                    .call_runtime_at("lang_rt_map_get", &[ctx, *map, *key_word], span)
                    .unwrap_or(*key_word);
                self.value_of_word(word, value)
            }
            Place::Invalid(value) => *value,
        }
    }

    /// Writes `value` to `place`; a failed check is a runtime error at `span`.
    pub(crate) fn write_place(&mut self, place: &Place, value: Value, span: Span) {
        match place {
            Place::Local(variable, ty) if self.is_cell_variable(*variable) => {
                let word = self.word_of(value, ty);
                let cell = self.builder.use_var(*variable);
                let cells = self.flags(Region::Cells);
                self.builder.ins().store(cells, word, cell, CELL_VALUE_OFFSET);
            }
            Place::Local(variable, _) => self.builder.def_var(*variable, value),
            Place::ModuleVariable(id, _) => self.write_variable(*id, value),
            Place::Field {
                object,
                object_type,
                field,
                ty,
            } => {
                // The address is taken after the value is computed: a reload during that
                // computation may have migrated the object.
                let (base, offset, region) = self.field_address(object_type, *object, field, span);
                // A float is stored from its own register, not moved to an integer one.
                let word = match (ty, region) {
                    (Type::Float, Region::StructField { .. }) => value,
                    _ => self.word_of(value, ty),
                };
                let fields = self.flags(region);
                self.builder.ins().store(fields, word, base, offset);
            }
            Place::Element {
                array,
                index,
                element,
                bounds,
            } => self.array_set(*array, *index, value, element, *bounds, span),
            Place::MapEntry {
                map,
                key_word,
                value: value_type,
            } => {
                let word = self.word_of(value, value_type);
                let ctx = self.ctx;
                self.call_runtime_at("lang_rt_map_set", &[ctx, *map, *key_word, word], span);
            }
            Place::Invalid(_) => {}
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
            Some(NameRef::Variable(id)) => return self.read_module_variable(id, span),
            Some(NameRef::Function(id)) => return self.function_value(id),
            _ => {}
        }
        let object_type = self.ty(object);
        let object_value = self.expr_value(object);
        if !matches!(object_type, Type::Struct(_)) {
            return object_value;
        }
        let place = self.field_place(object_type, object_value, &field.text);
        self.read_place(&place, span)
    }

    /// Where a field lives and the alias region of its accesses (the field's own): the object
    /// and a fixed offset, or under hot reload the payload plus the offset its cell holds now
    /// (a removed field is a runtime error at `span`).
    pub(crate) fn field_address(
        &mut self,
        object_type: &Type,
        object: Value,
        field: &str,
        span: Span,
    ) -> (Value, i32, Region) {
        let Type::Struct(id) = object_type else {
            return (object, self.field_offset(object_type, field), Region::Fields);
        };
        // Type-based alias regions in every mode: under hot reload a field's offset changes
        // only at a swap, inside a call, which is a fence for Cranelift's alias analysis, so
        // between two calls two fields of a struct type have different offsets there too.
        let info = self.state.checked.items.struct_info(*id);
        let region = match info.fields.iter().position(|known| known.name == field) {
            Some(position) => Region::StructField { strukt: *id, position },
            None => Region::Fields,
        };
        match self.state.target.field(self.state.checked, *id, field) {
            FieldAccess::OffsetCell(cell) => {
                let (base, offset) = self.hot_field_address(object, field, cell, span);
                (base, offset, region)
            }
            FieldAccess::FixedOffset => (object, self.field_offset(object_type, field), region),
        }
    }

    pub(crate) fn index(&mut self, object: &Expr, index: &Expr, span: Span) -> Value {
        let object_type = self.ty(object);
        let bounds = self.bounds_check_for(object, index);
        let collection = self.expr_value(object);
        let place = self.element_place(object_type, collection, index, bounds);
        self.read_place(&place, span)
    }

    /// Whether `object[index]` is proven in range by an enclosing loop (`bounds.rs`): both
    /// are names of the very locals of one of its facts.
    fn bounds_check_for(&self, object: &Expr, index: &Expr) -> BoundsCheck {
        let local = |expr: &Expr| match &expr.kind {
            ExprKind::Name(name) => self.lookup_local(&name.text).map(|(variable, _)| variable),
            _ => None,
        };
        let (Some(array), Some(index)) = (local(object), local(index)) else {
            return BoundsCheck::Checked;
        };
        match self
            .proven_indices
            .iter()
            .rev()
            .find(|fact| fact.array == array && fact.index == index)
        {
            Some(fact) => BoundsCheck::Proven { data: fact.data },
            None => BoundsCheck::Checked,
        }
    }
}
