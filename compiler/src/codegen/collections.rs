//! Arrays and maps: literals, bounds-checked element access (unless proven in range, see
//! `bounds.rs`) and `push`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, StackSlotData, StackSlotKind, Value, types};

use cranelift_frontend::Variable;

use crate::codegen::bounds::{BoundsCheck, ProvenIndex};
use crate::codegen::function::Translator;
use crate::codegen::layout::{element_kind, element_size, is_reference};
use crate::codegen::memory::trusted;
use crate::codegen::runtime_abi::*;
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::Expr;

/// Entries of a map literal inserted by one runtime call.
pub(crate) const MAP_LITERAL_BATCH: usize = 64;

impl Translator<'_, '_, '_> {
    pub(crate) fn array_literal(&mut self, expr: &Expr, elements: &[Expr]) -> Value {
        let Type::Array(element) = self.ty(expr) else {
            self.bug("an array literal without an array type");
            return self.iconst(0);
        };
        // The array is made first and each element stored as soon as it is evaluated (left to
        // right): holding every element in a register until the end made the register
        // allocator's work grow with the square of a long literal's length.
        let kind = self.builder.ins().iconst(types::I32, element_kind(&element));
        let len = self.iconst(elements.len() as i64);
        let ctx = self.ctx;
        let array = self
            .call_runtime_at("lang_rt_array_new", &[ctx, kind, len], expr.span)
            .unwrap_or(len);
        for (index, item) in elements.iter().enumerate() {
            let value = self.expr_to(item, &element);
            // Loaded again after each element: evaluating one may have run any code.
            let data = self.builder.ins().load(types::I64, trusted(), array, ARRAY_DATA_OFFSET);
            self.store_element_at(data, index as i64 * element_size(&element), value, &element);
        }
        array
    }

    pub(crate) fn map_literal(&mut self, expr: &Expr, entries: &[(Expr, Expr)]) -> Value {
        let Type::Map(key, value) = self.ty(expr) else {
            self.bug("a map literal without a map type");
            return self.iconst(0);
        };
        let mut kind = 0;
        if *key == Type::Str {
            kind |= MAP_STRING_KEYS;
        }
        if is_reference(&value) {
            kind |= MAP_REFERENCE_VALUES;
        }
        let kind = self.builder.ins().iconst(types::I32, kind);
        let capacity = self.iconst(entries.len() as i64);
        let ctx = self.ctx;
        // As for arrays: the map is made first, and entries are stored in a stack buffer as
        // they are evaluated and inserted a batch at a time, in order. A long literal keeps no
        // more values alive than a short one, and needs one call per batch, not per entry:
        // both made the register allocator's work grow with the square of its length. (The
        // collector scans the stack, so the buffered keys and values stay alive.)
        let map = self
            .call_runtime_at("lang_rt_map_new", &[ctx, kind, capacity], expr.span)
            .unwrap_or(capacity);
        let batch = entries.len().min(MAP_LITERAL_BATCH);
        if batch == 0 {
            return map;
        }
        let buffer = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (batch * 16) as u32,
            3,
        ));
        for chunk in entries.chunks(MAP_LITERAL_BATCH) {
            for (index, (entry_key, entry_value)) in chunk.iter().enumerate() {
                let key_value = self.expr_to(entry_key, &key);
                let key_word = self.word_of(key_value, &key);
                self.builder
                    .ins()
                    .stack_store(types::I64, key_word, buffer, (index * 16) as i32);
                let value_value = self.expr_to(entry_value, &value);
                let value_word = self.word_of(value_value, &value);
                self.builder
                    .ins()
                    .stack_store(types::I64, value_word, buffer, (index * 16 + 8) as i32);
            }
            let address = self.builder.ins().stack_addr(types::I64, buffer, 0);
            let count = self.iconst(chunk.len() as i64);
            self.call_runtime_at("lang_rt_map_set_many", &[ctx, map, address, count], expr.span);
        }
        map
    }

    pub(crate) fn bounds_check(&mut self, array: Value, index: Value, span: Span) {
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        // One unsigned comparison also rejects negative indices.
        let outside = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.error_if(outside, span, Some((RAISE_INDEX_OUT_OF_BOUNDS, index, len)));
    }

    pub(crate) fn element_address(&mut self, array: Value, index: Value, element: &Type) -> Value {
        let data = self.builder.ins().load(types::I64, trusted(), array, ARRAY_DATA_OFFSET);
        self.element_address_in(data, index, element)
    }

    /// The fact `array[index]` in range of a loop's body, with the array's data pointer
    /// loaded here, before the loop (`bounds::ProvenIndex`).
    pub(crate) fn proven_index(&mut self, array: Variable, index: Variable) -> ProvenIndex {
        let object = self.builder.use_var(array);
        let data = self
            .builder
            .ins()
            .load(types::I64, trusted(), object, ARRAY_DATA_OFFSET);
        ProvenIndex { array, index, data }
    }

    /// The address of element `index` of the elements at `data`.
    fn element_address_in(&mut self, data: Value, index: Value, element: &Type) -> Value {
        let offset = if element_size(element) == 1 {
            index
        } else {
            self.builder.ins().ishl_imm_s(index, 3)
        };
        self.builder.ins().iadd(data, offset)
    }

    pub(crate) fn array_get(
        &mut self,
        array: Value,
        index: Value,
        element: &Type,
        bounds: BoundsCheck,
        span: Span,
    ) -> Value {
        match bounds {
            BoundsCheck::Checked => {
                self.bounds_check(array, index, span);
                self.load_element(array, index, element)
            }
            BoundsCheck::Proven { data } => {
                let address = self.element_address_in(data, index, element);
                self.load_element_from(address, element)
            }
        }
    }

    /// Loads element `index` (already known to be in bounds).
    pub(crate) fn load_element(&mut self, array: Value, index: Value, element: &Type) -> Value {
        let address = self.element_address(array, index, element);
        self.load_element_from(address, element)
    }

    fn load_element_from(&mut self, address: Value, element: &Type) -> Value {
        if element_size(element) == 1 {
            self.builder.ins().load(types::I8, trusted(), address, 0)
        } else {
            let word = self.builder.ins().load(types::I64, trusted(), address, 0);
            self.value_of_word(word, element)
        }
    }

    pub(crate) fn array_set(
        &mut self,
        array: Value,
        index: Value,
        value: Value,
        element: &Type,
        bounds: BoundsCheck,
        span: Span,
    ) {
        let address = match bounds {
            BoundsCheck::Checked => {
                self.bounds_check(array, index, span);
                self.element_address(array, index, element)
            }
            BoundsCheck::Proven { data } => self.element_address_in(data, index, element),
        };
        self.store_element_at(address, 0, value, element);
    }

    /// `push`: stores in place while there is capacity, calls the runtime to grow otherwise.
    pub(crate) fn push(&mut self, array: Value, value: Value, element: &Type, span: Span) {
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let capacity = self
            .builder
            .ins()
            .load(types::I64, trusted(), array, ARRAY_CAPACITY_OFFSET);
        let has_room = self.builder.ins().icmp(IntCC::SignedLessThan, len, capacity);
        let fast = self.builder.create_block();
        let slow = self.builder.create_block();
        let merge = self.builder.create_block();
        self.builder.ins().brif(has_room, fast, &[], slow, &[]);
        self.builder.switch_to_block(fast);
        self.builder.seal_block(fast);
        let address = self.element_address(array, len, element);
        self.store_element_at(address, 0, value, element);
        let new_len = self.builder.ins().iadd_imm_s(len, 1);
        self.builder.ins().store(trusted(), new_len, array, ARRAY_LEN_OFFSET);
        self.builder.ins().jump(merge, &[]);
        self.builder.switch_to_block(slow);
        self.builder.seal_block(slow);
        self.builder.set_cold_block(slow);
        let word = self.word_of(value, element);
        let ctx = self.ctx;
        self.in_rejoining_cold_path(|this| this.call_runtime_at("lang_rt_array_push", &[ctx, array, word], span));
        self.builder.ins().jump(merge, &[]);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
    }

    pub(crate) fn store_element_at(&mut self, address: Value, offset: i64, value: Value, element: &Type) {
        if element_size(element) == 1 {
            self.builder.ins().store(trusted(), value, address, offset as i32);
        } else {
            let word = self.word_of(value, element);
            self.builder.ins().store(trusted(), word, address, offset as i32);
        }
    }
}
